/**
 * A fleet with every engine × shape and the customer-managed policy mode, so the
 * security scan sees every kind of resource this project can synthesize.
 */
import { AppConfig, UserEntry } from '../../lib/model/types';

const network = {
  vpcId: 'vpc-0a1b2c3d4e5f67890',
  subnetIds: ['subnet-0a1b2c3d4e5f67891', 'subnet-0a1b2c3d4e5f67892'],
};

export const scanFleet: AppConfig = {
  environments: {
    production: { account: '123456789012', region: 'eu-west-1', ...network },
  },
  databases: {
    pg: { environment: 'production', engine: 'postgres', engineVersion: '16', databaseName: 'app', allowedCidrs: ['10.0.0.0/16'] },
    my: { environment: 'production', engine: 'mysql', engineVersion: '8.0', databaseName: 'shop', allowedCidrs: ['10.0.0.0/16'] },
    apg: { environment: 'production', engine: 'aurora-postgresql', engineVersion: '16', databaseName: 'analytics', allowedCidrs: ['10.0.0.0/16'] },
    amy: { environment: 'production', engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.08.0', databaseName: 'billing', allowedCidrs: ['10.0.0.0/16'] },
    maria: { environment: 'production', engine: 'mariadb', engineVersion: '10.11', databaseName: 'support', allowedCidrs: ['10.0.0.0/16'] },
  },
  identityCenter: { account: '111122223333', region: 'eu-west-1', policy: 'customer-managed' },
};

export const scanUsers: readonly UserEntry[] = [
  { username: 'alice', access: { pg: 'admin', my: 'write', apg: 'read', amy: 'read', maria: 'write' } },
];
