import { auditWithReplicas, Open } from '../../../cli/audit/main';
import { CannotConnect, DatabaseLogin, loginFor, OpenDatabase, replicaLoginsFor } from '../../../cli/audit/login';
import { auditText, exitCode } from '../../../cli/audit/report';
import type { Row } from '../../../lib/audit/catalog';
import { validateInputs } from '../../../lib/validation/inputs';
import { config } from '../../../examples/proxy-and-replicas/config';
import { users } from '../../../examples/proxy-and-replicas/users';

const ORDERS = 'orders.c1.eu-west-1.rds.amazonaws.com';
const ORDERS_REPLICA = 'orders-replica-1.c1.eu-west-1.rds.amazonaws.com';
const REPORTS_REPLICA = 'reports-replica-1.c2.eu-central-1.rds.amazonaws.com';
const outputs = {
  'database-orders': { endpoint: ORDERS, port: 5432, replica_endpoints: [ORDERS_REPLICA] },
  'database-reports': { endpoint: 'reports.c1.eu-west-1.rds.amazonaws.com', port: 5432, replica_endpoints: [REPORTS_REPLICA] },
};
const inputs = (env: NodeJS.ProcessEnv = {}) => validateInputs({ config, users, now: new Date('2026-06-15T00:00:00Z'), env });
const PASSWORD = { RDS_IAM_ORDERS_LOGIN: 'password', RDS_IAM_REPORTS_LOGIN: 'password' };
const OPTIONS = { terminate: false, dropDeparted: false };

/** A PostgreSQL server's catalog as the audit reads it; `ran` records each statement. */
interface FakeServer {
  readonly roles: readonly Row[];
  readonly members: readonly Row[];
  readonly sessions: readonly Row[];
  readonly ran: string[];
}

/** As the examples' users.ts says on orders (ana.silva admin, li.wei read), with dev.gone's role a removal left (its mark) and its open session. */
function server(): FakeServer {
  return {
    roles: [
      { rolname: 'ana.silva', rolcanlogin: true, marked: true }, { rolname: 'li.wei', rolcanlogin: true, marked: true },
      { rolname: 'dev.gone', rolcanlogin: true, marked: true }, { rolname: 'dbmaster', rolcanlogin: true, marked: false },
    ],
    members: [
      { role: 'rds_iam', member: 'ana.silva' }, { role: 'rds_iam', member: 'li.wei' },
      { role: 'iam_admin', member: 'ana.silva' }, { role: 'iam_read', member: 'li.wei' },
    ],
    sessions: [{ pid: 11, usename: 'ana.silva' }, { pid: 12, usename: 'dev.gone', client: '10.20.0.7/32' }, { pid: 13, usename: 'dbmaster' }],
    ran: [],
  };
}

/** Opens the fake server of each host; a host without one is refused as a driver would. */
function opener(servers: Readonly<Record<string, FakeServer>>): Open & { opened: DatabaseLogin[] } {
  const opened: DatabaseLogin[] = [];
  const open = async (login: DatabaseLogin): Promise<OpenDatabase> => {
    opened.push(login);
    const s = servers[login.host];
    if (s === undefined) throw new CannotConnect(`${login.user}@${login.host}:${login.port}: connect ETIMEDOUT`);
    return {
      sql: {
        query: async (text) => {
          s.ran.push(text.replace(/\s+/g, ' ').trim());
          if (/prosecdef/.test(text)) return [];
          if (/pg_stat_activity/.test(text)) return s.sessions;
          if (/pg_auth_members/.test(text)) return s.members;
          if (/FROM pg_catalog\.pg_roles$/m.test(text)) return s.roles;
          if (/pg_terminate_backend/.test(text)) return [{ ended: true }];
          return [];
        },
      },
      quote: (identifier) => `"${identifier}"`,
      close: async () => undefined,
    };
  };
  return Object.assign(open, { opened });
}

describe('the audit reaches each read replica', () => {
  test('a replica login: its endpoint from the outputs on the database\'s port, with the database\'s login mode, user and TLS checks', () => {
    const env = { ...PASSWORD, RDS_IAM_ORDERS_HOST: '127.0.0.1', RDS_IAM_ORDERS_PORT: '15432', RDS_IAM_ORDERS_SSLMODE: 'verify-ca' };
    const source = loginFor('orders', inputs(env), outputs, env);
    const [replica] = replicaLoginsFor('orders', inputs(env), outputs, env);
    if (!('login' in replica)) throw new Error(replica.error);
    expect(replica.name).toBe('replica-1');
    // The port-forward is the database's way in; the replica is reached by its own name.
    expect([source.host, source.port]).toEqual(['127.0.0.1', 15432]);
    expect([replica.login.host, replica.login.port]).toEqual([ORDERS_REPLICA, 5432]);
    expect(replica.login).toMatchObject({ key: 'orders', family: 'postgres', database: 'orders', user: 'dbmaster', masterUser: 'dbmaster', tls: { rejectUnauthorized: true } });
    expect(replica.login.tls.checkServerIdentity).toBeDefined();
    expect(replica.login.tls.ca).toBe(source.tls.ca);
  });

  test('an iam login signs a replica\'s token for its host and, in another environment, its region', async () => {
    const env = { RDS_IAM_REPORTS_LOGIN: 'iam' };
    const [replica] = replicaLoginsFor('reports', inputs(env), outputs, env);
    if (!('login' in replica)) throw new Error(replica.error);
    expect(replica.login.region).toBe('eu-central-1');
    expect(loginFor('reports', inputs(env), outputs, env).region).toBe('eu-west-1');
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00', AWS_SECRET_ACCESS_KEY: 'example-secret' });
    try {
      const token = await replica.login.password();
      expect(token.startsWith(`${REPORTS_REPLICA}:5432/?`)).toBe(true);
      expect(decodeURIComponent(token)).toContain('/eu-central-1/rds-db/aws4_request');
    } finally {
      for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  test('a replica the outputs do not name has no login, saying what to pass; a database without replicas has none', () => {
    const [replica] = replicaLoginsFor('orders', inputs(PASSWORD), { 'database-orders': { endpoint: ORDERS } }, PASSWORD);
    expect(replica).toEqual({ name: 'replica-1', error: 'no endpoint known for replica-1: pass --outputs <cdktf-outputs.json written by npm run deploy> (its replica_endpoints)' });
    expect(replicaLoginsFor('orders', inputs(PASSWORD), undefined, PASSWORD)).toEqual([expect.objectContaining({ name: 'replica-1', error: expect.stringMatching(/no endpoint known/) })]);
    const none = { ...config, databases: { orders: { ...config.databases.orders, replicas: undefined } } };
    expect(replicaLoginsFor('orders', validateInputs({ config: none, users: [], now: new Date('2026-06-15T00:00:00Z') }), outputs, {})).toEqual([]);
  });

  test('a removed person\'s session on a replica is reported there, named by the replica, beside the database\'s own findings', async () => {
    const servers = { [ORDERS]: server(), [ORDERS_REPLICA]: server() };
    const audit = await auditWithReplicas('orders', inputs(PASSWORD), outputs, PASSWORD, OPTIONS, opener(servers));
    expect(audit).toMatchObject({
      status: 'drift',
      findings: { leftBehind: ['dev.gone'], sessionsWithoutAccess: [{ id: 12, user: 'dev.gone' }] },
      replicas: {
        'replica-1': { status: 'drift', server: `${ORDERS_REPLICA}:5432 as dbmaster`, findings: { sessionsWithoutAccess: [{ id: 12, user: 'dev.gone', client: '10.20.0.7/32' }] }, actions: [] },
      },
    });
    // Only sessions from a replica: its users and grants are the database's, reported once.
    expect(Object.keys((audit.replicas!['replica-1'] as { findings: object }).findings)).toEqual(['sessionsWithoutAccess']);
    expect(auditText({ orders: audit })).toContain([
      `  replica-1 (replica, ${ORDERS_REPLICA}:5432 as dbmaster): sessions of people without access`,
      '    open session 12 of dev.gone from 10.20.0.7/32, who has no access now (end it with --terminate)',
    ].join('\n'));
    expect(exitCode({ orders: audit })).toBe(1);
  });

  test('--terminate ends it on the replica, where it is; --drop-departed never runs there (a replica is read-only)', async () => {
    const servers = { [ORDERS]: server(), [ORDERS_REPLICA]: server() };
    servers[ORDERS] = { ...servers[ORDERS], sessions: [] };
    const audit = await auditWithReplicas('orders', inputs(PASSWORD), outputs, PASSWORD, { terminate: true, dropDeparted: true }, opener(servers));
    const replicaRan = servers[ORDERS_REPLICA].ran;
    expect(replicaRan.filter((s) => /pg_terminate_backend/.test(s))).toEqual(['SELECT pg_terminate_backend($1) AS ended']);
    expect(replicaRan.filter((s) => /^(BEGIN|GRANT|REASSIGN|DROP|REVOKE|COMMIT)/.test(s))).toEqual([]);
    expect(servers[ORDERS].ran.filter((s) => /pg_terminate_backend/.test(s))).toEqual([]);
    expect(servers[ORDERS].ran).toContain('DROP ROLE "dev.gone"');
    expect(audit.replicas).toEqual({
      'replica-1': {
        status: 'clean', server: `${ORDERS_REPLICA}:5432 as dbmaster`, findings: { sessionsWithoutAccess: [] },
        actions: [{ action: 'ended-session', session: { id: 12, user: 'dev.gone', client: '10.20.0.7/32' } }],
      },
    });
    expect(audit.status).toBe('clean');
    expect(auditText({ orders: audit })).toContain(`  replica-1 (replica, ${ORDERS_REPLICA}:5432 as dbmaster): no session of anyone without access\n    ended session 12 of dev.gone from 10.20.0.7/32\n`);
  });

  test('a replica that cannot be reached makes the audit exit 2, the database\'s own findings still reported', async () => {
    const servers = { [ORDERS]: server() };
    const audit = await auditWithReplicas('orders', inputs(PASSWORD), outputs, PASSWORD, OPTIONS, opener(servers));
    expect(audit).toMatchObject({ status: 'drift', findings: { leftBehind: ['dev.gone'] } });
    expect(audit.replicas).toEqual({ 'replica-1': { status: 'unreachable', error: `dbmaster@${ORDERS_REPLICA}:5432: connect ETIMEDOUT` } });
    expect(exitCode({ orders: audit })).toBe(2);
    expect(auditText({ orders: audit })).toContain(`  replica-1: cannot connect: dbmaster@${ORDERS_REPLICA}:5432: connect ETIMEDOUT\n`);
  });

  test('a replica is audited when the database cannot be, and a replica without an endpoint counts as unreachable', async () => {
    const servers = { [ORDERS_REPLICA]: server() };
    const audit = await auditWithReplicas('orders', inputs(PASSWORD), outputs, PASSWORD, { terminate: true, dropDeparted: false }, opener(servers));
    expect(audit).toMatchObject({ status: 'unreachable', replicas: { 'replica-1': { status: 'clean', actions: [{ action: 'ended-session' }] } } });
    expect(servers[ORDERS_REPLICA].ran.filter((s) => /pg_terminate_backend/.test(s))).toHaveLength(1);
    const unnamed = await auditWithReplicas('orders', inputs(PASSWORD), { 'database-orders': { endpoint: ORDERS } }, PASSWORD, OPTIONS, opener({ [ORDERS]: server() }));
    expect(unnamed.replicas).toEqual({ 'replica-1': { status: 'unreachable', error: expect.stringMatching(/^no endpoint known for replica-1/) } });
    expect(exitCode({ orders: unnamed })).toBe(2);
  });

  test('MySQL: a dropped user\'s connection on a replica ends through mysql.rds_kill there; views are re-defined on the database only', async () => {
    const mysqlConfig = { ...config, databases: { ...config.databases, orders: { ...config.databases.orders, engine: 'mysql' as const, engineVersion: '8.0.39', proxy: undefined } } };
    const env = { RDS_IAM_ORDERS_LOGIN: 'password' };
    const valid = validateInputs({ config: mysqlConfig, users, now: new Date('2026-06-15T00:00:00Z'), env });
    const ran: Record<string, string[]> = { [ORDERS]: [], [ORDERS_REPLICA]: [] };
    const open: Open = async (login) => ({
      sql: {
        query: async (text, params) => {
          ran[login.host].push(`${text.replace(/\s+/g, ' ').trim()}${params ? ` ${JSON.stringify(params)}` : ''}`);
          if (/VERSION/.test(text)) return [{ version: '10.11.6-MariaDB' }];
          if (/information_schema\.VIEWS WHERE TABLE_SCHEMA NOT IN/.test(text)) return [{ object: 'orders.v', kind: 'view', definer: 'dev.gone@%', lower_tiers_run: 1 }];
          if (/is_role = 'N'/.test(text)) return [{ user: 'ana.silva', plugin: 'AWSAuthenticationPlugin' }, { user: 'li.wei', plugin: 'AWSAuthenticationPlugin' }, { user: 'dbmaster', plugin: 'mysql_native_password' }];
          if (/roles_mapping/.test(text)) return [{ role: 'iam_admin', member: 'ana.silva' }, { role: 'iam_read', member: 'li.wei' }];
          if (/PROCESSLIST/.test(text)) return login.host === ORDERS_REPLICA ? [{ id: 31, user: 'dev.gone', client: '10.20.0.7:40000' }] : [];
          if (/VIEW_DEFINITION/.test(text)) return [{ body: 'select 1 AS `one`', checkOption: 'NONE' }];
          return [];
        },
      },
      quote: (identifier) => `\`${identifier}\``,
      close: async () => undefined,
    });
    const audit = await auditWithReplicas('orders', valid, outputs, env, { terminate: true, dropDeparted: true }, open);
    expect(ran[ORDERS_REPLICA].filter((s) => /rds_kill|KILL|CREATE|SET ROLE/.test(s))).toEqual(['CALL mysql.rds_kill(?) [31]']);
    expect(ran[ORDERS].filter((s) => /rds_kill/.test(s))).toEqual([]);
    expect(ran[ORDERS].some((s) => /CREATE OR REPLACE DEFINER = CURRENT_ROLE SQL SECURITY DEFINER VIEW `orders`.`v`/.test(s))).toBe(true);
    expect(audit.replicas).toEqual({
      'replica-1': { status: 'clean', server: `${ORDERS_REPLICA}:5432 as dbmaster`, findings: { sessionsWithoutAccess: [] }, actions: [{ action: 'ended-session', session: { id: 31, user: 'dev.gone', client: '10.20.0.7:40000' } }] },
    });
  });

  test('a database without replicas reports as before: no replicas field', async () => {
    const none = { ...config, databases: { orders: { ...config.databases.orders, replicas: undefined } } };
    const valid = validateInputs({ config: none, users: [], now: new Date('2026-06-15T00:00:00Z'), env: PASSWORD });
    const audit = await auditWithReplicas('orders', valid, outputs, PASSWORD, OPTIONS, opener({ [ORDERS]: server() }));
    expect(audit).not.toHaveProperty('replicas');
  });
});
