/**
 * The example app's PostgreSQL users stacks (orders, sandbox) applied by Terraform with the
 * real cyrilgdn/postgresql provider to PostgreSQL servers set up like RDS. Tests run in order:
 * each builds on the state the previous one left.
 */
import { users as exampleUsers } from '../../users';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { RunningServer, startPostgres } from '../../tools/e2e/servers';
import { AuditReport, loadContext, Workspace } from '../../tools/e2e/workspace';
import { expectQuickCleanFailure, pgAdmin, pgAs } from '../fixtures/engines';
import { unsharded } from '../fixtures/synth';

const context = loadContext();
const orders = context.servers.orders;
const ca = context.certs.ca;
const ws = new Workspace(context);
const as = (user: string, sql: string) => pgAs(orders, ca, user, 'orders', sql);
const admin = (...sql: string[]) => pgAdmin(orders, 'orders', ...sql);
const PERMISSION_DENIED = /permission denied/;
/** users.ts as the offboarding test leaves it: dev.patel gone, bob.kowalski on read. */
const current = exampleUsers.filter((u) => u.username !== 'dev.patel').map((u) => (u.username === 'bob.kowalski' ? { ...u, access: { ...u.access, orders: 'read' } } : u));

async function applied(key: string): Promise<void> {
  const result = await ws.stack(key).apply();
  if (result.status !== 0) throw new Error(`apply of users-${key} failed:\n${result.stderr}${result.stdout}`);
}

beforeAll(async () => {
  // A table from before the project existed, owned by the master like migrations' tables.
  await pgAdmin(orders, 'orders', 'CREATE TABLE public.existing (id int PRIMARY KEY, note text)', "INSERT INTO public.existing VALUES (1, 'before')", 'ALTER TABLE public.existing OWNER TO dbmaster');
  ws.synth();
  await applied('orders');
  await applied('sandbox');
});

afterAll(() => ws.remove());

describe('the example app on fresh PostgreSQL servers', () => {
  test('everyone with access exists: LOGIN, member of rds_iam and of their tier, working as the tier', async () => {
    const rows = await admin(`
      SELECT r.rolname, r.rolcanlogin, r.rolconfig,
             ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY 1) AS member_of
      FROM pg_roles r WHERE r.rolname IN ('alice.ng', 'bob.kowalski', 'dev.patel', 'carla.mendes', 'erin.contractor') ORDER BY 1`);
    expect(rows).toEqual([
      { rolname: 'alice.ng', rolcanlogin: true, rolconfig: ['role=iam_admin'], member_of: ['iam_admin', 'rds_iam'] },
      { rolname: 'bob.kowalski', rolcanlogin: true, rolconfig: ['role=iam_write'], member_of: ['iam_write', 'rds_iam'] },
      { rolname: 'dev.patel', rolcanlogin: true, rolconfig: ['role=iam_read'], member_of: ['iam_read', 'rds_iam'] },
    ]);
    const sandbox = await pgAdmin(context.servers.sandbox, 'sandbox', "SELECT rolname FROM pg_roles WHERE 'rds_iam' = ANY(ARRAY(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = pg_roles.oid)) ORDER BY 1");
    expect(sandbox.map((r) => r.rolname)).toEqual(['alice.ng', 'bob.kowalski', 'erin.contractor']);
  });

  test('each service of services.ts is an IAM user in its tier, logs in as itself and works as the tier', async () => {
    const rows = await admin(`
      SELECT r.rolname, r.rolcanlogin, r.rolconfig,
             ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY 1) AS member_of
      FROM pg_roles r WHERE r.rolname IN ('orders-api', 'billing-export') ORDER BY 1`);
    expect(rows).toEqual([
      { rolname: 'billing-export', rolcanlogin: true, rolconfig: ['role=iam_read'], member_of: ['iam_read', 'rds_iam'] },
      { rolname: 'orders-api', rolcanlogin: true, rolconfig: ['role=iam_write'], member_of: ['iam_write', 'rds_iam'] },
    ]);
    expect(await as('orders-api', 'SELECT session_user AS login, current_user AS working_as')).toEqual([{ login: 'orders-api', working_as: 'iam_write' }]);
    // Not on sandbox: services.ts gives neither service that database.
    expect(await pgAdmin(context.servers.sandbox, 'sandbox', "SELECT rolname FROM pg_roles WHERE rolname IN ('orders-api', 'billing-export')")).toEqual([]);
  });

  test('the schemas config.ts lists exist, created by the users stack', async () => {
    expect(await admin("SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname IN ('public', 'reporting') ORDER BY 1")).toEqual([
      // PostgreSQL 15: whoever owns the database (the master) owns public.
      { nspname: 'public', owner: 'pg_database_owner' },
      { nspname: 'reporting', owner: 'dbmaster' },
    ]);
  });

  test('an admin creates tables as the admin tier role, and every tier sees them at once', async () => {
    expect(await as('alice.ng', 'SELECT current_user, session_user')).toEqual([{ current_user: 'iam_admin', session_user: 'alice.ng' }]);
    expect(await as('alice.ng', "CREATE TABLE reporting.later (id int PRIMARY KEY); INSERT INTO reporting.later VALUES (1); CREATE INDEX later_id ON reporting.later (id)")).toEqual([]);
    await admin('SET ROLE dbmaster', 'CREATE TABLE public.master_later (id int)', 'INSERT INTO public.master_later VALUES (1)');
    expect(await admin("SELECT tablename, tableowner FROM pg_tables WHERE tablename IN ('later', 'master_later') ORDER BY 1")).toEqual([
      { tablename: 'later', tableowner: 'iam_admin' },
      { tablename: 'master_later', tableowner: 'dbmaster' },
    ]);
  });

  test.each(['public.existing', 'reporting.later', 'public.master_later'])('read can SELECT %s and not change it', async (table) => {
    expect(await as('dev.patel', `SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 1 }]);
    expect(await as('dev.patel', `INSERT INTO ${table} (id) VALUES (2)`)).toMatch(PERMISSION_DENIED);
    expect(await as('dev.patel', `DELETE FROM ${table}`)).toMatch(PERMISSION_DENIED);
  });

  test.each(['public.existing', 'reporting.later', 'public.master_later'])('write can INSERT, UPDATE, DELETE in %s but not create tables', async (table) => {
    expect(await as('bob.kowalski', `INSERT INTO ${table} (id) VALUES (7); UPDATE ${table} SET id = 8 WHERE id = 7; DELETE FROM ${table} WHERE id = 8`)).toEqual([]);
    expect(await as('bob.kowalski', 'CREATE TABLE public.nope (id int)')).toMatch(PERMISSION_DENIED);
  });

  test('admin can alter and drop what the admin tier owns, not the master’s tables (as the README says)', async () => {
    expect(await as('alice.ng', 'ALTER TABLE reporting.later ADD COLUMN note text')).toEqual([]);
    expect(await as('alice.ng', 'CREATE TABLE public.scratch (id int); DROP TABLE public.scratch')).toEqual([]);
    expect(await as('alice.ng', 'ALTER TABLE public.existing ADD COLUMN extra text')).toMatch(/must be owner of table existing/);
  });

  test('a re-plan right after apply is empty, even after people created tables', async () => {
    expect(await ws.stack('orders').plan()).toEqual([]);
    expect(await ws.stack('sandbox').plan()).toEqual([]);
  });

  test('a re-plan after reordering users.ts is empty', async () => {
    ws.writeUsers([...exampleUsers].reverse());
    ws.synth();
    expect(await ws.stack('orders').plan()).toEqual([]);
    expect(await ws.stack('sandbox').plan()).toEqual([]);
  });

  test('a tier change updates that person’s role and replaces their tier membership, nothing else', async () => {
    ws.writeUsers(exampleUsers.map((u) => (u.username === 'bob.kowalski' ? { ...u, access: { ...u.access, orders: 'read' } } : u)));
    ws.synth();
    expect(await ws.stack('orders').plan()).toEqual([
      // Created before the old one goes: the role's update re-grants what it read at plan time.
      { address: expect.stringMatching(/^postgresql_grant_role\.access_users-tier-[0-9a-f]{2}_\w+\["bob\.kowalski"\]$/), actions: ['create', 'delete'] },
      { address: expect.stringMatching(/^postgresql_role\.access_users-[0-9a-f]{2}_\w+\["bob\.kowalski"\]$/), actions: ['update'] },
    ]);
    await applied('orders');
    expect(await as('bob.kowalski', 'SELECT current_user')).toEqual([{ current_user: 'iam_read' }]);
    expect(await admin(`SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
      WHERE r.rolname = 'bob.kowalski' ORDER BY 1`)).toEqual([{ rolname: 'iam_read' }, { rolname: 'rds_iam' }]);
    expect(await as('bob.kowalski', 'INSERT INTO public.existing (id) VALUES (9)')).toMatch(PERMISSION_DENIED);
  });

  test('a table made outside the tier roles shows as a grant update, and applying covers it', async () => {
    // Made by hand by someone working as themselves (RESET ROLE), so no default privilege covered it.
    await admin('CREATE TABLE public.dev_notes (id int)', 'INSERT INTO public.dev_notes VALUES (1)', 'ALTER TABLE public.dev_notes OWNER TO "dev.patel"');
    expect(await ws.stack('orders').plan()).toEqual([
      { address: expect.stringMatching(/^postgresql_grant\.access_read-public-table_\w+$/), actions: ['update'] },
      { address: expect.stringMatching(/^postgresql_grant\.access_write-public-table_\w+$/), actions: ['update'] },
    ]);
    await applied('orders');
    expect(await as('dev.patel', 'SELECT count(*)::int AS n FROM public.dev_notes')).toEqual([{ n: 1 }]);
    expect(await ws.stack('orders').plan()).toEqual([]);
  });

  test('offboarding someone who owns a table ends their login first and keeps the table and its rows, still theirs, never the master’s', async () => {
    ws.writeUsers(exampleUsers.filter((u) => u.username !== 'dev.patel').map((u) => (u.username === 'bob.kowalski' ? { ...u, access: { ...u.access, orders: 'read' } } : u)));
    ws.synth();
    expect((await ws.stack('orders').plan()).map((c) => [unsharded(c.address), c.actions])).toEqual([
      ['postgresql_grant_role.access_users-iam["dev.patel"]', ['delete']],
      ['postgresql_grant_role.access_users-tier["dev.patel"]', ['delete']],
      ['postgresql_role.access_users["dev.patel"]', ['delete']],
    ]);
    await applied('orders');
    // Left for the audit to drop: in no role, so no IAM login, and owning nothing here.
    expect(await admin(`SELECT r.rolname, (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS memberships
      FROM pg_roles r WHERE r.rolname = 'dev.patel'`)).toEqual([{ rolname: 'dev.patel', memberships: 0 }]);
    expect(await as('dev.patel', 'SELECT 1')).toMatch(/password authentication failed for user "dev.patel"/);
    // Theirs until the audit drops the role: with no membership it has no more rights than a stranger.
    expect(await admin("SELECT tableowner FROM pg_tables WHERE tablename = 'dev_notes'")).toEqual([{ tableowner: 'dev.patel' }]);
    expect(await as('bob.kowalski', 'SELECT count(*)::int AS n FROM public.dev_notes')).toEqual([{ n: 1 }]);
    expect(await admin('SELECT count(*)::int AS n FROM public.dev_notes')).toEqual([{ n: 1 }]);
    expect(await ws.stack('orders').plan()).toEqual([]);
  });
});

describe('npm run audit, offboarding and expiry on the real server', () => {
  const findings = (report: AuditReport) => report.databases.orders.findings;
  const NONE = { undeclared: [], missing: [], wrongTier: [], unmanagedTierMembers: [], leftBehind: [], sessionsWithoutAccess: [], unknownLogins: [], departedDefiners: [], tierDefiners: [] };

  test('reports the role the removal left, and --drop-departed drops it', async () => {
    const before = ws.audit('orders');
    expect(before.status).toBe(1);
    expect(findings(before.report)).toEqual({ ...NONE, leftBehind: ['dev.patel'] });
    const dropped = ws.audit('orders', '--drop-departed');
    expect(dropped.report.databases.orders.actions).toEqual([{ action: 'dropped-role', role: 'dev.patel' }]);
    expect(dropped.status).toBe(0);
    expect(await admin("SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'dev.patel'")).toEqual([{ n: 0 }]);
    // What they owned is the powerless owner's, and the tiers still use it.
    expect(await admin("SELECT tableowner FROM pg_tables WHERE tablename = 'dev_notes'")).toEqual([{ tableowner: 'iam_departed' }]);
    expect(await as('bob.kowalski', 'SELECT count(*)::int AS n FROM public.dev_notes')).toEqual([{ n: 1 }]);
  });

  test('reports a hand-made rds_iam member and a tier membership granted by hand', async () => {
    await admin('CREATE ROLE mallory LOGIN', 'GRANT rds_iam TO mallory', 'GRANT iam_admin TO mallory', 'GRANT iam_write TO "bob.kowalski"');
    const audit = ws.audit('orders');
    expect(audit.status).toBe(1);
    expect(findings(audit.report)).toEqual({
      ...NONE,
      undeclared: ['mallory'],
      wrongTier: [{ user: 'bob.kowalski', declared: 'read', actual: ['iam_read', 'iam_write'] }],
      unmanagedTierMembers: [{ tier: 'iam_admin', member: 'mallory' }, { tier: 'iam_write', member: 'bob.kowalski' }],
    });
    await admin('DROP ROLE mallory', 'REVOKE iam_write FROM "bob.kowalski"');
    expect(ws.audit('orders').status).toBe(0);
  });

  test('an expired person is locked out at the next apply, and audit --terminate ends their open session', async () => {
    const session = new Client({ host: orders.host, port: orders.port, user: 'alice.ng', password: 'stand-in-token', database: 'orders', ssl: { ca: fs.readFileSync(ca, 'utf8') } });
    await session.connect();
    session.on('error', () => undefined);
    try {
      ws.writeUsers(current.map((u) => (u.username === 'alice.ng' ? { ...u, expires: '2026-06-14' } : u)));
      ws.synth();
      await applied('orders');
      expect(await admin(`SELECT rolcanlogin, (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS memberships
        FROM pg_roles r WHERE rolname = 'alice.ng'`)).toEqual([{ rolcanlogin: false, memberships: 0 }]);
      expect(await as('alice.ng', 'SELECT 1')).toMatch(/password authentication failed for user "alice.ng"/);
      // NOLOGIN stops new logins only: the session opened before is still there.
      expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);

      const audit = ws.audit('orders');
      expect(audit.status).toBe(1);
      expect(findings(audit.report).sessionsWithoutAccess).toEqual([expect.objectContaining({ user: 'alice.ng', client: '127.0.0.1/32' })]);
      const ended = ws.audit('orders', '--terminate');
      expect(ended.report.databases.orders.actions).toEqual([{ action: 'ended-session', session: expect.objectContaining({ user: 'alice.ng' }) }]);
      expect(ended.status).toBe(0);
      await expect(session.query('SELECT 1')).rejects.toThrow(/terminat|Connection terminated/i);
      expect(await ws.stack('orders').plan()).toEqual([]);
    } finally {
      await session.end().catch(() => undefined);
    }
  });

  test('renewing an expired person gives back their login and tier in place', async () => {
    ws.writeUsers(current);
    ws.synth();
    await applied('orders');
    expect(await as('alice.ng', 'SELECT current_user, session_user')).toEqual([{ current_user: 'iam_admin', session_user: 'alice.ng' }]);
  });

  test('a removal that cannot drop (objects in two schemas, objects and grants in another database, an open session) still ends login, applies everyone else’s changes and shows in the audit', async () => {
    await pgAdmin(orders, 'postgres', 'CREATE DATABASE other OWNER dbmaster');
    await pgAdmin(orders, 'other', 'CREATE TABLE bobs (id int)', 'ALTER TABLE bobs OWNER TO "bob.kowalski"', 'CREATE TABLE shared (id int)', 'GRANT SELECT ON shared TO "bob.kowalski"');
    await admin('CREATE TABLE public.bob_public (id int)', 'CREATE TABLE reporting.bob_reporting (id int)',
      'ALTER TABLE public.bob_public OWNER TO "bob.kowalski"', 'ALTER TABLE reporting.bob_reporting OWNER TO "bob.kowalski"');
    const session = new Client({ host: orders.host, port: orders.port, user: 'bob.kowalski', password: 'stand-in-token', database: 'orders', ssl: { ca: fs.readFileSync(ca, 'utf8') } });
    await session.connect();
    session.on('error', () => undefined);
    ws.writeUsers([
      ...current.filter((u) => u.username !== 'bob.kowalski').map((u) => (u.username === 'alice.ng' ? { ...u, access: { ...u.access, orders: 'write' } } : u)),
      { username: 'zoe.new', displayName: 'Zoe New', access: { orders: 'read' } },
    ]);
    ws.synth();
    const result = await ws.stack('orders').apply();
    expect(result.status).toBe(0);
    expect(await as('bob.kowalski', 'SELECT 1')).toMatch(/password authentication failed for user "bob.kowalski"/);
    expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(await as('zoe.new', 'SELECT current_user')).toEqual([{ current_user: 'iam_read' }]);
    expect(await as('alice.ng', 'SELECT current_user')).toEqual([{ current_user: 'iam_write' }]);
    // What bob owned in this database is still his, in both schemas: never the master's.
    expect(await admin("SELECT schemaname, tableowner FROM pg_tables WHERE tablename LIKE 'bob\\_%' ORDER BY 1")).toEqual([
      { schemaname: 'public', tableowner: 'bob.kowalski' }, { schemaname: 'reporting', tableowner: 'bob.kowalski' },
    ]);

    const audit = ws.audit('orders', '--drop-departed', '--terminate');
    expect(audit.status).toBe(1);
    expect(audit.report.databases.orders.actions).toEqual([{ action: 'ended-session', session: expect.objectContaining({ user: 'bob.kowalski' }) }, {
      action: 'failed',
      what: 'drop role bob.kowalski',
      error: expect.stringMatching(/role "bob.kowalski" cannot be dropped because some objects depend on it \(.*2 objects in database other/s),
    }]);
    expect(findings(audit.report)).toEqual({ ...NONE, leftBehind: ['bob.kowalski'] });
    // Nothing of it changed: the role and its objects elsewhere stay for a person to sort out.
    expect(await pgAdmin(orders, 'other', "SELECT tableowner FROM pg_tables WHERE tablename = 'bobs'")).toEqual([{ tableowner: 'bob.kowalski' }]);
    expect(await ws.stack('orders').plan()).toEqual([]);
    await expect(session.query('SELECT 1')).rejects.toThrow();
    await session.end().catch(() => undefined);
  });
});

describe('offboarding leaves no door open and nothing that runs with more than the leaver had (issue 31)', () => {
  /** users.ts as the previous block left it: bob removed (his role stays: the drop failed), alice on write, zoe on read. */
  const before = [
    ...current.filter((u) => u.username !== 'bob.kowalski').map((u) => (u.username === 'alice.ng' ? { ...u, access: { ...u.access, orders: 'write' } } : u)),
    { username: 'zoe.new', displayName: 'Zoe New', access: { orders: 'read' } },
  ];
  const mia = { username: 'mia.leaver', displayName: 'Mia Leaver', access: { orders: 'admin' } };
  const DOOR = 'door-password-31';
  const orders_ = (report: AuditReport) => report.databases.orders;
  /** Logs in over TLS with a password (not as an IAM member): rows, or the error message. */
  const withPassword = async (user: string, password: string, sql: string) => {
    const client = new Client({ host: orders.host, port: orders.port, user, password, database: 'orders', ssl: { ca: fs.readFileSync(ca, 'utf8') } });
    try {
      await client.connect();
      const result: unknown = await client.query(sql);
      // Several statements answer with one result each: the last one's rows.
      return ((Array.isArray(result) ? result[result.length - 1] : result) as { rows: unknown[] }).rows;
    } catch (error) {
      return (error as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const owner = async (fn: string) => (await admin(`SELECT pg_get_userbyid(proowner) AS owner FROM pg_proc WHERE proname = '${fn}'`))[0]?.owner;

  test('an admin acting as themselves makes a SECURITY DEFINER function over a table only the master reads, sets a password, resets their role setting; a read person is refused', async () => {
    ws.writeUsers([...before, mia]);
    ws.synth();
    await applied('orders');
    await admin('CREATE SCHEMA vault AUTHORIZATION dbmaster', 'CREATE TABLE vault.secret (id int)', 'INSERT INTO vault.secret VALUES (1), (2)', 'ALTER TABLE vault.secret OWNER TO dbmaster');
    expect(await as('mia.leaver', `SET ROLE NONE;
      CREATE FUNCTION public.peek() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN RETURN (SELECT count(*) FROM vault.secret); END $$;
      CREATE TABLE public.mia_notes (id int); INSERT INTO public.mia_notes VALUES (1);
      ALTER ROLE "mia.leaver" PASSWORD '${DOOR}'; ALTER ROLE "mia.leaver" RESET role`)).toEqual([]);
    // As her tier: what the admin tier creates grants no EXECUTE to PUBLIC (default privileges).
    expect(await as('mia.leaver', 'SET ROLE iam_admin; CREATE FUNCTION public.tier_fn() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$')).toEqual([]);
    expect(await admin("SELECT rolconfig, rolvaliduntil::text AS valid_until FROM pg_roles WHERE rolname = 'mia.leaver'")).toEqual([{ rolconfig: null, valid_until: '-infinity' }]);
    expect(await owner('peek')).toBe('mia.leaver');
    expect(await as('zoe.new', 'SELECT public.peek()')).toMatch(/permission denied for schema vault/);
    expect(await as('zoe.new', 'SELECT public.tier_fn()')).toMatch(/permission denied for function tier_fn/);
    expect(await as('mia.leaver', 'SET ROLE iam_admin; SELECT public.tier_fn() AS one')).toEqual([{ one: 1 }]);
  });

  test('the apply that removes her refuses her password at once; her definer function never runs as the master; the tiers still read her table', async () => {
    ws.writeUsers(before);
    ws.synth();
    await applied('orders');
    expect(await withPassword('mia.leaver', DOOR, 'SELECT 1')).toMatch(/password authentication failed for user "mia.leaver"/);
    expect(await owner('peek')).toBe('mia.leaver');
    expect(await as('zoe.new', 'SELECT public.peek()')).toMatch(/permission denied for schema vault/);
    expect(await as('zoe.new', 'SELECT count(*)::int AS n FROM public.mia_notes')).toEqual([{ n: 1 }]);
    expect(await ws.stack('orders').plan()).toEqual([]);
  });

  test('the audit knows her by the mark her reset could not remove, reports her definer function; --drop-departed gives what she owned to iam_departed, which has nothing of its own', async () => {
    const audit = ws.audit('orders');
    expect(orders_(audit.report).findings).toMatchObject({
      leftBehind: ['bob.kowalski', 'mia.leaver'],
      unknownLogins: [],
      departedDefiners: [{ object: 'public.peek()', kind: 'function', definer: 'mia.leaver' }],
    });
    const dropped = ws.audit('orders', '--drop-departed');
    expect(orders_(dropped.report).actions).toEqual(expect.arrayContaining([{ action: 'dropped-role', role: 'mia.leaver' }]));
    expect(await admin("SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'mia.leaver'")).toEqual([{ n: 0 }]);
    expect(await owner('peek')).toBe('iam_departed');
    expect(await as('zoe.new', 'SELECT public.peek()')).toMatch(/permission denied for schema vault/);
    expect(await as('zoe.new', 'SELECT count(*)::int AS n FROM public.mia_notes')).toEqual([{ n: 1 }]);
    expect(await admin(`SELECT r.rolcanlogin, r.rolvaliduntil::text AS valid_until,
        (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid OR m.roleid = r.oid) AS memberships,
        has_schema_privilege(r.oid, 'public', 'CREATE') OR has_schema_privilege(r.oid, 'reporting', 'CREATE') AS can_create
      FROM pg_roles r WHERE rolname = 'iam_departed'`)).toEqual([{ rolcanlogin: false, valid_until: '-infinity', memberships: 0, can_create: false }]);
    // Still reported: it runs as iam_departed until someone adopts or drops it.
    expect(orders_(dropped.report).findings.departedDefiners).toEqual([{ object: 'public.peek()', kind: 'function', definer: 'iam_departed' }]);
    // The master adopts it: takes the powerless owner's rights, re-owns what it keeps, drops the rest.
    expect(await withPassword('dbmaster', orders.masterPassword, 'GRANT iam_departed TO dbmaster; DROP FUNCTION public.peek(); ALTER TABLE public.mia_notes OWNER TO dbmaster; REVOKE iam_departed FROM dbmaster')).toEqual([]);
    expect(orders_(ws.audit('orders').report).findings.departedDefiners).toEqual([]);
  });

  test('the audit reports a hand-made LOGIN role without the mark, and --terminate ends its session', async () => {
    await admin("CREATE ROLE eve LOGIN PASSWORD 'eve-password'");
    const session = new Client({ host: orders.host, port: orders.port, user: 'eve', password: 'eve-password', database: 'orders', ssl: { ca: fs.readFileSync(ca, 'utf8') } });
    await session.connect();
    session.on('error', () => undefined);
    try {
      const audit = ws.audit('orders');
      expect(orders_(audit.report).findings.unknownLogins).toEqual(['eve']);
      expect(orders_(audit.report).findings.sessionsWithoutAccess).toEqual([expect.objectContaining({ user: 'eve' })]);
      const ended = ws.audit('orders', '--terminate');
      expect(orders_(ended.report).actions).toEqual([{ action: 'ended-session', session: expect.objectContaining({ user: 'eve' }) }]);
      await expect(session.query('SELECT 1')).rejects.toThrow();
    } finally {
      await session.end().catch(() => undefined);
      await admin('DROP ROLE eve');
    }
    expect(orders_(ws.audit('orders').report).findings.unknownLogins).toEqual([]);
  });
});

describe('nothing a tier plants in public answers for a built-in the master calls by name', () => {
  // The master's search_path is "$user", public; an admin may CREATE in public. An exact argument
  // match wins from any schema on the path, so public.unnest(text[]) would beat pg_catalog.unnest(anyarray).
  const max = { username: 'max.shadow', displayName: 'Max Shadow', access: { orders: 'admin' } };
  const DOOR = 'door-password-shadow';
  const users = () => [
    ...current.filter((u) => u.username !== 'bob.kowalski').map((u) => (u.username === 'alice.ng' ? { ...u, access: { ...u.access, orders: 'write' } } : u)),
    { username: 'zoe.new', displayName: 'Zoe New', access: { orders: 'read' } },
  ];
  const masterRuns = async () => admin('SELECT who, via FROM public.attack_log ORDER BY via');

  beforeAll(async () => {
    ws.writeUsers([...users(), max]);
    ws.synth();
    await applied('orders');
    await admin('CREATE TABLE public.attack_log (who text, via text)', 'GRANT INSERT ON public.attack_log TO PUBLIC');
  });

  afterAll(async () => {
    await admin('DROP FUNCTION IF EXISTS public.unnest(text[])', 'DROP FUNCTION IF EXISTS public.array_remove(text[], text)',
      'DROP FUNCTION IF EXISTS public.lend()', 'DROP TABLE IF EXISTS public.attack_log', 'DROP ROLE IF EXISTS "max.door"');
  });

  test('as himself, an admin plants public.unnest(text[]) that opens a password door when the master runs it; the hourly audit never runs it as the master', async () => {
    expect(await as('max.shadow', `SET ROLE NONE;
      CREATE FUNCTION public.unnest(a text[]) RETURNS SETOF text LANGUAGE plpgsql AS $f$
      BEGIN
        IF (SELECT rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
          INSERT INTO public.attack_log VALUES (current_user, 'unnest');
          EXECUTE 'CREATE ROLE "max.door" LOGIN PASSWORD ''${DOOR}''';
        END IF;
        RETURN QUERY SELECT pg_catalog.unnest(a);
      END $f$`)).toEqual([]);
    const audit = ws.audit('orders', '--terminate', '--drop-departed');
    expect(audit.report.databases.orders.status).not.toBe('unreachable');
    expect(await masterRuns()).toEqual([]);
    expect(await admin(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'max.door'`)).toEqual([{ n: 0 }]);
    await admin('DROP FUNCTION public.unnest(text[])');
  });

  test('one the admin tier makes (no EXECUTE for the master) cannot make the audit fail for the whole database', async () => {
    expect(await as('max.shadow', 'CREATE FUNCTION public.unnest(a text[]) RETURNS SETOF text LANGUAGE sql AS $f$ SELECT pg_catalog.unnest(a) $f$')).toEqual([]);
    expect(ws.audit('orders').report.databases.orders.status).not.toBe('unreachable');
    await admin('DROP FUNCTION public.unnest(text[])');
  });

  test('the provider, under the PGOPTIONS every deploy sets, never runs a planted array_remove (it reads grants with array_remove(array_agg(…), NULL)) nor fails on one', async () => {
    expect(await as('max.shadow', `SET ROLE NONE;
      CREATE FUNCTION public.array_remove(a text[], e text) RETURNS text[] LANGUAGE plpgsql AS $f$
      BEGIN
        IF (SELECT rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
          RAISE EXCEPTION 'running as %', current_user;
        END IF;
        RETURN pg_catalog.array_remove(a, e);
      END $f$`)).toEqual([]);
    const run = await ws.stack('orders').planExitCode();
    expect(`${run.stderr}${run.stdout}`).not.toMatch(/running as dbmaster|permission denied for function array_remove/);
    expect(run.status).not.toBe(1); // -detailed-exitcode: 1 is an error; 0 or 2 a plan
    await admin('DROP FUNCTION public.array_remove(text[], text)');
  });

  test('a SECURITY DEFINER function of the admin tier that the read tier may run is reported: it lends admin rights and outlives whoever made it', async () => {
    expect(await as('max.shadow', 'CREATE FUNCTION public.lend() RETURNS int LANGUAGE sql SECURITY DEFINER AS $f$ SELECT 1 $f$; GRANT EXECUTE ON FUNCTION public.lend() TO iam_read')).toEqual([]);
    expect(ws.audit('orders').report.databases.orders.findings.tierDefiners).toEqual([{ object: 'public.lend()', kind: 'function', definer: 'iam_admin', lowerTiersRun: true }]);
    await admin('DROP FUNCTION public.lend()');
    ws.writeUsers(users());
    ws.synth();
    await applied('orders');
  });
});

describe('failures are quick and clear, and leave the state as it was', () => {
  test.each([
    ['a wrong port', () => ws.synth({ RDS_IAM_ORDERS_PORT: '1' }), undefined, /connection refused|could not connect/i],
    ['a server certificate from another CA', () => ws.synth({ RDS_IAM_ORDERS_CA_BUNDLE: context.certs.otherCa }), undefined, /certificate/i],
    ['a wrong password', () => ws.synth(), 'not-the-password', /password authentication failed for user "dbmaster"/],
  ])('%s', (_what, synth, password, message) => expectQuickCleanFailure(ws, 'orders', synth, password, message));

  test('a session holding the advisory lock the provider takes on a role: the plan gives up at lock_timeout instead of waiting for as long as it is held, then runs once it is released', async () => {
    ws.synth();
    // Any person may: pg_advisory_lock is PUBLIC, and the provider reads iam_admin's default privileges under that lock.
    const session = new Client({ host: orders.host, port: orders.port, user: 'alice.ng', password: 'stand-in-token', database: 'orders', ssl: { ca: fs.readFileSync(ca, 'utf8') } });
    await session.connect();
    try {
      await session.query("SELECT pg_advisory_lock(oid::bigint) FROM pg_roles WHERE rolname = 'iam_admin'");
      const held = await ws.stack('orders').planExitCode();
      expect(held).toEqual(expect.objectContaining({ status: 1, stderr: expect.stringMatching(/lock timeout/) }));
      // About lock_timeout for each resource that reads the role under its lock (five of iam_admin's default privileges), one at a time.
      expect(held.seconds).toBeLessThan(120);
    } finally {
      await session.end();
    }
    expect([0, 2]).toContain((await ws.stack('orders').planExitCode()).status);
  });
});

describe('npm run audit on a read replica: a second server standing in for one (the same roles, made by hand)', () => {
  const REPLICAS = { from: "schemas: ['public', 'reporting'],", to: "schemas: ['public', 'reporting'],\n      replicas: { count: 1 }," };
  let dir = '';
  let replica: RunningServer | undefined;
  let outputs = '';
  const onReplica = (...sql: string[]) => pgAdmin(replica!, 'orders', ...sql);
  const sessionOn = async (user: string) => {
    const client = new Client({ host: replica!.host, port: replica!.port, user, password: 'stand-in-token', database: 'orders', ssl: { ca: fs.readFileSync(ca, 'utf8') } });
    await client.connect();
    client.on('error', () => undefined);
    return client;
  };

  beforeAll(async () => {
    // Under /tmp, not the test run's folder: the server runs as postgres when we are root.
    dir = fs.mkdtempSync('/tmp/audit-replica-');
    fs.chmodSync(dir, 0o755);
    replica = await startPostgres(path.join(dir, 'pg'), context.certs, ['orders'], orders.masterPassword);
    // As deploy writes it: the replica's host and the database's port (the harness's servers differ
    // in port only, and the audit reaches orders itself through RDS_IAM_ORDERS_HOST/_PORT).
    outputs = path.join(dir, 'cdktf-outputs.json');
    fs.writeFileSync(outputs, JSON.stringify({ 'database-orders': { port: replica.port, replica_endpoints: [replica.host] } }));
    ws.editConfig(REPLICAS.from, REPLICAS.to);
  });

  afterAll(() => {
    replica?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    ws.editConfig(REPLICAS.to, REPLICAS.from);
  });

  test('a removed person\'s session on the replica is reported there and --terminate ends it there; a person with access keeps theirs; nothing is dropped on the replica', async () => {
    // bob.kowalski was removed above; on the replica, his role as it was before, and a session he opened then.
    await onReplica('CREATE ROLE "bob.kowalski" LOGIN IN ROLE rds_iam', 'CREATE ROLE "zoe.new" LOGIN IN ROLE rds_iam');
    const bob = await sessionOn('bob.kowalski');
    const zoe = await sessionOn('zoe.new');
    try {
      // What the removal's apply did on the database, replicated.
      await onReplica('REVOKE rds_iam FROM "bob.kowalski"', `ALTER ROLE "bob.kowalski" VALID UNTIL '-infinity'`);
      expect((await bob.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);

      const audit = ws.audit('orders', '--outputs', outputs);
      expect(audit.status).toBe(1);
      const replicaAudit = audit.report.databases.orders.replicas['replica-1'];
      expect(replicaAudit).toEqual({
        status: 'drift', server: `${replica!.host}:${replica!.port} as dbmaster`,
        findings: { sessionsWithoutAccess: [expect.objectContaining({ user: 'bob.kowalski', client: '127.0.0.1/32' })] }, actions: [],
      });
      // The replica's catalog (nobody else there) is not judged: the database's findings are as before.
      expect(audit.report.databases.orders.findings).toMatchObject({ missing: [], undeclared: [], leftBehind: expect.arrayContaining(['bob.kowalski']) });

      const ended = ws.audit('orders', '--outputs', outputs, '--terminate', '--drop-departed');
      expect(ended.report.databases.orders.replicas['replica-1']).toMatchObject({
        status: 'clean', findings: { sessionsWithoutAccess: [] },
        actions: [{ action: 'ended-session', session: expect.objectContaining({ user: 'bob.kowalski' }) }],
      });
      await expect(bob.query('SELECT 1')).rejects.toThrow();
      expect((await zoe.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      expect(await onReplica(`SELECT rolname FROM pg_roles WHERE rolname = 'bob.kowalski'`)).toEqual([{ rolname: 'bob.kowalski' }]);
    } finally {
      await bob.end().catch(() => undefined);
      await zoe.end().catch(() => undefined);
    }
  });

  test('a replica that cannot be reached makes the audit exit 2, the database itself still audited', () => {
    const nowhere = path.join(dir, 'nowhere.json');
    fs.writeFileSync(nowhere, JSON.stringify({ 'database-orders': { port: 1, replica_endpoints: [replica!.host] } }));
    const audit = ws.audit('orders', '--outputs', nowhere);
    expect(audit.status).toBe(2);
    expect(audit.report.databases.orders.replicas['replica-1']).toEqual({ status: 'unreachable', error: expect.stringMatching(/ECONNREFUSED/) });
    expect(audit.report.databases.orders.findings.leftBehind).toContain('bob.kowalski');
  });
});
