/**
 * The audit's catalog queries and the few statements it may run, per engine. They take any
 * client that runs SQL with parameters, so the CLI brings the driver and tests bring rows.
 */
import { tierRoleName } from '../model/tiers';
import { TIERS } from '../model/types';
import { CatalogSnapshot, DefinerObject, Session } from './findings';
import { DEPARTED_ROLE, PASSWORD_NEVER_VALID } from './markers';

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

/**
 * Reads a PostgreSQL server's roles, memberships, sessions (pg_roles, pg_auth_members,
 * pg_stat_activity: readable by any login) and the SECURITY DEFINER functions of the audited database.
 */
export async function postgresCatalog(sql: Sql): Promise<CatalogSnapshot> {
  const [roles, members, sessions, definers] = await Promise.all([
    sql.query(`SELECT rolname, rolcanlogin, rolsuper,
        rolname <> ALL ($2::text[]) AND (EXISTS (SELECT 1 FROM pg_catalog.unnest(rolconfig) c WHERE c = ANY ($1::text[]))
          OR rolvaliduntil = $3::timestamptz) AS marked
      FROM pg_catalog.pg_roles`, [TIER_ROLES.map((r) => `role=${r}`), [...TIER_ROLES, DEPARTED_ROLE], PASSWORD_NEVER_VALID]),
    sql.query(`SELECT g.rolname AS role, m.rolname AS member
      FROM pg_catalog.pg_auth_members a
      JOIN pg_catalog.pg_roles g ON g.oid = a.roleid JOIN pg_catalog.pg_roles m ON m.oid = a.member
      WHERE g.rolname = ANY ($1::text[])`, [['rds_iam', ...TIER_ROLES]]),
    sql.query(`SELECT pid, usename, client_addr::text AS client, pg_catalog.to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since
      FROM pg_catalog.pg_stat_activity
      -- Without pg_read_all_stats (RDS's master has it through rds_superuser) backend_type reads as NULL.
      WHERE (backend_type = 'client backend' OR backend_type IS NULL) AND pid <> pg_backend_pid() AND usename IS NOT NULL`),
    sql.query(`SELECT n.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' AS object, CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END AS kind,
        pg_catalog.pg_get_userbyid(p.proowner) AS definer,
        -- A tier that does not hold the owner's rights may run it (PUBLIC's EXECUTE counts).
        EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = ANY ($1::text[]) AND r.oid <> p.proowner
          AND NOT pg_catalog.pg_has_role(r.oid, p.proowner, 'USAGE') AND pg_catalog.has_function_privilege(r.oid, p.oid, 'EXECUTE')) AS lower_tiers_run
      FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`, [TIER_ROLES]),
  ]);
  return {
    iamUsers: strings(members.filter((m) => m.role === 'rds_iam'), 'member'),
    existing: strings(roles, 'rolname'),
    canLogin: strings(roles.filter((r) => r.rolcanlogin === true), 'rolname'),
    tierMembers: tierMembers(members.filter((m) => m.role !== 'rds_iam')),
    marked: strings(roles.filter((r) => r.marked === true), 'rolname'),
    logins: strings(roles.filter((r) => r.rolcanlogin === true && r.rolsuper !== true), 'rolname'),
    definers: definers.map(definerObject),
    sessions: sessions.map((s): Session => ({
      id: Number(s.pid), user: String(s.usename),
      ...(s.client != null ? { client: String(s.client) } : {}), ...(s.since != null ? { since: String(s.since) } : {}),
    })),
  };
}

const definerObject = (r: Row): DefinerObject => ({
  object: String(r.object), kind: String(r.kind), definer: String(r.definer), ...(r.lower_tiers_run === true || r.lower_tiers_run === 1 ? { lowerTiersRun: true } : {}),
});

/** A MySQL DEFINER (`user@host`) as its user name: the user part, up to the last `@`. */
function definerUser(definer: string): string {
  const at = definer.lastIndexOf('@');
  return at < 0 ? definer : definer.slice(0, at);
}

/** Reads a MySQL or MariaDB server's accounts, role grants, connections and objects that run as their definer. */
export async function mysqlCatalog(sql: Sql): Promise<CatalogSnapshot> {
  const [version] = await sql.query('SELECT VERSION() AS version');
  const mariadb = /mariadb/i.test(String(version?.version));
  const SYSTEM = "('mysql', 'sys', 'information_schema', 'performance_schema')";
  const [users, roles, grants, sessions, definers] = await Promise.all([
    // MariaDB lists roles in mysql.user too (is_role = 'Y'); they cannot log in.
    sql.query(mariadb ? "SELECT User AS user, plugin FROM mysql.user WHERE is_role = 'N'" : 'SELECT User AS user, plugin FROM mysql.user'),
    // A role may be a DEFINER on MariaDB (what --drop-departed makes of a leaver's view).
    sql.query(mariadb ? "SELECT User AS user FROM mysql.user WHERE is_role = 'Y'" : 'SELECT 1 AS user FROM DUAL WHERE FALSE'),
    sql.query(mariadb
      ? 'SELECT Role AS role, User AS member FROM mysql.roles_mapping WHERE Role IN (?)'
      : 'SELECT FROM_USER AS role, TO_USER AS member FROM mysql.role_edges WHERE FROM_USER IN (?)', [TIER_ROLES]),
    sql.query(`SELECT ID AS id, USER AS user, HOST AS client FROM information_schema.PROCESSLIST
      WHERE ID <> CONNECTION_ID() AND USER NOT IN ('system user', 'event_scheduler', 'rdsadmin', 'unauthenticated user')`),
    // lower_tiers_run: it runs as its definer for whoever sets it off (a view or routine SQL SECURITY DEFINER, any trigger or event).
    sql.query(`SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) AS object, 'view' AS kind, DEFINER AS definer, SECURITY_TYPE = 'DEFINER' AS lower_tiers_run FROM information_schema.VIEWS WHERE TABLE_SCHEMA NOT IN ${SYSTEM}
      UNION ALL SELECT CONCAT(ROUTINE_SCHEMA, '.', ROUTINE_NAME), LOWER(ROUTINE_TYPE), DEFINER, SECURITY_TYPE = 'DEFINER' FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA NOT IN ${SYSTEM}
      UNION ALL SELECT CONCAT(TRIGGER_SCHEMA, '.', TRIGGER_NAME), 'trigger', DEFINER, 1 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA NOT IN ${SYSTEM}
      UNION ALL SELECT CONCAT(EVENT_SCHEMA, '.', EVENT_NAME), 'event', DEFINER, 1 FROM information_schema.EVENTS WHERE EVENT_SCHEMA NOT IN ${SYSTEM}`),
  ]);
  const accounts = strings(users, 'user');
  return {
    iamUsers: [...new Set(strings(users.filter((u) => u.plugin === 'AWSAuthenticationPlugin'), 'user'))],
    existing: [...accounts, ...strings(roles, 'user')],
    canLogin: accounts,
    tierMembers: tierMembers(grants),
    marked: [],
    logins: [],
    mariadb,
    definers: definers.map((r) => ({ ...definerObject(r), definer: definerUser(String(r.definer)) })),
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
 * Drops a role a removal left behind: what it owns in this database goes to iam_departed (the
 * powerless owner, never the login user: a SECURITY DEFINER function would then run as the
 * master), its grants here go, then the role. One transaction, so a failure (anything in
 * another database still refers to it) changes nothing. The login user holds the two roles
 * and iam_departed holds CREATE on the schemas of what moves (PostgreSQL asks that of a new
 * owner of functions and the like) only inside it. `quote` is the driver's identifier escaping.
 */
export async function dropPostgresRole(sql: Sql, role: string, quote: (identifier: string) => string): Promise<void> {
  const name = quote(role);
  const departed = quote(DEPARTED_ROLE);
  await sql.query('BEGIN');
  try {
    // REASSIGN OWNED needs the privileges of both roles; granted here, gone at COMMIT unless held before.
    const held = await sql.query(`SELECT r.rolname FROM pg_catalog.pg_roles r
      WHERE r.rolname = ANY ($1::text[]) AND pg_catalog.pg_has_role(CURRENT_USER, r.oid, 'USAGE')`, [[role, DEPARTED_ROLE]]);
    const granted = [role, DEPARTED_ROLE].filter((r) => !held.some((h) => h.rolname === r));
    for (const r of granted) await sql.query(`GRANT ${quote(r)} TO CURRENT_USER`);
    const schemas = strings(await sql.query(`SELECT DISTINCT n.nspname FROM pg_catalog.pg_namespace n JOIN (
        SELECT pronamespace AS ns, proowner AS owner FROM pg_catalog.pg_proc UNION ALL SELECT oprnamespace, oprowner FROM pg_catalog.pg_operator
        UNION ALL SELECT collnamespace, collowner FROM pg_catalog.pg_collation UNION ALL SELECT connamespace, conowner FROM pg_catalog.pg_conversion
        UNION ALL SELECT opcnamespace, opcowner FROM pg_catalog.pg_opclass UNION ALL SELECT opfnamespace, opfowner FROM pg_catalog.pg_opfamily
        UNION ALL SELECT stxnamespace, stxowner FROM pg_catalog.pg_statistic_ext UNION ALL SELECT dictnamespace, dictowner FROM pg_catalog.pg_ts_dict
        UNION ALL SELECT cfgnamespace, cfgowner FROM pg_catalog.pg_ts_config) o ON o.ns = n.oid
      WHERE o.owner = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1)
        AND NOT pg_catalog.has_schema_privilege($2, n.oid, 'CREATE')`, [role, DEPARTED_ROLE]), 'nspname');
    for (const s of schemas) await sql.query(`GRANT CREATE ON SCHEMA ${quote(s)} TO ${departed}`);
    await sql.query(`REASSIGN OWNED BY ${name} TO ${departed}`);
    for (const s of schemas) await sql.query(`REVOKE CREATE ON SCHEMA ${quote(s)} FROM ${departed}`);
    await sql.query(`DROP OWNED BY ${name}`);
    await sql.query(`DROP ROLE ${name}`);
    if (granted.includes(DEPARTED_ROLE)) await sql.query(`REVOKE ${departed} FROM CURRENT_USER`);
    await sql.query('COMMIT');
  } catch (error) {
    await sql.query('ROLLBACK');
    throw error;
  }
}

/**
 * MariaDB: re-defines a view whose DEFINER no longer exists (a dropped leaver) to run as the
 * read tier role, the least a person had: it works again for every tier and shows no more than
 * the read tier sees. The login user holds the tier roles (it made them), so no SUPER is needed.
 */
export async function redefineMysqlView(sql: Sql, view: string, quote: (identifier: string) => string): Promise<void> {
  const dot = view.indexOf('.');
  const [schema, name] = [view.slice(0, dot), view.slice(dot + 1)];
  const [row] = await sql.query('SELECT VIEW_DEFINITION AS body, CHECK_OPTION AS checkOption FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [schema, name]);
  if (row === undefined) throw new Error(`no view ${view}`);
  const check = row.checkOption === 'NONE' || row.checkOption == null ? '' : ` WITH ${String(row.checkOption)} CHECK OPTION`;
  await sql.query(`SET ROLE ${quote(tierRoleName('read'))}`);
  try {
    await sql.query(`CREATE OR REPLACE DEFINER = CURRENT_ROLE SQL SECURITY DEFINER VIEW ${quote(schema)}.${quote(name)} AS ${String(row.body)}${check}`);
  } finally {
    await sql.query('SET ROLE NONE');
  }
}
