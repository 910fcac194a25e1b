/**
 * The example app's MySQL users stack (billing, Aurora MySQL in config.ts) applied by
 * Terraform with the real petoju/mysql provider to MariaDB set up like RDS. Tests run in
 * order: each builds on the state the previous one left.
 */
import { users as exampleUsers } from '../../users';
import * as fs from 'fs';
import * as mysql from 'mysql2/promise';
import { loadContext, Workspace } from '../../tools/e2e/workspace';
import { expectQuickCleanFailure, mysqlAdmin, mysqlAs } from '../fixtures/engines';
import { unsharded } from '../fixtures/synth';

const context = loadContext();
const billing = context.servers.billing;
const ca = context.certs.ca;
const ws = new Workspace(context);
const admin = (...sql: string[]) => mysqlAdmin(billing, ...sql);
const DENIED = /command denied/;
/** People's IAM users refuse every login here (no token check), so a password user holding the same tier role stands in. */
const PROBE_PASSWORD = 'probe-password';
const probe = (tier: string) => `probe_${tier}`;
const as = (tier: string, sql: string) => mysqlAs(billing, ca, probe(tier), PROBE_PASSWORD, sql);

async function applied(): Promise<void> {
  const result = await ws.stack('billing').apply();
  if (result.status !== 0) throw new Error(`apply of users-billing failed:\n${result.stderr}${result.stdout}`);
}

beforeAll(async () => {
  await admin('CREATE TABLE billing.invoices (id int PRIMARY KEY, amount int)', 'INSERT INTO billing.invoices VALUES (1, 100)');
  ws.synth();
  await applied();
  for (const tier of ['read', 'write', 'admin']) {
    // MariaDB has no activate_all_roles_on_login: the probe's tier role is made its default role.
    await admin(`CREATE USER '${probe(tier)}'@'%' IDENTIFIED BY '${PROBE_PASSWORD}' REQUIRE SSL`);
    // Only the roles' creator (the master, as on RDS) holds them WITH ADMIN OPTION.
    for (const sql of [`GRANT iam_${tier} TO '${probe(tier)}'@'%'`, `SET DEFAULT ROLE iam_${tier} FOR '${probe(tier)}'@'%'`]) {
      const done = await mysqlAs(billing, ca, billing.masterUser, billing.masterPassword, sql);
      if (typeof done === 'string') throw new Error(`${sql}: ${done}`);
    }
  }
});

afterAll(() => ws.remove());

describe('the example app on a fresh MariaDB server', () => {
  test('everyone with access, people and services, exists: AWSAuthenticationPlugin, host %, SSL required, their tier role', async () => {
    const rows = await admin(`
      SELECT u.User AS user, u.Host AS host, u.plugin, u.authentication_string AS auth, u.ssl_type AS ssl_type, r.Role AS role
      FROM mysql.user u LEFT JOIN mysql.roles_mapping r ON r.User = u.User AND r.Host = u.Host
      WHERE u.plugin = 'AWSAuthenticationPlugin' ORDER BY u.User`);
    const iam = { host: '%', plugin: 'AWSAuthenticationPlugin', auth: 'RDS', ssl_type: 'ANY' };
    expect(rows).toEqual([
      { user: 'alice.ng', ...iam, role: 'iam_admin' },
      // services.ts: billing-export reads billing (and orders, on PostgreSQL).
      { user: 'billing-export', ...iam, role: 'iam_read' },
      { user: 'carla.mendes', ...iam, role: 'iam_read' },
      { user: 'dev.patel', ...iam, role: 'iam_write' },
    ]);
  });

  test('an IAM user cannot log in with a password', async () => {
    expect(await mysqlAs(billing, ca, 'carla.mendes', 'guess', 'SELECT 1')).toMatch(/Access denied/);
  });

  test('admin can create tables, and the other tiers use them at once', async () => {
    expect(await as('admin', 'CREATE TABLE billing.later (id int PRIMARY KEY)')).toMatchObject({ warningStatus: 0 });
    expect(await as('admin', 'ALTER TABLE billing.invoices ADD COLUMN note text')).toMatchObject({ warningStatus: 0 });
  });

  test.each(['billing.invoices', 'billing.later'])('read can SELECT from %s and not change it', async (table) => {
    expect(await as('read', `SELECT count(*) AS n FROM ${table}`)).toEqual([{ n: table === 'billing.invoices' ? 1 : 0 }]);
    expect(await as('read', `INSERT INTO ${table} (id) VALUES (2)`)).toMatch(DENIED);
  });

  test.each(['billing.invoices', 'billing.later'])('write can INSERT, UPDATE, DELETE in %s but not create tables', async (table) => {
    expect(await as('write', `INSERT INTO ${table} (id) VALUES (7)`)).toMatchObject({ affectedRows: 1 });
    expect(await as('write', `UPDATE ${table} SET id = 8 WHERE id = 7`)).toMatchObject({ affectedRows: 1 });
    expect(await as('write', `DELETE FROM ${table} WHERE id = 8`)).toMatchObject({ affectedRows: 1 });
    expect(await as('write', 'CREATE TABLE billing.nope (id int)')).toMatch(DENIED);
  });

  test('a re-plan right after apply is empty', async () => {
    expect(await ws.stack('billing').plan()).toEqual([]);
  });

  test('a re-plan after reordering users.ts is empty', async () => {
    ws.writeUsers([...exampleUsers].reverse());
    ws.synth();
    expect(await ws.stack('billing').plan()).toEqual([]);
  });

  test('a tier change replaces only that person’s role grant, never the user', async () => {
    ws.writeUsers(exampleUsers.map((u) => (u.username === 'carla.mendes' ? { ...u, access: { billing: 'write' } } : u)));
    ws.synth();
    expect(await ws.stack('billing').plan()).toEqual([
      { address: expect.stringMatching(/^mysql_grant\.access_user-tiers-[0-9a-f]{2}_\w+\["carla\.mendes"\]$/), actions: ['delete', 'create'] },
    ]);
    await applied();
    expect(await admin("SELECT Role AS role FROM mysql.roles_mapping WHERE User = 'carla.mendes'")).toEqual([{ role: 'iam_write' }]);
  });

  test('a view a person defined (as themselves) exists before they leave', async () => {
    // IAM users cannot log in here, so the checker (all privileges) writes the DEFINER they would have.
    await admin("CREATE DEFINER = 'dev.patel'@'%' SQL SECURITY DEFINER VIEW billing.patel_totals AS SELECT count(*) AS n FROM billing.invoices");
    expect(await admin("SELECT DEFINER AS definer FROM information_schema.VIEWS WHERE TABLE_NAME = 'patel_totals'")).toEqual([{ definer: 'dev.patel@%' }]);
  });

  test('offboarding drops the user and keeps every table and row', async () => {
    ws.writeUsers(exampleUsers.filter((u) => u.username !== 'dev.patel').map((u) => (u.username === 'carla.mendes' ? { ...u, access: { billing: 'write' } } : u)));
    ws.synth();
    const plan = await ws.stack('billing').plan();
    expect(plan.map((c) => c.actions.join('+')).sort()).toEqual(['delete', 'delete']);
    expect(plan.map((c) => c.address).every((a) => a.endsWith('["dev.patel"]'))).toBe(true);
    await applied();
    expect(await admin("SELECT count(*) AS n FROM mysql.user WHERE User = 'dev.patel'")).toEqual([{ n: 0 }]);
    expect(await admin('SELECT count(*) AS n FROM billing.invoices')).toEqual([{ n: 1 }]);
  });
});

describe('npm run audit on the real server', () => {
  const PROBES = [
    { tier: 'iam_admin', member: 'probe_admin' }, { tier: 'iam_read', member: 'probe_read' }, { tier: 'iam_write', member: 'probe_write' },
  ];

  test('reports the tier members granted by hand (the tests’ probes) and nothing else', () => {
    const audit = ws.audit('billing');
    expect(audit.status).toBe(1);
    expect(audit.report.databases.billing).toMatchObject({
      status: 'drift',
      findings: { undeclared: [], missing: [], wrongTier: [], unmanagedTierMembers: PROBES, leftBehind: [], sessionsWithoutAccess: [], unknownLogins: [] },
    });
  });

  test('reports a hand-made AWSAuthenticationPlugin user in a tier role', async () => {
    await admin("CREATE USER 'mallory'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL");
    expect(await mysqlAs(billing, ca, billing.masterUser, billing.masterPassword, "GRANT iam_admin TO 'mallory'@'%'")).toEqual(expect.anything());
    const { findings } = ws.audit('billing').report.databases.billing;
    expect(findings.undeclared).toEqual(['mallory']);
    expect(findings.unmanagedTierMembers).toEqual([{ tier: 'iam_admin', member: 'mallory' }, ...PROBES]);
    await admin("DROP USER 'mallory'@'%'");
  });

  test('a view whose definer left is reported, and --drop-departed makes it work for the read tier again, running as iam_read (never more than the leaver had)', async () => {
    // MariaDB dropped the user and left the view naming a definer that no longer exists.
    await expect(admin('SELECT n FROM billing.patel_totals')).rejects.toThrow(/definer .*does not exist/i);
    const audit = ws.audit('billing');
    expect(audit.report.databases.billing.findings.departedDefiners).toEqual([{ object: 'billing.patel_totals', kind: 'view', definer: 'dev.patel' }]);
    const fixed = ws.audit('billing', '--drop-departed');
    expect(fixed.report.databases.billing.actions).toEqual([{ action: 'redefined-view', view: 'billing.patel_totals' }]);
    expect(fixed.report.databases.billing.findings.departedDefiners).toEqual([]);
    expect(await admin("SELECT DEFINER AS definer, SECURITY_TYPE AS security FROM information_schema.VIEWS WHERE TABLE_NAME = 'patel_totals'")).toEqual([{ definer: 'iam_read@', security: 'DEFINER' }]);
    expect(await as('read', 'SELECT n FROM billing.patel_totals')).toEqual([{ n: 1 }]);
  });

  test('the open session of a dropped user is reported, and --terminate ends it through mysql.rds_kill', async () => {
    await admin("CREATE USER 'leaver'@'%' IDENTIFIED BY 'leaver-password' REQUIRE SSL");
    const session = await mysql.createConnection({ host: billing.host, port: billing.port, user: 'leaver', password: 'leaver-password', ssl: { ca: fs.readFileSync(ca, 'utf8') } });
    session.on('error', () => undefined);
    try {
      // As after the users stack drops an offboarded person: DROP USER leaves their sessions open.
      await admin("DROP USER 'leaver'@'%'");
      expect((await session.query('SELECT 1 AS one'))[0]).toEqual([{ one: 1 }]);
      expect(ws.audit('billing').report.databases.billing.findings.sessionsWithoutAccess).toEqual([expect.objectContaining({ user: 'leaver' })]);
      const ended = ws.audit('billing', '--terminate');
      expect(ended.report.databases.billing.actions).toEqual([{ action: 'ended-session', session: expect.objectContaining({ user: 'leaver' }) }]);
      await expect(session.query('SELECT 1')).rejects.toThrow();
    } finally {
      session.destroy();
    }
  });
});

describe('what runs as a tier for a lower tier is reported (an admin lending the tier\'s rights outlives them)', () => {
  test('a DEFINER = CURRENT_ROLE function that deletes, behind a definer view the read tier may select: both reported', async () => {
    await admin('CREATE TABLE billing.ledger (id int PRIMARY KEY)', 'INSERT INTO billing.ledger VALUES (99)');
    for (const sql of [
      'CREATE DEFINER = CURRENT_ROLE FUNCTION billing.purge() RETURNS int MODIFIES SQL DATA BEGIN DELETE FROM billing.ledger WHERE id = 99; RETURN 1; END',
      'CREATE DEFINER = CURRENT_ROLE SQL SECURITY DEFINER VIEW billing.purge_view AS SELECT billing.purge() AS x',
    ]) expect(await as('admin', sql)).not.toEqual(expect.any(String));
    const found = ws.audit('billing').report.databases.billing.findings.tierDefiners.map((d: { object: string; definer: string }) => `${d.object} ${d.definer}`);
    expect(found).toEqual(['billing.purge iam_admin', 'billing.purge_view iam_admin']);
    await admin('DROP VIEW billing.purge_view', 'DROP FUNCTION billing.purge', 'DROP TABLE billing.ledger');
  });
});

describe('an underscore in a database name is not a wildcard', () => {
  test('a tier on billing_eu reads billing_eu and nothing in billingxeu', async () => {
    await admin('CREATE DATABASE billingxeu', 'CREATE TABLE billingxeu.secrets (id int)', 'INSERT INTO billingxeu.secrets VALUES (1)');
    ws.editConfig("databaseName: 'billing',", "databaseName: 'billing',\n      schemas: ['billing', 'billing_eu'],");
    ws.synth();
    await applied();
    await admin('CREATE TABLE billing_eu.invoices (id int)');
    expect(await as('read', 'SELECT count(*) AS n FROM billing_eu.invoices')).toEqual([{ n: 0 }]);
    expect(await as('read', 'SELECT count(*) AS n FROM billingxeu.secrets')).toMatch(DENIED);
    expect(await admin("SELECT Db AS db FROM mysql.db WHERE User = 'iam_read' ORDER BY Db")).toEqual([{ db: 'billing' }, { db: 'billing\\_eu' }]);
  });

  test('the escaped grants read back as written: a re-plan is empty', async () => {
    expect(await ws.stack('billing').plan()).toEqual([]);
  });
});

describe('engine mariadb: each person’s tier role is their default role, active at login', () => {
  const defaultRoles = () => admin("SELECT User AS user, default_role AS role FROM mysql.user WHERE plugin = 'AWSAuthenticationPlugin' ORDER BY User");

  test('switching the database to RDS for MariaDB adds one default role per person or service, and the one point they wait at, and changes nothing else', async () => {
    ws.editConfig("engine: 'aurora-mysql',\n      engineVersion: '8.0.mysql_aurora.3.08.0',", "engine: 'mariadb',\n      engineVersion: '10.11',");
    ws.editConfig('      instanceCount: 2,\n', '');
    ws.synth();
    const plan = await ws.stack('billing').plan();
    expect(plan.map((c) => c.actions.join('+'))).toEqual(['create', 'create', 'create', 'create']);
    expect(plan.map((c) => unsharded(c.address))).toEqual([
      'mysql_default_roles.access_user-default-roles["alice.ng"]',
      'mysql_default_roles.access_user-default-roles["billing-export"]',
      'mysql_default_roles.access_user-default-roles["carla.mendes"]',
      // Default roles wait for the role grants through it (modules/people-barrier.ts).
      'terraform_data.access_user-tiers-ready',
    ]);
    await applied();
    expect(await defaultRoles()).toEqual([{ user: 'alice.ng', role: 'iam_admin' }, { user: 'billing-export', role: 'iam_read' }, { user: 'carla.mendes', role: 'iam_write' }]);
    expect(await ws.stack('billing').plan()).toEqual([]);
  });

  test('a person logging in holds their tier at once (carla, given a password for the probe and then her plugin back)', async () => {
    await admin("ALTER USER 'carla.mendes'@'%' IDENTIFIED BY 'probe-password'");
    try {
      const carla = (sql: string) => mysqlAs(billing, ca, 'carla.mendes', 'probe-password', sql);
      expect(await carla('SELECT CURRENT_ROLE() AS role')).toEqual([{ role: 'iam_write' }]);
      expect(await carla('INSERT INTO billing.invoices (id) VALUES (42)')).toMatchObject({ affectedRows: 1 });
      expect(await carla('DELETE FROM billing.invoices WHERE id = 42')).toMatchObject({ affectedRows: 1 });
    } finally {
      await admin("ALTER USER 'carla.mendes'@'%' IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS'");
    }
    expect(await ws.stack('billing').plan()).toEqual([]);
  });

  test('a tier change re-grants the role and updates the default role in place, never the user', async () => {
    ws.writeUsers(exampleUsers.filter((u) => u.username !== 'dev.patel'));
    ws.synth();
    const plan = await ws.stack('billing').plan();
    expect(plan.map((c) => `${unsharded(c.address)} ${c.actions.join('+')}`).sort()).toEqual([
      'mysql_default_roles.access_user-default-roles["carla.mendes"] update',
      'mysql_grant.access_user-tiers["carla.mendes"] delete+create',
    ]);
    await applied();
    expect(await defaultRoles()).toEqual([{ user: 'alice.ng', role: 'iam_admin' }, { user: 'billing-export', role: 'iam_read' }, { user: 'carla.mendes', role: 'iam_read' }]);
  });
});

describe('failures are quick and clear, and leave the state as it was', () => {
  test.each([
    ['a wrong port', () => ws.synth({ RDS_IAM_BILLING_PORT: '1' }), undefined, /connection refused/i],
    ['a server certificate from another CA', () => ws.synth({ RDS_IAM_BILLING_CA_BUNDLE: context.certs.otherCa }), undefined, /certificate/i],
    ['a wrong password', () => ws.synth(), 'not-the-password', /Access denied for user 'dbmaster'/],
  ])('%s', (_what, synth, password, message) => expectQuickCleanFailure(ws, 'billing', synth, password, message));
});
