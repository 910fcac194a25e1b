/**
 * The audit's catalog queries and the few statements it may run, per engine. They take any
 * client that runs SQL with parameters, so the CLI brings the driver and tests bring rows.
 */
import { tierRoleName } from '../model/tiers';
import { TIERS } from '../model/types';
import { CatalogSnapshot, Session } from './findings';

export type Row = Readonly<Record<string, unknown>>;

/** Runs one statement with `$1`-style (PostgreSQL) or `?` (MySQL) parameters; resolves with its rows. */
export interface Sql {
  query(sql: string, params?: readonly unknown[]): Promise<readonly Row[]>;
}

const TIER_ROLES = TIERS.map(tierRoleName);
const strings = (rows: readonly Row[], column: string) => rows.map((r) => String(r[column]));

/** Groups `member` by `role` for the tier roles, leaving out tier roles themselves (the tiers nest). */
function tierMembers(rows: readonly Row[]): Record<string, string[]> {
  const out: Record<string, string[]> = Object.fromEntries(TIER_ROLES.map((r) => [r, []]));
  for (const row of rows) {
    const member = String(row.member);
    if (!TIER_ROLES.includes(member)) out[String(row.role)]?.push(member);
  }
  return out;
}

/** Reads a PostgreSQL server's roles, memberships and sessions (pg_roles, pg_auth_members, pg_stat_activity: readable by any login). */
export async function postgresCatalog(sql: Sql): Promise<CatalogSnapshot> {
  const [roles, members, sessions] = await Promise.all([
    sql.query(`SELECT rolname, rolcanlogin,
        EXISTS (SELECT 1 FROM unnest(rolconfig) c WHERE c = ANY ($1::text[])) AS marked
      FROM pg_catalog.pg_roles`, [TIER_ROLES.map((r) => `role=${r}`)]),
    sql.query(`SELECT g.rolname AS role, m.rolname AS member
      FROM pg_catalog.pg_auth_members a
      JOIN pg_catalog.pg_roles g ON g.oid = a.roleid JOIN pg_catalog.pg_roles m ON m.oid = a.member
      WHERE g.rolname = ANY ($1::text[])`, [['rds_iam', ...TIER_ROLES]]),
    sql.query(`SELECT pid, usename, client_addr::text AS client, to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since
      FROM pg_catalog.pg_stat_activity
      -- Without pg_read_all_stats (RDS's master has it through rds_superuser) backend_type reads as NULL.
      WHERE (backend_type = 'client backend' OR backend_type IS NULL) AND pid <> pg_backend_pid() AND usename IS NOT NULL`),
  ]);
  return {
    iamUsers: strings(members.filter((m) => m.role === 'rds_iam'), 'member'),
    existing: strings(roles, 'rolname'),
    canLogin: strings(roles.filter((r) => r.rolcanlogin === true), 'rolname'),
    tierMembers: tierMembers(members.filter((m) => m.role !== 'rds_iam')),
    marked: strings(roles.filter((r) => r.marked === true), 'rolname'),
    sessions: sessions.map((s): Session => ({
      id: Number(s.pid), user: String(s.usename),
      ...(s.client != null ? { client: String(s.client) } : {}), ...(s.since != null ? { since: String(s.since) } : {}),
    })),
  };
}

/** Reads a MySQL or MariaDB server's accounts, role grants and connections. */
export async function mysqlCatalog(sql: Sql): Promise<CatalogSnapshot> {
  const [version] = await sql.query('SELECT VERSION() AS version');
  const mariadb = /mariadb/i.test(String(version?.version));
  const [users, grants, sessions] = await Promise.all([
    // MariaDB lists roles in mysql.user too (is_role = 'Y'); they cannot log in.
    sql.query(mariadb ? "SELECT User AS user, plugin FROM mysql.user WHERE is_role = 'N'" : 'SELECT User AS user, plugin FROM mysql.user'),
    sql.query(mariadb
      ? 'SELECT Role AS role, User AS member FROM mysql.roles_mapping WHERE Role IN (?)'
      : 'SELECT FROM_USER AS role, TO_USER AS member FROM mysql.role_edges WHERE FROM_USER IN (?)', [TIER_ROLES]),
    sql.query(`SELECT ID AS id, USER AS user, HOST AS client FROM information_schema.PROCESSLIST
      WHERE ID <> CONNECTION_ID() AND USER NOT IN ('system user', 'event_scheduler', 'rdsadmin', 'unauthenticated user')`),
  ]);
  const accounts = strings(users, 'user');
  return {
    iamUsers: [...new Set(strings(users.filter((u) => u.plugin === 'AWSAuthenticationPlugin'), 'user'))],
    existing: accounts,
    canLogin: accounts,
    tierMembers: tierMembers(grants),
    marked: [],
    sessions: sessions.map((s): Session => ({ id: Number(s.id), user: String(s.user), ...(s.client ? { client: String(s.client) } : {}) })),
  };
}

/** Ends a PostgreSQL session (needs pg_signal_backend, which RDS's master has through rds_superuser). */
export async function terminatePostgres(sql: Sql, pid: number): Promise<void> {
  const [row] = await sql.query('SELECT pg_terminate_backend($1) AS ended', [pid]);
  if (row?.ended !== true) throw new Error(`PostgreSQL did not end session ${pid} (already gone, or not allowed)`);
}

/** Ends a MySQL connection: RDS's `mysql.rds_kill` where it exists (the master has no SUPER there), else KILL. */
export async function killMysql(sql: Sql, id: number): Promise<void> {
  try {
    await sql.query('CALL mysql.rds_kill(?)', [id]);
  } catch (error) {
    if ((error as { errno?: number }).errno !== 1305) throw error; // 1305: no such procedure
    await sql.query('KILL ?', [id]);
  }
}

/**
 * Drops a role a removal left behind, the way the provider would have: what it owns in this
 * database goes to the login user, its grants here go, then the role. One transaction, so a
 * failure (anything in another database still refers to it) changes nothing.
 * `quote` is the driver's identifier escaping.
 */
export async function dropPostgresRole(sql: Sql, role: string, quote: (identifier: string) => string): Promise<void> {
  const name = quote(role);
  await sql.query('BEGIN');
  try {
    // REASSIGN OWNED needs the privileges of the role whose objects move.
    await sql.query(`GRANT ${name} TO CURRENT_USER`);
    await sql.query(`REASSIGN OWNED BY ${name} TO CURRENT_USER`);
    await sql.query(`DROP OWNED BY ${name}`);
    await sql.query(`DROP ROLE ${name}`);
    await sql.query('COMMIT');
  } catch (error) {
    await sql.query('ROLLBACK');
    throw error;
  }
}
