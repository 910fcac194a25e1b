/**
 * `npm run doctor -- <database> [--user NAME] [--profile P] [--json] [--proxy | --replica N]`:
 * why can't this person (or service) log in? Checks the chain a login needs, in order (the
 * lists, what deploys, the caller, the database, the client), and stops at the first broken link
 * with what is wrong and the fix. Exit 0 only when every link holds, a real login with a fresh
 * token included. `--proxy` and `--replica N` check the way in `connect` takes with them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { checkCaller, credentialProblem, Sts } from '../../lib/doctor/caller';
import { DoctorReport, formatReport, Link, runChain } from '../../lib/doctor/chain';
import { checkDatabase, DatabaseProbes } from '../../lib/doctor/database';
import { checkDeploys, Deployed } from '../../lib/doctor/deploys';
import { checkLists, Listed } from '../../lib/doctor/lists';
import { Simulate, simulateConnect } from '../../lib/iam/simulate';
import { clockFromEnv } from '../../lib/model/clock';
import type { AppConfig, DatabaseConfig } from '../../lib/model/types';
import type { StackJson } from '../../lib/terraform/synthesized';
import { rdsCaBundleFile } from '../../lib/tls/rds-ca-bundle';
import { ProjectData, readProjectData } from '../../lib/validation/data-file';
import { parsePort } from '../../lib/validation/host';
import { ValidationError } from '../../lib/validation/problems';
import { ConnectTarget, resolveTarget, ssoUsernameFromArn } from '../connect/connect';
import { CommandError, runCommand, Write } from '../shared/command';
import { OtherWayIn, otherWayIn } from '../shared/entry-point';
import { readOutputs, StackOutputs } from '../shared/outputs';
import { checkClient, ClientRunner, processRunner } from './client';
import { databaseProbes, stsFor } from './probes';

const USAGE = `Usage:
  npm run doctor -- <database> [--user NAME] [--profile P] [--json] [--proxy | --replica N]

Checks, in order, every link a login to <database> needs, and stops at the first broken one
with what is wrong and the fix: the lists (an entry, access, expiry, validation), what deploys
(the policy, simulated; the database user), the caller (credentials, STS identity, session
name, account, region), the database (endpoint, TLS against the CA, the database user and its
tier, a real login with a fresh token) and the client (installed, flags, token length, a login
as connect starts it). Exit 0 only when all hold.

Options:
  --user NAME      who to check (default: RDS_IAM_USER, else the session name of your AWS session)
  --profile P      AWS profile to sign with (default: AWS_PROFILE)
  --json           the report as JSON, for tools
  --outputs FILE   outputs of \`npm run deploy\` (default: RDS_IAM_OUTPUTS, else cdktf-outputs.json)
  --proxy          through the database's RDS Proxy, as connect --proxy: its endpoint, its prx- id
                   in the policy, a login through it
  --replica N      read replica N (1, 2, …), as connect --replica N: its endpoint, its db- id and
                   region in the policy, a login to it
  --host H         RDS endpoint, instead of the outputs file   --port N   its port
  --ca PATH        CA bundle (default: RDS_IAM_CA_BUNDLE, else the RDS bundle this project ships)
  --project DIR    the checkout whose config.ts, users.ts and services.ts to read (default: this one)
`;

const ROOT = path.resolve(__dirname, '..', '..');

/** What the doctor reaches outside the process through; tests hand in their own. */
export interface DoctorDeps {
  readonly sts: (region: string, profile: string | undefined) => Sts;
  /** The project's data synthesized by this process's code (cli/shared/revision.ts). */
  readonly synthesize: (data: ProjectData, env: NodeJS.ProcessEnv) => Promise<Record<string, StackJson>>;
  readonly simulate: Simulate;
  readonly probes: (options: Parameters<typeof databaseProbes>[0]) => DatabaseProbes;
  readonly runner: ClientRunner;
}

export const processDeps: DoctorDeps = {
  sts: stsFor,
  // Loaded only here: synthesis brings cdktf along.
  synthesize: (data, env) => (require('../shared/revision') as typeof import('../shared/revision')).synthesizeData(data, env),
  simulate: simulateConnect,
  probes: databaseProbes,
  runner: processRunner,
};

/** `env` also gives the PATH the client is looked up on. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, write: Write, deps: DoctorDeps = processDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      user: { type: 'string' }, profile: { type: 'string' }, json: { type: 'boolean' }, outputs: { type: 'string' },
      host: { type: 'string' }, port: { type: 'string' }, ca: { type: 'string' }, project: { type: 'string' },
      proxy: { type: 'boolean' }, replica: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const database = positionals[0];
  if (values.help || !database || positionals.length > 1) {
    write(USAGE);
    return values.help ? 0 : 1;
  }
  const port = values.port === undefined ? undefined : parsePort(values.port);
  if (values.port !== undefined && port === undefined) throw new CommandError(`--port ${JSON.stringify(values.port)} is not a port number (1-65535)`);
  const replica = values.replica === undefined ? undefined : Number(values.replica);
  if (replica !== undefined && !/^[1-9]\d*$/.test(values.replica ?? '')) throw new CommandError(`--replica ${JSON.stringify(values.replica)} is not a replica number (1, 2, …)`);
  const profile = values.profile ?? (env.AWS_PROFILE || undefined);
  const now = clockFromEnv(env)();
  const project = path.resolve(values.project ?? ROOT);
  let data: ProjectData | undefined;
  let unreadable: string | undefined;
  try {
    data = readProjectData(project);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    unreadable = error.message;
  }
  const outputs = readOutputs(values.outputs ?? (env.RDS_IAM_OUTPUTS || undefined), (message) => new CommandError(message));
  const config = data?.config as Partial<AppConfig> | undefined;
  const entry = config?.databases && Object.prototype.hasOwnProperty.call(config.databases, database) ? config.databases[database] : undefined;
  // As connect chooses it, and refused as connect refuses it; an unknown database is the lists link's to name.
  const way = typeof entry === 'object' && entry !== null
    ? otherWayIn({ database, proxy: values.proxy, replica }, entry as DatabaseConfig, outputs?.[`database-${database}`] ?? {}, (message) => new CommandError(message), 'run doctor')
    : undefined;
  const environment = way?.environment ?? entry?.environment;
  const region = (environment === undefined ? undefined : config?.environments?.[environment]?.region) ?? 'us-east-1';
  const sts = deps.sts(region, profile);
  const user = values.user ?? (env.RDS_IAM_USER || undefined) ?? (await sessionName(sts, profile));

  let listed: Listed | undefined;
  let deployed: Deployed | undefined;
  let target: ConnectTarget | { missing: string } | undefined;
  let probes: DatabaseProbes | undefined;
  const caFile = values.ca ?? (env.RDS_IAM_CA_BUNDLE || undefined) ?? rdsCaBundleFile();
  const report = await runChain({ database, user }, {
    lists: async (link) => {
      if (!data) return link.fail('validation', `the data files cannot be read as data:\n${unreadable}`, 'fix what is listed, in a pull request');
      listed = await checkLists(link, { data, database, user, now, env });
    },
    deploys: async (link) => {
      const stacks = await deps.synthesize(data!, env);
      deployed = await checkDeploys(link, { listed: listed!, database, stacks, resourceIds: resourceIdsOf(outputs), simulate: deps.simulate, ...(way ? { entryPoint: way } : {}) });
    },
    caller: async (link) => {
      try {
        target = way && way.host === undefined && values.host === undefined
          ? { missing: notDeployed(database, way) }
          : resolveTarget({ database, user, host: values.host, port, proxy: values.proxy, replica }, listed!.inputs.config, outputs);
      } catch (error) {
        if (!(error instanceof CommandError)) throw error;
        target = { missing: error.message };
      }
      await checkCaller(link, { sts, profile, listed: listed!, deployed: deployed!, host: 'host' in target ? target.host : undefined, now });
    },
    database: async (link) => {
      const endpoint = target && 'host' in target ? target : undefined;
      const ca = readCa(caFile);
      probes = deps.probes({ target: endpoint!, inputs: listed!.inputs, outputs, env, profile, ca: 'pem' in ca ? ca.pem : '' });
      await checkDatabase(link, {
        listed: listed!, database,
        endpoint: endpoint ? { family: endpoint.family, host: endpoint.host, port: endpoint.port, dbname: endpoint.dbname } : { missing: (target as { missing: string }).missing },
        ca,
        probes,
        ...(way ? { entryPoint: way } : {}),
      });
    },
    client: async (link: Link) => {
      await checkClient(link, { target: target as ConnectTarget, caFile, env, runner: deps.runner, token: () => probes!.token() });
    },
  }, () => listed?.kind);
  write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return exitCode(report);
}

export function exitCode(report: DoctorReport): number {
  return report.ok ? 0 : 1;
}

/** The user name of a permission-set session, or a CommandError saying how to give one. */
async function sessionName(sts: Sts, profile: string | undefined): Promise<string> {
  let arn: string;
  try {
    arn = (await sts.identity()).arn;
  } catch (error) {
    const { wrong, fix } = credentialProblem(error, profile);
    throw new CommandError(`who are you? Your AWS session could not tell: ${wrong}. Fix: ${fix}; or pass --user <name> to check the lists anyway.`);
  }
  const name = ssoUsernameFromArn(arn);
  if (!name) throw new CommandError(`who are you? ${arn} is not an Identity Center permission-set session: pass --user <your user name, or the service's name>.`);
  return name;
}

/**
 * Resource ids from the outputs file, named as entryPointIds names them: `<key>` the database's,
 * `<key>/proxy` its proxy's, `<key>/replica-<n>` its replicas'.
 */
export function resourceIdsOf(outputs: StackOutputs | undefined): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const [stack, values] of Object.entries(outputs ?? {})) {
    const key = /^database-(.+)$/.exec(stack)?.[1];
    if (!key) continue;
    if (typeof values.resource_id === 'string') ids[key] = values.resource_id;
    if (typeof values.proxy_resource_id === 'string') ids[`${key}/proxy`] = values.proxy_resource_id;
    (Array.isArray(values.replica_resource_ids) ? values.replica_resource_ids : []).forEach((id, i) => {
      if (typeof id === 'string') ids[`${key}/replica-${i + 1}`] = id;
    });
  }
  return ids;
}

/** Why a proxy or replica has no endpoint yet: the output it would be in. */
function notDeployed(database: string, way: OtherWayIn): string {
  const output = way.name === 'proxy' ? 'proxy_endpoint' : `replica_endpoints (item ${way.name.slice('replica-'.length)})`;
  return `No endpoint known for ${database}'s ${way.label.replace(/^the /, '')}: the outputs file has no ${output} for database-${database}; ` +
    `deploy database-${database} (npm run deploy -- database-${database}) and use the outputs file it writes, or pass --host <its endpoint>.`;
}

function readCa(file: string): { file: string; pem: string } | { file: string; missing: string } {
  try {
    return { file, pem: fs.readFileSync(file, 'utf8') };
  } catch (error) {
    return { file, missing: (error as Error).message };
  }
}

if (require.main === module) runCommand('doctor', main, { usage: USAGE });
