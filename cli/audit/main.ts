/**
 * `npm run audit [-- <database>…] [--json] [--terminate] [--drop-departed]`: compares each
 * database with users.ts and reports IAM users made by hand, declared people missing, tier
 * roles with members from elsewhere, roles removals left and sessions of people without
 * access, those on each read replica too (sessions are per server). Exit code 0 as declared,
 * 1 drift, 2 a database or replica could not be audited.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { dropPostgresRole, killMysql, mysqlCatalog, postgresCatalog, redefineMysqlView, Sql, terminatePostgres } from '../../lib/audit/catalog';
import { auditFindings, CatalogSnapshot, DeclaredAccess, declaredFor, Findings, hasDrift, Session } from '../../lib/audit/findings';
import { clockFromEnv } from '../../lib/model/clock';
import { byCodeUnit } from '../../lib/model/order';
import type { AppConfig } from '../../lib/model/types';
import { readProjectData } from '../../lib/validation/data-file';
import { invalidEntriesFromEnv, ValidInputs, validateInputs } from '../../lib/validation/inputs';
import { runCommand, Write } from '../shared/command';
import { readOutputs, StackOutputs } from '../shared/outputs';
import { CannotConnect, DatabaseLogin, loginFor, OpenDatabase, openDatabase, replicaLoginsFor } from './login';
import { AuditAction, auditJson, auditText, DatabaseAudit, exitCode, ReplicaAudit, shown } from './report';

const USAGE = `Usage: npm run audit [-- <database>…] [options]

Compares each database (default: all in config.ts) with users.ts. Connects as the users
stack does: RDS_IAM_<KEY>_* overrides, else the endpoint and master secret of
cdktf-outputs.json; to each read replica too (its replica_endpoints there), for sessions.

Options:
  --terminate       end the open sessions of people without access (on replicas too)
  --drop-departed   drop the PostgreSQL roles removals left (login already revoked), what
                    they owned going to iam_departed; on MariaDB, re-define views whose
                    definer is gone to run as iam_read
  --json            print JSON instead of text
  --outputs FILE    outputs of \`npm run deploy\` (default: cdktf-outputs.json)

Exit code: 0 as users.ts says, 1 something differs, 2 a database or replica could not be audited.
`;

const ROOT = path.resolve(__dirname, '..', '..');

interface Options {
  readonly terminate: boolean;
  readonly dropDeparted: boolean;
}

/** Connects to a server: the driver, or a test's stand-in. */
export type Open = (login: DatabaseLogin) => Promise<OpenDatabase>;

/** Runs one action and records it in `actions`, or why it failed (PostgreSQL's detail included); true when done. */
function recorder(actions: AuditAction[]) {
  return async (what: string, act: () => Promise<void>, done: AuditAction): Promise<boolean> => {
    try {
      await act();
      actions.push(done);
      return true;
    } catch (error) {
      const detail = (error as { detail?: string }).detail;
      actions.push({ action: 'failed', what, error: `${(error as Error).message}${detail ? ` (${detail})` : ''}` });
      return false;
    }
  };
}

/** With --terminate, ends `sessions` on the server `sql` runs on; returns the ids ended. */
async function endSessions(login: DatabaseLogin, sql: Sql, sessions: readonly Session[], attempt: ReturnType<typeof recorder>): Promise<Set<number>> {
  const ended = new Set<number>();
  for (const session of sessions) {
    const end = () => (login.family === 'postgres' ? terminatePostgres(sql, session.id) : killMysql(sql, session.id));
    if (await attempt(`end session ${session.id} of ${shown(session.user)}`, end, { action: 'ended-session', session })) ended.add(session.id);
  }
  return ended;
}

/** The server's catalog, and how it differs from what users.ts and services.ts declare for `login.key`. */
async function findingsOn(login: DatabaseLogin, inputs: ValidInputs, sql: Sql): Promise<{ catalog: CatalogSnapshot; declared: DeclaredAccess; found: Findings }> {
  const catalog = login.family === 'postgres' ? await postgresCatalog(sql) : await mysqlCatalog(sql);
  const declared = declaredFor(login.key, inputs.validated, [login.masterUser, login.user], inputs.services);
  return { catalog, declared, found: auditFindings(catalog, declared) };
}

/** A database that could not be opened, or read: what the audit reports instead of findings. */
type Unreachable = { readonly status: 'unreachable'; readonly error: string };

/** Opens `login`, runs `work` on it and closes it; failing to open or to read makes it unreachable. Never throws. */
async function onDatabase<T>(login: DatabaseLogin, open: Open, work: (db: OpenDatabase) => Promise<T>): Promise<T | Unreachable> {
  let db: OpenDatabase;
  try {
    db = await open(login);
  } catch (error) {
    return { status: 'unreachable', error: (error as Error).message };
  }
  try {
    return await work(db);
  } catch (error) {
    return { status: 'unreachable', error: `reading the catalog: ${(error as Error).message}` };
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** Audits one database and takes the actions asked for; never throws. */
export async function auditDatabase(login: DatabaseLogin, inputs: ValidInputs, options: Options, open: Open = openDatabase): Promise<DatabaseAudit> {
  return onDatabase(login, open, async ({ sql, quote }): Promise<DatabaseAudit> => {
    const { catalog, declared, found } = await findingsOn(login, inputs, sql);
    const actions: AuditAction[] = [];
    const attempt = recorder(actions);
    const ended = await endSessions(login, sql, options.terminate ? found.sessionsWithoutAccess : [], attempt);
    const dropped = new Set<string>();
    for (const role of options.dropDeparted && login.family === 'postgres' ? found.leftBehind : []) {
      if (await attempt(`drop role ${shown(role)}`, () => dropPostgresRole(sql, role, quote), { action: 'dropped-role', role })) dropped.add(role);
    }
    const redefined = new Set<string>();
    const views = options.dropDeparted && login.family === 'mysql' && catalog.mariadb ? found.departedDefiners.filter((d) => d.kind === 'view') : [];
    for (const { object } of views) {
      if (await attempt(`re-define view ${shown(object)}`, () => redefineMysqlView(sql, object, quote), { action: 'redefined-view', view: object })) redefined.add(object);
    }
    // What the drops gave iam_departed still runs as it: read again, so it stays a finding until adopted.
    const definers = dropped.size > 0 ? (await postgresCatalog(sql)).definers : catalog.definers;
    const after = auditFindings({ ...catalog, definers }, declared);
    const findings: Findings = {
      ...found,
      sessionsWithoutAccess: found.sessionsWithoutAccess.filter((s) => !ended.has(s.id)),
      leftBehind: found.leftBehind.filter((r) => !dropped.has(r)),
      departedDefiners: after.departedDefiners.filter((d) => !(d.kind === 'view' && redefined.has(d.object))),
    };
    return {
      status: hasDrift(findings) ? 'drift' : 'clean',
      family: login.family,
      server: `${login.host}:${login.port} as ${login.user}`,
      findings,
      actions,
    };
  });
}

/**
 * Audits one read replica: its open sessions of people without access, ended with --terminate
 * (pg_terminate_backend and mysql.rds_kill work there for the master). Who has access is judged
 * on the replica's own catalog, the database's users and grants as replicated; what else differs
 * is the database's to report, and nothing is dropped or re-defined here (a replica is
 * read-only). Never throws.
 */
export async function auditReplica(login: DatabaseLogin, inputs: ValidInputs, options: Options, open: Open = openDatabase): Promise<ReplicaAudit> {
  return onDatabase(login, open, async ({ sql }): Promise<ReplicaAudit> => {
    const found = (await findingsOn(login, inputs, sql)).found.sessionsWithoutAccess;
    const actions: AuditAction[] = [];
    const ended = await endSessions(login, sql, options.terminate ? found : [], recorder(actions));
    const still = found.filter((s) => !ended.has(s.id));
    return { status: still.length > 0 ? 'drift' : 'clean', server: `${login.host}:${login.port} as ${login.user}`, findings: { sessionsWithoutAccess: still }, actions };
  });
}

/** Audits database `key` and each of its read replicas, side by side; never throws CannotConnect. */
export async function auditWithReplicas(
  key: string, inputs: ValidInputs, outputs: StackOutputs | undefined, env: NodeJS.ProcessEnv, options: Options, open: Open = openDatabase,
): Promise<DatabaseAudit> {
  const source = (async (): Promise<DatabaseAudit> => {
    try {
      return await auditDatabase(loginFor(key, inputs, outputs, env), inputs, options, open);
    } catch (error) {
      if (!(error instanceof CannotConnect)) throw error;
      return { status: 'unreachable', error: error.message };
    }
  })();
  const replicas = Promise.all(replicaLoginsFor(key, inputs, outputs, env).map(async (r): Promise<[string, ReplicaAudit]> => [
    r.name, 'login' in r ? await auditReplica(r.login, inputs, options, open) : { status: 'unreachable', error: r.error },
  ]));
  const [audit, entries] = await Promise.all([source, replicas]);
  if (entries.length === 0) return audit;
  const byName = Object.fromEntries(entries);
  if (audit.status === 'unreachable') return { ...audit, replicas: byName };
  const drift = audit.status === 'drift' || entries.some(([, r]) => r.status === 'drift');
  return { ...audit, status: drift ? 'drift' : 'clean', replicas: byName };
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, write: Write): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: 'boolean' }, terminate: { type: 'boolean' }, 'drop-departed': { type: 'boolean' },
      outputs: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    write(USAGE);
    return 0;
  }
  // config.ts is data like users.ts: read, never imported (so never run).
  const data = readProjectData(ROOT);
  const inputs = validateInputs({ config: data.config as AppConfig, users: data.users, services: data.services, now: clockFromEnv(env)(), env, invalidEntries: invalidEntriesFromEnv(env) });
  const keys = positionals.length > 0 ? positionals : Object.keys(inputs.config.databases).sort(byCodeUnit);
  const unknown = keys.filter((k) => !Object.prototype.hasOwnProperty.call(inputs.config.databases, k));
  if (unknown.length > 0) {
    throw new CannotConnect(`unknown database ${unknown.map((k) => JSON.stringify(k)).join(', ')}; config.ts has ${Object.keys(inputs.config.databases).sort(byCodeUnit).join(', ')}`);
  }
  const outputs = readOutputs(values.outputs, (message) => new CannotConnect(message));
  const options = { terminate: values.terminate === true, dropDeparted: values['drop-departed'] === true };
  const entries = await Promise.all(keys.map(async (key): Promise<[string, DatabaseAudit]> => [key, await auditWithReplicas(key, inputs, outputs, env, options)]));
  const audits = Object.fromEntries(entries);
  write(values.json ? auditJson(audits) : auditText(audits));
  return exitCode(audits);
}

if (require.main === module) runCommand('audit', main, { usage: USAGE, failure: 2 });
