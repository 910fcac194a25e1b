/**
 * Applications only: an Aurora PostgreSQL cluster and an RDS for MySQL instance that services
 * reach with their own IAM roles. No Identity Center: people get no permission set here.
 */
import type { AppConfig } from '../../lib/model/types';

export const config = {
  environments: {
    production: {
      account: '123456789012',
      region: 'us-east-1',
      vpcId: 'vpc-0a1b2c3d4e5f67890',
      subnetIds: ['subnet-0a1b2c3d4e5f67891', 'subnet-0a1b2c3d4e5f67892'],
      // The existing roles services.ts may attach a connect policy to; any other ARN is refused.
      serviceRoleArns: ['arn:aws:iam::123456789012:role/apps/ledger-batch'],
    },
  },
  databases: {
    ledger: {
      environment: 'production',
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
      databaseName: 'ledger',
      instanceCount: 2,
      allowedSecurityGroupIds: ['sg-0a1b2c3d4e5f67890'],
    },
    catalog: {
      environment: 'production',
      engine: 'mysql',
      engineVersion: '8.0.39',
      databaseName: 'catalog',
      allowedSecurityGroupIds: ['sg-0a1b2c3d4e5f67890'],
    },
  },
} satisfies AppConfig;

export type DatabaseKey = keyof typeof config.databases;
