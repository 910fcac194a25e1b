/**
 * A PostgreSQL instance in private subnets only. The users stack's provider reaches it through
 * an SSM port-forward on the runner (127.0.0.1:15432), so the certificate's host name cannot
 * match: `verify-ca` still checks the RDS CA, explicitly.
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
    ledger: {
      environment: 'production',
      engine: 'postgres',
      engineVersion: '16',
      databaseName: 'ledger',
      allowedSecurityGroupIds: ['sg-0a1b2c3d4e5f67890'],
      connection: { host: '127.0.0.1', port: 15432, sslMode: 'verify-ca' },
    },
  },
  identityCenter: {
    account: '111122223333',
    region: 'eu-west-1',
  },
} satisfies AppConfig;

export type DatabaseKey = keyof typeof config.databases;
