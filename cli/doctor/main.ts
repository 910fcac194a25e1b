/**
 * `npm run doctor -- <database> [--user NAME] [--profile P] [--json]`: why can't this person
 * (or service) log in? Checks the chain a login needs, in order (the lists, what deploys, the
 * caller, the database, the client), and stops at the first broken link with what is wrong and
 * the fix. Exit 0 only when every link holds, a real login with a fresh token included.
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
import type { AppConfig } from '../../lib/model/types';
import type { StackJson } from '../../lib/terraform/synthesized';
import { rdsCaBundleFile } from '../../lib/tls/rds-ca-bundle';
import { ProjectData, readProjectData } from '../../lib/validation/data-file';
import { parsePort } from '../../lib/validation/host';
import { ValidationError } from '../../lib/validation/problems';
import { ConnectTarget, resolveTarget, ssoUsernameFromArn } from '../connect/connect';
import { CommandError, runCommand, Write } from '../shared/command';
import { readOutputs, StackOutputs } from '../shared/outputs';
import { checkClient, ClientRunner, processRunner } from './client';
import { databaseProbes, stsFor } from './probes';

const USAGE = `Usage:
  npm run doctor -- <database> [--user NAME] [--profile P] [--json]

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
      help: { type: 'boolean', short: 'h' },
    },
  });
  const database = positionals[0];
  if (values.help || !database || positionals.length > 1) {
    write(USAGE);
    return values.help ? 0 : 1;
  }
  const port = values.port === undefined ? undefined : parsePort(values.port);
  if (values.port !== undefined && port === undefined) throw new CommandError(`--port ${JSON.stringify(values.port)} is not a port number (1-65535)`);
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
  const regionOf = (config: unknown): string | undefined => {
    const c = config as Partial<AppConfig> | undefined;
    const environment = c?.databases?.[database]?.environment;
    return environment === undefined ? undefined : c?.environments?.[environment]?.region;
  };
  const region = regionOf(data?.config) ?? 'us-east-1';
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
      deployed = await checkDeploys(link, { listed: listed!, database, stacks, resourceIds: resourceIdsOf(outputs), simulate: deps.simulate });
    },
    caller: async (link) => {
      try {
        target = resolveTarget({ database, user, host: values.host, port }, listed!.inputs.config, outputs);
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

/** Database key → resource id, from the outputs file. */
function resourceIdsOf(outputs: StackOutputs | undefined): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const [stack, values] of Object.entries(outputs ?? {})) {
    const key = /^database-(.+)$/.exec(stack)?.[1];
    if (key && typeof values.resource_id === 'string') ids[key] = values.resource_id;
  }
  return ids;
}

function readCa(file: string): { file: string; pem: string } | { file: string; missing: string } {
  try {
    return { file, pem: fs.readFileSync(file, 'utf8') };
  } catch (error) {
    return { file, missing: (error as Error).message };
  }
}

if (require.main === module) runCommand('doctor', main, { usage: USAGE });
