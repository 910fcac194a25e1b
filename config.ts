/**
 * The database fleet. Platform teams edit this file; people edit users.ts.
 * Every field is documented in lib/model/types.ts and in the README ("Configuration").
 * Like users.ts, this file is data: it is read, never run, so it holds literals only.
 */
import type { AppConfig } from './lib/model/types';

export const config = {
  environments: {
    production: {
      account: '123456789012',
      region: 'eu-west-1',
      vpcId: 'vpc-0a1b2c3d4e5f67890',
      subnetIds: ['subnet-0a1b2c3d4e5f67891', 'subnet-0a1b2c3d4e5f67892'],
      // Existing roles services.ts may attach a connect policy to (role: { arn }).
      serviceRoleArns: ['arn:aws:iam::123456789012:role/billing-export'],
      tags: { CostCenter: 'platform' },
    },
    staging: {
      account: '210987654321',
      region: 'eu-west-1',
      vpcId: 'vpc-0f1e2d3c4b5a69870',
      subnetIds: ['subnet-0f1e2d3c4b5a69871', 'subnet-0f1e2d3c4b5a69872'],
    },
  },
  databases: {
    orders: {
      environment: 'production',
      engine: 'postgres',
      engineVersion: '16',
      databaseName: 'orders',
      schemas: ['public', 'reporting'],
      allowedCidrs: ['10.20.0.0/16'],
    },
    billing: {
      environment: 'production',
      engine: 'aurora-mysql',
      engineVersion: '8.0.mysql_aurora.3.08.0',
      databaseName: 'billing',
      instanceCount: 2,
      allowedCidrs: ['10.20.0.0/16'],
    },
    sandbox: {
      environment: 'staging',
      engine: 'aurora-postgresql',
      engineVersion: '16',
      databaseName: 'sandbox',
      allowedCidrs: ['10.30.0.0/16'],
    },
  },
  identityCenter: {
    // The organization's management account (or Identity Center's delegated administrator).
    account: '111122223333',
    region: 'eu-west-1',
    permissionSetName: 'DatabaseAccess',
    sessionDuration: 'PT4H',
  },
} satisfies AppConfig;

/** The keys users.ts may grant, checked by the type checker as well as at synth. */
export type DatabaseKey = keyof typeof config.databases;
