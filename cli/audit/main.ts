/**
 * `npm run audit [-- <database>…] [--json] [--terminate] [--drop-departed]`: compares each
 * database with users.ts and reports IAM users made by hand, declared people missing, tier
 * roles with members from elsewhere, roles removals left and sessions of people without
 * access. Exit code 0 as declared, 1 drift, 2 a database could not be audited.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { dropPostgresRole, killMysql, mysqlCatalog, postgresCatalog, redefineMysqlView, terminatePostgres } from '../../lib/audit/catalog';
import { auditFindings, declaredFor, Findings, hasDrift } from '../../lib/audit/findings';
import { clockFromEnv } from '../../lib/model/clock';
import { byCodeUnit } from '../../lib/model/order';
import type { AppConfig } from '../../lib/model/types';
import { readProjectData } from '../../lib/validation/data-file';
import { invalidEntriesFromEnv, ValidInputs, validateInputs } from '../../lib/validation/inputs';
import { runCommand, Write } from '../shared/command';
import { readOutputs } from '../shared/outputs';
import { CannotConnect, DatabaseLogin, loginFor, openDatabase } from './login';
import { AuditAction, auditJson, auditText, DatabaseAudit, exitCode, shown } from './report';

const USAGE = `Usage: npm run audit [-- <database>…] [options]

Compares each database (default: all in config.ts) with users.ts. Connects as the users
stack does: RDS_IAM_<KEY>_* overrides, else the endpoint and master secret of
cdktf-outputs.json.

Options:
  --terminate       end the open sessions of people without access
  --drop-departed   drop the PostgreSQL roles removals left (login already revoked), what
                    they owned going to iam_departed; on MariaDB, re-define views whose
                    definer is gone to run as iam_read
  --json            print JSON instead of text
  --outputs FILE    outputs of \`npm run deploy\` (default: cdktf-outputs.json)

Exit code: 0 as users.ts says, 1 something differs, 2 a database could not be audited.
`;

const ROOT = path.resolve(__dirname, '..', '..');

interface Options {
  readonly terminate: boolean;
  readonly dropDeparted: boolean;
}

/** Audits one database and takes the actions asked for; never throws. */
export async function auditDatabase(login: DatabaseLogin, inputs: ValidInputs, options: Options): Promise<DatabaseAudit> {
  let db;
  try {
    db = await openDatabase(login);
  } catch (error) {
    return { status: 'unreachable', error: (error as Error).message };
  }
  try {
    const { sql, quote } = db;
    const catalog = login.family === 'postgres' ? await postgresCatalog(sql) : await mysqlCatalog(sql);
    const declared = declaredFor(login.key, inputs.validated, [login.masterUser, login.user], inputs.services);
    const found = auditFindings(catalog, declared);
    const actions: AuditAction[] = [];
    /** Runs one action and records it, or why it failed (PostgreSQL's detail included); true when done. */
    const attempt = async (what: string, act: () => Promise<void>, done: AuditAction): Promise<boolean> => {
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
    const ended = new Set<number>();
    const dropped = new Set<string>();
    for (const session of options.terminate ? found.sessionsWithoutAccess : []) {
      const end = () => (login.family === 'postgres' ? terminatePostgres(sql, session.id) : killMysql(sql, session.id));
      if (await attempt(`end session ${session.id} of ${shown(session.user)}`, end, { action: 'ended-session', session })) ended.add(session.id);
    }
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
  } catch (error) {
    return { status: 'unreachable', error: `reading the catalog: ${(error as Error).message}` };
  } finally {
    await db.close().catch(() => undefined);
  }
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
  const entries = await Promise.all(keys.map(async (key): Promise<[string, DatabaseAudit]> => {
    try {
      return [key, await auditDatabase(loginFor(key, inputs, outputs, env), inputs, options)];
    } catch (error) {
      if (!(error instanceof CannotConnect)) throw error;
      return [key, { status: 'unreachable', error: error.message }];
    }
  }));
  const audits = Object.fromEntries(entries);
  write(values.json ? auditJson(audits) : auditText(audits));
  return exitCode(audits);
}

if (require.main === module) runCommand('audit', main, { usage: USAGE, failure: 2 });
