/**
 * A new RDS for MariaDB instance, reached from the office network, with the connect policy as
 * a customer-managed policy in the database account (the permission set references it).
 */
import type { AppConfig } from '../../lib/model/types';

export const config = {
  environments: {
    production: {
      account: '123456789012',
      region: 'eu-central-1',
      vpcId: 'vpc-0a1b2c3d4e5f67890',
      subnetIds: ['subnet-0a1b2c3d4e5f67891', 'subnet-0a1b2c3d4e5f67892'],
      tags: { CostCenter: 'shop' },
    },
  },
  databases: {
    shop: {
      environment: 'production',
      engine: 'mariadb',
      engineVersion: '11.4',
      databaseName: 'shop',
      schemas: ['shop_archive'],
      multiAz: true,
      allowedCidrs: ['10.40.0.0/16'],
    },
  },
  identityCenter: {
    account: '111122223333',
    region: 'eu-central-1',
    policy: 'customer-managed',
    sessionDuration: 'PT2H',
  },
} satisfies AppConfig;

export type DatabaseKey = keyof typeof config.databases;
