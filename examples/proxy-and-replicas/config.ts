/**
 * An RDS for PostgreSQL instance behind an RDS Proxy with end-to-end IAM, with a read replica in
 * its region and one in another region of the same account for disaster recovery.
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
    standby: {
      account: '123456789012',
      region: 'eu-central-1',
      vpcId: 'vpc-0b1b2c3d4e5f67890',
      subnetIds: ['subnet-0b1b2c3d4e5f67891', 'subnet-0b1b2c3d4e5f67892'],
    },
  },
  databases: {
    orders: {
      environment: 'production',
      engine: 'postgres',
      engineVersion: '16',
      databaseName: 'orders',
      allowedCidrs: ['10.20.0.0/16'],
      proxy: {},
      replicas: { count: 1 },
    },
    reports: {
      environment: 'production',
      engine: 'postgres',
      engineVersion: '16',
      databaseName: 'reports',
      allowedCidrs: ['10.20.0.0/16'],
      replicas: { count: 1, environment: 'standby' },
    },
  },
  identityCenter: {
    account: '111122223333',
    region: 'eu-west-1',
  },
} satisfies AppConfig;

export type DatabaseKey = keyof typeof config.databases;
