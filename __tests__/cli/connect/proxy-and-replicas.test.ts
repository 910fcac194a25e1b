import { resolveTarget } from '../../../cli/connect/connect';
import { AppConfig } from '../../../lib/model/types';
import { fleetWithProxyAndReplicas } from '../../fixtures/fleet';

const config: AppConfig = fleetWithProxyAndReplicas;
const outputs = {
  'database-pg': {
    endpoint: 'pg.abc123.eu-west-1.rds.amazonaws.com', port: 5432, proxy_endpoint: 'pg.proxy-abc123.eu-west-1.rds.amazonaws.com',
    replica_endpoints: ['pg-replica-1.def456.eu-central-1.rds.amazonaws.com'],
  },
  'database-my': { endpoint: 'my.abc123.eu-west-1.rds.amazonaws.com', port: 3306, replica_endpoints: ['my-replica-1.abc123.eu-west-1.rds.amazonaws.com', 'my-replica-2.abc123.eu-west-1.rds.amazonaws.com'] },
};

describe('connect --proxy and --replica', () => {
  test('--proxy signs for and connects to the proxy endpoint, as the same user', () => {
    expect(resolveTarget({ database: 'pg', user: 'jane', proxy: true }, config, outputs)).toMatchObject({
      host: 'pg.proxy-abc123.eu-west-1.rds.amazonaws.com', port: 5432, region: 'eu-west-1', user: 'jane', dbname: 'app',
    });
  });

  test('--replica n picks replica n, signed for its own region', () => {
    expect(resolveTarget({ database: 'my', user: 'jane', replica: 2 }, config, outputs)).toMatchObject({ host: 'my-replica-2.abc123.eu-west-1.rds.amazonaws.com', region: 'eu-west-1' });
    expect(resolveTarget({ database: 'pg', user: 'jane', replica: 1 }, config, outputs)).toMatchObject({ host: 'pg-replica-1.def456.eu-central-1.rds.amazonaws.com', region: 'eu-central-1' });
  });

  test('fails when the database has no proxy or no such replica, saying what it has', () => {
    expect(() => resolveTarget({ database: 'my', user: 'jane', proxy: true }, config, outputs)).toThrow(/my has no proxy in config.ts \(proxy: \{\} creates one\); connect without --proxy/);
    expect(() => resolveTarget({ database: 'my', user: 'jane', replica: 3 }, config, outputs)).toThrow(/--replica 3 is not a replica of my: it has 2 \(--replica 1 to 2\)/);
    expect(() => resolveTarget({ database: 'amy', user: 'jane', replica: 1 }, config, outputs)).toThrow(/amy has no read replicas in config.ts \(Aurora: use --reader\)/);
    expect(() => resolveTarget({ database: 'pg', user: 'jane', proxy: true, replica: 1 }, config, outputs)).toThrow(/Choose one of --proxy, --reader and --replica/);
  });

  test('fails when the proxy is not deployed yet, rather than signing for the database', () => {
    expect(() => resolveTarget({ database: 'pg', user: 'jane', proxy: true }, config, { 'database-pg': { endpoint: 'pg.abc123.eu-west-1.rds.amazonaws.com' } }))
      .toThrow(/No endpoint known for pg/);
  });
});
