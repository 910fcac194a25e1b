import { dropPostgresRole, killMysql, mysqlCatalog, postgresCatalog, redefineMysqlView, Row, Sql, terminatePostgres } from '../../../lib/audit/catalog';

/** A client that answers each statement with the rows of the first pattern it matches, and records what it ran. */
function fakeSql(answers: readonly [RegExp, readonly Row[] | Error][]): Sql & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    query: async (sql, params) => {
      ran.push(params ? `${sql.replace(/\s+/g, ' ').trim()} ${JSON.stringify(params)}` : sql.replace(/\s+/g, ' ').trim());
      const answer = answers.find(([pattern]) => pattern.test(sql))?.[1] ?? [];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe('postgresCatalog', () => {
  test('reads rds_iam members, tier members without the nested tier roles, marked roles and client sessions', async () => {
    const sql = fakeSql([
      [/FROM pg_catalog\.pg_roles$/m, [
        { rolname: 'alice', rolcanlogin: true, marked: true }, { rolname: 'iam_read', rolcanlogin: false, marked: false },
        { rolname: 'dev', rolcanlogin: true, marked: true }, { rolname: 'rdsadmin', rolcanlogin: true, rolsuper: true, marked: false },
      ]],
      [/prosecdef/, [{ object: 'public.peek()', kind: 'function', definer: 'dev' }]],
      [/pg_auth_members/, [{ role: 'rds_iam', member: 'alice' }, { role: 'iam_read', member: 'iam_write' }, { role: 'iam_admin', member: 'alice' }]],
      [/pg_stat_activity/, [{ pid: 42, usename: 'alice', client: '10.0.0.5/32', since: '2026-06-15T08:00:00Z' }, { pid: 43, usename: 'app', client: null, since: null }]],
    ]);
    expect(await postgresCatalog(sql)).toEqual({
      iamUsers: ['alice'],
      existing: ['alice', 'iam_read', 'dev', 'rdsadmin'],
      canLogin: ['alice', 'dev', 'rdsadmin'],
      tierMembers: { iam_read: [], iam_write: [], iam_admin: ['alice'] },
      marked: ['alice', 'dev'],
      // Superusers are RDS's own: no one else can make one there.
      logins: ['alice', 'dev'],
      definers: [{ object: 'public.peek()', kind: 'function', definer: 'dev' }],
      sessions: [{ id: 42, user: 'alice', client: '10.0.0.5/32', since: '2026-06-15T08:00:00Z' }, { id: 43, user: 'app' }],
    });
    // The marks: the tier role the users stack sets at login, or the password it makes never valid; parameters.
    expect(sql.ran.find((s) => s.includes('rolconfig'))).toContain('[["role=iam_read","role=iam_write","role=iam_admin"],["iam_read","iam_write","iam_admin","iam_departed"],"-infinity"]');
  });
});

describe('mysqlCatalog', () => {
  test('MariaDB: accounts without roles, roles_mapping, the process list', async () => {
    const sql = fakeSql([
      [/VERSION/, [{ version: '10.11.6-MariaDB' }]],
      [/is_role = 'Y'/, [{ user: 'iam_read' }]],
      [/information_schema\.VIEWS/, [{ object: 'billing.v', kind: 'view', definer: 'dev.patel@%' }, { object: 'billing.w', kind: 'view', definer: 'iam_read@' }]],
      [/mysql\.user/, [{ user: 'alice', plugin: 'AWSAuthenticationPlugin' }, { user: 'dbmaster', plugin: 'mysql_native_password' }]],
      [/roles_mapping/, [{ role: 'iam_admin', member: 'alice' }, { role: 'iam_read', member: 'dbmaster' }]],
      [/PROCESSLIST/, [{ id: 5, user: 'alice', client: '10.0.0.5:5123' }]],
    ]);
    expect(await mysqlCatalog(sql)).toEqual({
      iamUsers: ['alice'],
      existing: ['alice', 'dbmaster', 'iam_read'],
      canLogin: ['alice', 'dbmaster'],
      tierMembers: { iam_read: ['dbmaster'], iam_write: [], iam_admin: ['alice'] },
      marked: [],
      logins: [],
      mariadb: true,
      // A DEFINER is judged by its user name (a role's host is empty).
      definers: [{ object: 'billing.v', kind: 'view', definer: 'dev.patel' }, { object: 'billing.w', kind: 'view', definer: 'iam_read' }],
      sessions: [{ id: 5, user: 'alice', client: '10.0.0.5:5123' }],
    });
    expect(sql.ran.some((s) => s.includes("is_role = 'N'"))).toBe(true);
  });

  test('MySQL 8: role_edges', async () => {
    const sql = fakeSql([[/VERSION/, [{ version: '8.0.39' }]], [/role_edges/, [{ role: 'iam_write', member: 'bob' }]]]);
    expect((await mysqlCatalog(sql)).tierMembers.iam_write).toEqual(['bob']);
    expect(sql.ran.some((s) => s.includes('mysql.role_edges'))).toBe(true);
  });
});

describe('actions', () => {
  test('ends a PostgreSQL session by pid, as a parameter', async () => {
    const sql = fakeSql([[/pg_terminate_backend/, [{ ended: true }]]]);
    await terminatePostgres(sql, 42);
    expect(sql.ran).toEqual(['SELECT pg_terminate_backend($1) AS ended [42]']);
  });

  test('fails when PostgreSQL does not end the session', async () => {
    await expect(terminatePostgres(fakeSql([[/pg_terminate_backend/, [{ ended: false }]]]), 42)).rejects.toThrow(/did not end session 42/);
  });

  test('ends a MySQL connection with mysql.rds_kill, and with KILL where that procedure does not exist', async () => {
    const rds = fakeSql([]);
    await killMysql(rds, 5);
    expect(rds.ran).toEqual(['CALL mysql.rds_kill(?) [5]']);
    const plain = fakeSql([[/rds_kill/, Object.assign(new Error('PROCEDURE mysql.rds_kill does not exist'), { errno: 1305 })]]);
    await killMysql(plain, 5);
    expect(plain.ran).toEqual(['CALL mysql.rds_kill(?) [5]', 'KILL ? [5]']);
  });

  test('drops a left role in one transaction, what it owned going to iam_departed (never the login user), names quoted by the driver', async () => {
    const sql = fakeSql([[/nspname/, [{ nspname: 'public' }]]]);
    await dropPostgresRole(sql, 'dev"x', (name) => `"${name.replace(/"/g, '""')}"`);
    expect(sql.ran.filter((s) => !s.startsWith('SELECT'))).toEqual([
      'BEGIN', 'GRANT "dev""x" TO CURRENT_USER', 'GRANT "iam_departed" TO CURRENT_USER',
      // PostgreSQL asks CREATE of a function's new owner: held inside the transaction only.
      'GRANT CREATE ON SCHEMA "public" TO "iam_departed"', 'REASSIGN OWNED BY "dev""x" TO "iam_departed"', 'REVOKE CREATE ON SCHEMA "public" FROM "iam_departed"',
      'DROP OWNED BY "dev""x"', 'DROP ROLE "dev""x"', 'REVOKE "iam_departed" FROM CURRENT_USER', 'COMMIT',
    ]);
  });

  test('MariaDB: re-defines a view whose definer is gone to run as iam_read, and returns to no role', async () => {
    const sql = fakeSql([[/VIEW_DEFINITION/, [{ body: 'select count(*) AS `n` from `billing`.`invoices`', checkOption: 'NONE' }]]]);
    await redefineMysqlView(sql, 'billing.totals', (n) => `\`${n}\``);
    expect(sql.ran.slice(1)).toEqual([
      'SET ROLE `iam_read`',
      'CREATE OR REPLACE DEFINER = CURRENT_ROLE SQL SECURITY DEFINER VIEW `billing`.`totals` AS select count(*) AS `n` from `billing`.`invoices`',
      'SET ROLE NONE',
    ]);
  });

  test('fails when the role cannot be dropped, and rolls everything back', async () => {
    const sql = fakeSql([[/DROP ROLE/, new Error('role "dev" cannot be dropped because some objects depend on it')]]);
    await expect(dropPostgresRole(sql, 'dev', (n) => `"${n}"`)).rejects.toThrow(/cannot be dropped/);
    expect(sql.ran.at(-1)).toBe('ROLLBACK');
  });
});
