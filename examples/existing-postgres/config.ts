/**
 * An RDS for PostgreSQL instance that already exists (`reports-db`), adopted as it is: the
 * project creates nothing in its account but the IAM-mapped users and tier roles inside it.
 */
import type { AppConfig } from '../../lib/model/types';

export const config = {
  environments: {
    production: {
      account: '123456789012',
      region: 'eu-west-1',
      vpcId: 'vpc-0a1b2c3d4e5f67890',
      subnetIds: ['subnet-0a1b2c3d4e5f67891', 'subnet-0a1b2c3d4e5f67892'],
    },
  },
  databases: {
    reports: {
      environment: 'production',
      engine: 'postgres',
      databaseName: 'reports',
      schemas: ['public', 'analytics'],
      masterUsername: 'postgres',
      existing: { identifier: 'reports-db' },
    },
  },
  identityCenter: {
    account: '111122223333',
    region: 'eu-west-1',
  },
} satisfies AppConfig;

export type DatabaseKey = keyof typeof config.databases;
