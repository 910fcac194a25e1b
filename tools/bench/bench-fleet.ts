/**
 * The bench's fleet and people: three databases (two PostgreSQL, one MySQL) with Identity
 * Center, and `count` generated people with access to all three, tiers in turn. The in-memory
 * app (bench-app.ts) and the users.ts project (users-project.ts) are both made of these.
 */
import { AppConfig, Tier, UserEntry } from '../../lib/model/types';

const TIER_CYCLE: readonly Tier[] = ['read', 'write', 'admin'];

export const benchConfig: AppConfig = {
  environments: {
    production: {
      account: '123456789012',
      region: 'eu-west-1',
      vpcId: 'vpc-0a1b2c3d4e5f67890',
      subnetIds: ['subnet-0a1b2c3d4e5f67891', 'subnet-0a1b2c3d4e5f67892'],
    },
  },
  databases: {
    orders: { environment: 'production', engine: 'postgres', engineVersion: '16', databaseName: 'orders' },
    ledger: { environment: 'production', engine: 'aurora-postgresql', engineVersion: '16', databaseName: 'ledger' },
    billing: { environment: 'production', engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.08.0', databaseName: 'billing' },
  },
  identityCenter: { account: '111122223333', region: 'eu-west-1' },
};

export function benchUsers(count: number): UserEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const tier = TIER_CYCLE[i % TIER_CYCLE.length];
    return { username: `user${String(i).padStart(6, '0')}`, access: { orders: tier, ledger: tier, billing: tier } };
  });
}
