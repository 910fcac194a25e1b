/**
 * The app the benchmark synthesizes at scale: BENCH_USERS generated people, each with
 * access to three databases (two PostgreSQL, one MySQL), plus the Identity Center stack.
 * Prints one JSON line of measurements taken inside the process.
 */
import { App } from 'cdktf';
import { composeApp } from '../../stacks/compose';
import { validateInputs } from '../../lib/validation/inputs';
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

if (require.main === module) {
  const count = Number(process.env.BENCH_USERS ?? '0');
  // env: RDS_IAM_<KEY>_* point the users stacks at real servers (tools/bench/real-engines.ts).
  const inputs = validateInputs({ config: benchConfig, users: benchUsers(count), now: new Date('2026-01-01T00:00:00Z'), env: process.env });
  const app = new App();
  composeApp(app, inputs);
  app.synth();
  process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}
