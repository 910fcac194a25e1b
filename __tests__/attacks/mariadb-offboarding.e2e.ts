/**
 * Attacks on MariaDB offboarding (issue 31), on the real-engine servers. Run alone (it shares
 * the billing server with mariadb.e2e.ts):
 *   npm run test:e2e -- --roots='<rootDir>/__tests__/attacks' --testPathPattern mariadb-offboarding
 * Each test is an attack and asserts what must hold; a failing test is a finding.
 */
import { users as exampleUsers } from '../../users';
import { loadContext, Workspace } from '../../tools/e2e/workspace';
import { mysqlAdmin, mysqlAs } from '../fixtures/engines';

const context = loadContext();
const billing = context.servers.billing;
const ca = context.certs.ca;
const ws = new Workspace(context);
const admin = (...sql: string[]) => mysqlAdmin(billing, ...sql);
const master = async (sql: string) => {
  const done = await mysqlAs(billing, ca, billing.masterUser, billing.masterPassword, sql);
  if (typeof done === 'string') throw new Error(`${sql}: ${done}`);
};
const mia = { username: 'mia.leaver', displayName: 'Mia Leaver', access: { billing: 'admin' } };
const PASSWORD = 'attack-password';

async function applied(): Promise<void> {
  const result = await ws.stack('billing').apply();
  if (result.status !== 0) throw new Error(`apply of users-billing failed:\n${result.stderr}${result.stdout}`);
}

beforeAll(async () => {
  await admin('CREATE TABLE billing.ledger (id int PRIMARY KEY)', 'INSERT INTO billing.ledger VALUES (99)');
  ws.writeUsers([...exampleUsers, mia]);
  ws.synth();
  await applied();
  // A read-tier person (IAM users cannot log in here: a password user holding iam_read stands in).
  await admin(`CREATE USER 'attack_read'@'%' IDENTIFIED BY '${PASSWORD}' REQUIRE SSL`);
  await master("GRANT iam_read TO 'attack_read'@'%'");
  await master("SET DEFAULT ROLE iam_read FOR 'attack_read'@'%'");
});

afterAll(async () => {
  await admin(
    'DROP VIEW IF EXISTS billing.mia_view', 'DROP FUNCTION IF EXISTS billing.mia_fn', 'DROP TABLE IF EXISTS billing.ledger',
    "DROP USER IF EXISTS 'attack_read'@'%'", "DROP USER IF EXISTS 'mia.leaver'@'%'",
  );
  ws.remove();
});

describe('a leaver’s objects defined to run as her tier role (DEFINER = CURRENT_ROLE)', () => {
  test('an admin makes a function and a view that run as iam_admin, not as herself; a read person selecting from the view deletes rows', async () => {
    await admin(`ALTER USER 'mia.leaver'@'%' IDENTIFIED BY '${PASSWORD}'`);
    try {
      for (const sql of [
        'CREATE DEFINER = CURRENT_ROLE FUNCTION billing.mia_fn() RETURNS int MODIFIES SQL DATA BEGIN DELETE FROM billing.ledger WHERE id = 99; RETURN 1; END',
        'CREATE DEFINER = CURRENT_ROLE SQL SECURITY DEFINER VIEW billing.mia_view AS SELECT billing.mia_fn() AS x',
      ]) {
        const done = await asMiaAdmin(sql);
        expect(done).not.toEqual(expect.any(String));
      }
    } finally {
      await admin("ALTER USER 'mia.leaver'@'%' IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS'");
    }
    expect(await admin("SELECT DEFINER AS definer FROM information_schema.VIEWS WHERE TABLE_NAME = 'mia_view'")).toEqual([{ definer: 'iam_admin@' }]);
  });

  test('after she is removed (user dropped), the audit reports what she left that runs with a tier’s rights', async () => {
    ws.writeUsers(exampleUsers);
    ws.synth();
    await applied();
    expect(await admin("SELECT count(*) AS n FROM mysql.user WHERE User = 'mia.leaver'")).toEqual([{ n: 0 }]);
    const audit = ws.audit('billing', '--drop-departed');
    expect(audit.report.databases.billing.findings.departedDefiners).toEqual(expect.arrayContaining([expect.objectContaining({ object: 'billing.mia_view' })]));
  });

  test('after she is removed, a read person cannot change data through what she left', async () => {
    const read = await mysqlAs(billing, ca, 'attack_read', PASSWORD, 'SELECT x FROM billing.mia_view');
    expect(read).toMatch(/denied|does not exist/);
    expect(await admin('SELECT count(*) AS n FROM billing.ledger WHERE id = 99')).toEqual([{ n: 1 }]);
  });
});

/** Mia logged in with a password, working as her tier role (SET ROLE, then the statement, on one connection): rows or the error. */
async function asMiaAdmin(sql: string): Promise<unknown> {
  const mysql = await import('mysql2/promise');
  const fs = await import('fs');
  // No database at login: her role (no default role on Aurora MySQL's engine) is what reaches billing.
  const connection = await mysql.createConnection({
    host: billing.host, port: billing.port, user: 'mia.leaver', password: PASSWORD, ssl: { ca: fs.readFileSync(ca, 'utf8') },
  });
  try {
    await connection.query('SET ROLE iam_admin');
    return (await connection.query(sql))[0];
  } catch (error) {
    return (error as Error).message;
  } finally {
    await connection.end();
  }
}
