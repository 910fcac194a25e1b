/**
 * The local RDS IAM sandbox: PostgreSQL and MariaDB servers that authenticate IAM database
 * users the way RDS does (a signed token, checked by tools/sandbox/checker.ts), the users
 * stacks applied to them, and an AWS profile per person and service holding temporary
 * credentials from the sandbox's STS. Runs as an ordinary user, never root; everything lives
 * in one private folder (`sandboxDir`, see private-dir.ts); `stopSandbox` removes it.
 */
import { spawn } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_ATTRIBUTE_KEY } from '../../lib/iam/policy';
import * as mysql from 'mysql2/promise';
import { AppConfig, engineFamily, isAurora, needsDefaultRole, roleNameOf, SERVICE_ROLE_PREFIX } from '../../lib/model/types';
import { readSynthesizedStacks, StackJson } from '../../lib/terraform/synthesized';
import { entryPointIds, withResourceIds } from '../../lib/terraform/interpolate';
import { readProjectData } from '../../lib/validation/data-file';
import { validateInputs } from '../../lib/validation/inputs';
import { projectCopy } from '../shared/project-copy';
import { preflight } from '../e2e/engines';
import {
  buildAuthenticationPlugin, Certificates, makeCertificates, RunningServer, ServerInfo, startMariadb, startPostgres,
} from '../e2e/servers';
import { Workspace } from '../e2e/workspace';
import { CheckerState, SandboxDatabase, SandboxPrincipal, SandboxSession } from './checker';
import { CHECKER_FILES, CheckerPorts } from './checker-daemon';
import { bindPrefix } from './ldap';
import { assertPrivateFolder, createPrivateFolder, preparePrivateParent, privateFolderProblem } from './private-dir';
import { issueSession } from './sts';
import { COMMAND_RUNNER } from '../shared/typescript-runner';
import { sync as writeFileAtomicSync } from 'write-file-atomic';

export { SANDBOX_DIR_ENV, sandboxDir } from './private-dir';

const ROOT = path.resolve(__dirname, '..', '..');
/** How long a service's role session lasts: AssumeRole's default. */
const SERVICE_SESSION_SECONDS = 3600;

/** What `npm run sandbox` keeps about a running sandbox, in `<dir>/sandbox.json`. */
export interface SandboxState {
  /** The checkout whose config.ts, users.ts and services.ts the sandbox applies. */
  readonly source: string;
  /** The project copy Terraform works in (its own state files, never the checkout's). */
  readonly project: string;
  readonly terraform: string;
  readonly pluginCache: string;
  readonly certs: Certificates;
  readonly servers: Readonly<Record<string, ServerInfo>>;
  readonly databases: Readonly<Record<string, SandboxDatabase>>;
  /** What `stop` ends, with the signal that ends each. */
  readonly processes: readonly SandboxProcess[];
  readonly ports: CheckerPorts;
}

/** A person or service the sandbox made a profile for, its current session, and where they may connect. */
export interface SandboxIdentity {
  readonly name: string;
  readonly kind: 'person' | 'service';
  readonly profile: string;
  /** Temporary credentials, as a permission-set (person) or role (service) session has. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** When they stop working (ISO 8601); `npm run sandbox` again issues new ones. */
  readonly expiration: string;
  readonly databases: readonly string[];
}

/** The files a user points their shell at, and who may do what. */
export interface SandboxSummary {
  readonly dir: string;
  /** `source` it: AWS_CONFIG_FILE, RDS_IAM_OUTPUTS and RDS_IAM_CA_BUNDLE for `npm run connect`. */
  readonly envFile: string;
  readonly identities: readonly SandboxIdentity[];
  readonly state: SandboxState;
}

export const SANDBOX_FILES = { state: 'sandbox.json', awsConfig: 'aws-config', outputs: 'outputs.json', env: 'env', identities: 'identities.json' } as const;

/** Why the sandbox will not run as this user, or undefined when it will. */
export function runsAsRoot(): string | undefined {
  return process.getuid?.() === 0
    ? 'the sandbox runs as an ordinary user, never root (PostgreSQL refuses root, and the sandbox needs no privilege); run it as yourself, e.g. runuser -u <user> -- npm run sandbox'
    : undefined;
}

/** A file of the sandbox's folder, read only once the folder has passed its checks. */
function readTrusted(dir: string, name: string): string | undefined {
  if (privateFolderProblem(dir) !== undefined) {
    // Nothing there to read, or nothing there to trust: a folder that is not ours is never read.
    if (fs.existsSync(dir)) assertPrivateFolder(dir);
    return undefined;
  }
  const file = path.join(dir, name);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

function readState(dir: string): SandboxState | undefined {
  const text = readTrusted(dir, SANDBOX_FILES.state);
  return text === undefined ? undefined : (JSON.parse(text) as SandboxState);
}

/** A process the sandbox started, and how to tell it from a later one that took its pid. */
export interface SandboxProcess {
  readonly what: string;
  readonly pid: number;
  readonly signal: NodeJS.Signals;
  /** When it started (Linux: /proc/<pid>/stat field 22, clock ticks since boot). @default - not recorded */
  readonly started?: string;
}

/** When `pid` started (field 22 of /proc/<pid>/stat), or undefined where that cannot be read. */
export function startTimeOf(pid: number): string | undefined {
  try {
    // The fields after the parenthesised command name, which may itself hold spaces and parentheses.
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** A process the sandbox started, as it records it. */
const started = (what: string, pid: number, signal: NodeJS.Signals): SandboxProcess => ({ what, pid, signal, ...(startTimeOf(pid) !== undefined ? { started: startTimeOf(pid) } : {}) });

/**
 * Whether the process runs: a zombie (exited, not yet reaped by its parent) does not, nor one
 * that took the pid later (a reboot, a recycled pid: its start time differs from the recorded one).
 */
export function processAlive(pid: number, startedAt?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Linux: the state follows the parenthesised command name.
    if (/\)\s+Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))) return false;
  } catch {
    return true;
  }
  return startedAt === undefined || startTimeOf(pid) === startedAt;
}

/** The running sandbox in `dir`, or undefined when there is none (or a part of it has died). */
export function runningSandbox(dir: string): SandboxState | undefined {
  const state = readState(dir);
  return state && state.processes.every((p) => processAlive(p.pid, p.started)) ? state : undefined;
}

/** Writes a file the daemon or a client may be reading: never half-written. */
const writeAtomically = (file: string, content: string): void => writeFileAtomicSync(file, content, { mode: 0o600 });

/** config.ts of `project`, read as data (never run); validateInputs checks it. */
const loadConfig = (project: string): AppConfig => readProjectData(project).config as AppConfig;

/**
 * Starts the sandbox for the checkout `source` (servers, checker, first apply), or, when one is
 * running, applies `source`'s users.ts and services.ts again. Returns why it cannot run
 * instead, in one line, when it runs as root or Terraform, a provider or the servers are missing.
 */
export async function startSandbox(dir: string, source: string, log: (line: string) => void): Promise<{ skipped: string } | { summary: SandboxSummary }> {
  const root = runsAsRoot();
  if (root) return { skipped: root };
  // Whatever this process creates is its user's alone, the servers' files too.
  process.umask(0o077);
  preparePrivateParent(dir);
  if (runningSandbox(dir)) return { summary: await applySandbox(dir, log) };
  stopSandbox(dir);
  const config = loadConfig(source);
  const targets = Object.entries(config.databases).map(([key, db]) => ({ key, db, family: engineFamily(db.engine) }));
  createPrivateFolder(dir);
  const ready = await preflight(dir, log);
  if ('skipped' in ready) {
    fs.rmSync(dir, { recursive: true, force: true });
    return ready;
  }
  const { terraform, pluginCache } = ready;
  const processes: SandboxProcess[] = [];
  const servers: Record<string, RunningServer> = {};
  const save = (extra: Partial<SandboxState>) => {
    const before = readState(dir) ?? { project: '', certs: {} as Certificates, databases: {}, ports: { sts: 0, ldap: 0 } };
    const state: SandboxState = { ...before, source, terraform, pluginCache, servers, processes, ...extra };
    writeAtomically(path.join(dir, SANDBOX_FILES.state), JSON.stringify(state, null, 2));
  };
  try {
    save({});
    const certs = makeCertificates(path.join(dir, 'tls'));
    const socket = path.join(dir, CHECKER_FILES.socket);
    const databases: Record<string, SandboxDatabase> = {};
    for (const { key, db } of targets) {
      const environment = config.environments[db.environment];
      // What RDS would have assigned: the ids the policies' references resolve to.
      const resourceId = `${isAurora(db.engine) ? 'cluster' : 'db'}-${randomBytes(16).toString('hex').slice(0, 26).toUpperCase()}`;
      databases[key] = { host: '127.0.0.1', port: 0, region: environment.region, account: environment.account, resourceId };
    }
    writeAtomically(path.join(dir, CHECKER_FILES.state), JSON.stringify({ databases, principals: {}, sessions: {} } satisfies CheckerState));
    const ports = await startChecker(dir, processes);
    save({ certs, ports });

    const pluginDir = targets.some((t) => t.family === 'mysql') ? buildAuthenticationPlugin(path.join(dir, 'plugin')) : '';
    const password = randomBytes(18).toString('base64url');
    for (const { key, db, family } of targets) {
      // Short: a Unix socket's path (the servers' are in these folders) may not pass 107 bytes.
      const serverDir = path.join(dir, `${family === 'postgres' ? 'pg' : 'my'}-${key}`);
      let server: RunningServer;
      if (family === 'postgres') {
        const ldap = { port: ports.ldap, ca: certs.ca, tlsPrefix: bindPrefix(key, 'tls'), plainPrefix: bindPrefix(key, 'tcp') };
        server = await startPostgres(serverDir, certs, [db.databaseName], password, ldap);
        processes.push(started(`PostgreSQL for ${key}`, server.pid, 'SIGQUIT'));
      } else {
        server = await startMariadb(serverDir, certs, [db.databaseName], password, pluginDir, { socket, database: key });
        processes.push(started(`MariaDB for ${key}`, server.pid, 'SIGKILL'));
      }
      servers[key] = server;
      databases[key] = { ...databases[key], host: server.host, port: server.port };
      save({ databases });
    }
    const project = projectCopy('project-', dir);
    fs.copyFileSync(path.join(source, 'config.ts'), path.join(project, 'config.ts'));
    save({ project });
    return { summary: await applySandbox(dir, log) };
  } catch (error) {
    stopSandbox(dir);
    throw error;
  }
}

/** Starts the checker daemon in the background; resolves with its ports once it listens. */
async function startChecker(dir: string, processes: SandboxProcess[]): Promise<CheckerPorts> {
  const out = fs.openSync(path.join(dir, 'checker.out'), 'a', 0o600);
  const child = spawn(process.execPath, [...COMMAND_RUNNER, path.join(__dirname, 'checker-daemon.ts'), dir], {
    cwd: ROOT, detached: true, stdio: ['ignore', out, out],
  });
  child.unref();
  fs.closeSync(out);
  processes.push(started('token checker', child.pid as number, 'SIGTERM'));
  const portFile = path.join(dir, CHECKER_FILES.ports);
  for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    if (fs.existsSync(portFile)) return JSON.parse(fs.readFileSync(portFile, 'utf8')) as CheckerPorts;
    if (child.exitCode !== null) break;
  }
  throw new Error(`the token checker did not start:\n${fs.readFileSync(path.join(dir, 'checker.out'), 'utf8').slice(-2000)}`);
}

/**
 * Applies the checkout's users.ts and services.ts to the running sandbox: synthesizes, runs
 * `terraform apply` on each users stack, then gives the checker the policies as synthesized
 * and a key per person and service (kept across applies; a removed one's key is forgotten).
 */
export async function applySandbox(dir: string, log: (line: string) => void): Promise<SandboxSummary> {
  const state = readState(dir);
  if (!state) throw new Error(`no sandbox in ${dir}: run npm run sandbox`);
  for (const file of ['users.ts', 'services.ts']) {
    const from = path.join(state.source, file);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(state.project, file));
    else fs.rmSync(path.join(state.project, file), { force: true });
  }
  const workspace = new Workspace(state, { dir: state.project, now: null });
  workspace.synth();
  const keys = Object.keys(state.databases);
  // One init at a time (they share the plugin cache), then the applies side by side.
  for (const key of keys) await workspace.stack(key).init();
  const runs = await Promise.all(keys.map((key) => workspace.stack(key).apply()));
  runs.forEach((run, i) => {
    if (run.status !== 0) throw new Error(`terraform apply of users-${keys[i]} failed:\n${run.stderr}${run.stdout}`);
  });
  const config = loadConfig(state.project);
  for (const key of keys) {
    if (state.servers[key].engine === 'mariadb' && !needsDefaultRole(config.databases[key].engine)) await activateGrantedRoles(state.servers[key]);
  }
  log(`applied users.ts and services.ts to ${keys.join(', ')}`);

  const data = readProjectData(state.project);
  const inputs = validateInputs({ config, users: data.users, services: data.services, now: new Date() });
  const stacks = readSynthesizedStacks(path.join(state.project, 'cdktf.out'));
  // A proxy or replica is not emulated: its id is a stand-in, so the policies still resolve.
  const resourceIds = Object.fromEntries(Object.entries(state.databases).flatMap(([key, db]) =>
    entryPointIds(key, config.databases[key]).map((id) => [id, id === key ? db.resourceId : `${id.endsWith('/proxy') ? 'prx' : 'db'}-SANDBOX${id.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`])));
  const resolve = (text: string) => JSON.parse(withResourceIds(text, resourceIds)) as unknown;
  const accountOf = (key: string) => state.databases[key].account;

  const now = new Date();
  const identities: SandboxIdentity[] = [];
  const issued: Record<string, SandboxSession> = {};
  /** A new session for `name`, as signing in (a person) or assuming the role (a service) gives. */
  const identity = (name: string, kind: SandboxIdentity['kind'], databases: string[], seconds: number): SandboxIdentity => {
    const { accessKeyId, session } = issueSession(name, now, seconds);
    issued[accessKeyId] = session;
    return { name, kind, profile: `sandbox-${name}`, accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken, expiration: session.expiration, databases };
  };
  // The permission set's session duration (PT1H … PT12H), as Identity Center gives it.
  const personSeconds = Number(/^PT(\d+)H$/.exec(config.identityCenter?.sessionDuration ?? 'PT1H')?.[1] ?? 1) * 3600;
  const principals: Record<string, SandboxPrincipal> = {};
  const permissionSet = permissionSetPolicies(stacks, resolve);
  const tagKey = config.identityCenter?.attributeKey ?? DEFAULT_ATTRIBUTE_KEY;
  // Identity Center's role for the permission set: one per account, the same for everyone.
  const ssoRole = `AWSReservedSSO_${permissionSet.name}_${createHash('sha256').update(permissionSet.name).digest('hex').slice(0, 16)}`;
  for (const person of inputs.validated.active) {
    const databases = [...person.access.keys()];
    principals[person.username] = {
      role: ssoRole,
      session: person.username, account: accountOf(databases[0]), tags: { [tagKey]: person.username }, policies: permissionSet.policies,
    };
    identities.push(identity(person.username, 'person', databases, personSeconds));
  }
  for (const service of inputs.services) {
    const databases = [...service.access.keys()];
    const role = 'arn' in service.role ? roleNameOf(service.role.arn) : `${SERVICE_ROLE_PREFIX}${service.name}`;
    const policy = Object.values(stacks[`services-${service.environmentKey}`]?.resource?.aws_iam_policy ?? {}).find((p) => p.name === `${SERVICE_ROLE_PREFIX}${service.name}-connect`);
    principals[service.name] = {
      role, session: 'sandbox', account: accountOf(databases[0]), tags: {},
      policies: policy ? [{ name: String(policy.name), document: resolve(String(policy.policy)) }] : [],
    };
    identities.push(identity(service.name, 'service', databases, SERVICE_SESSION_SECONDS));
  }
  // Earlier sessions work until they expire, as a session does after a new sign-in; a removed entry's end now.
  const earlier = JSON.parse(readTrusted(dir, CHECKER_FILES.state) ?? '{}') as Partial<CheckerState>;
  const kept = Object.entries(earlier.sessions ?? {}).filter(([, s]) => principals[s.principal] !== undefined && Date.parse(s.expiration) > now.getTime());
  const checker: CheckerState = { databases: state.databases, principals, sessions: { ...Object.fromEntries(kept), ...issued } };
  writeAtomically(path.join(dir, CHECKER_FILES.state), JSON.stringify(checker));
  writeAtomically(path.join(dir, SANDBOX_FILES.identities), JSON.stringify(identities, null, 2));
  return { dir, envFile: writeClientFiles(dir, state, config, identities), identities, state };
}

/**
 * MySQL 8 (RDS for MySQL, Aurora MySQL) activates every granted role at login; MariaDB, which
 * stands in for it here, activates only a default role. So each IAM user's granted tier role
 * becomes its default role, as the users stack itself does for RDS for MariaDB.
 */
async function activateGrantedRoles(server: ServerInfo): Promise<void> {
  const connection = await mysql.createConnection({ socketPath: server.socket, user: server.superuser, password: server.masterPassword });
  try {
    const [rows] = await connection.query(
      "SELECT m.User AS user, m.Host AS host, m.Role AS role FROM mysql.roles_mapping m JOIN mysql.user u ON u.User = m.User AND u.Host = m.Host WHERE u.plugin = 'AWSAuthenticationPlugin'",
    );
    for (const { user, host, role } of rows as { user: string; host: string; role: string }[]) {
      await connection.query('SET DEFAULT ROLE ? FOR ?@?', [role, user, host]);
    }
  } finally {
    await connection.end();
  }
}

/** The permission set's name and its policies as synthesized: inline, or customer-managed in each account. */
function permissionSetPolicies(stacks: Readonly<Record<string, StackJson>>, resolve: (text: string) => unknown): { name: string; policies: SandboxPrincipal['policies'] } {
  const ic = stacks['identity-center']?.resource ?? {};
  const name = String(Object.values(ic.aws_ssoadmin_permission_set ?? {})[0]?.name ?? 'DatabaseAccess');
  const inline = Object.values(ic.aws_ssoadmin_permission_set_inline_policy ?? {}).map((p) => ({ name, document: resolve(String(p.inline_policy)) }));
  const customerManaged = Object.entries(stacks)
    .filter(([id]) => id.startsWith('connect-policy-'))
    .flatMap(([id, stack]) => Object.values(stack.resource?.aws_iam_policy ?? {}).map((p) => ({ name: `${id}/${String(p.name)}`, document: resolve(String(p.policy)) })));
  return { name, policies: [...inline, ...customerManaged] };
}

/** The AWS config with each profile, the outputs `npm run connect` reads, and the env file naming both. */
function writeClientFiles(dir: string, state: SandboxState, config: AppConfig, identities: readonly SandboxIdentity[]): string {
  const awsConfig = path.join(dir, SANDBOX_FILES.awsConfig);
  writeAtomically(awsConfig, identities.map((i) => [
    `[profile ${i.profile}]`,
    `aws_access_key_id = ${i.accessKeyId}`,
    `aws_secret_access_key = ${i.secretAccessKey}`,
    `aws_session_token = ${i.sessionToken}`,
    `region = ${state.databases[i.databases[0]].region}`,
    // Only STS is called (by connect, to learn the user name); the sandbox answers it.
    `endpoint_url = http://127.0.0.1:${state.ports.sts}`,
    '',
  ].join('\n')).join('\n'));
  const outputs = Object.fromEntries(Object.entries(state.databases).map(([key, db]) => [`database-${key}`, {
    endpoint: db.host, port: db.port, resource_id: db.resourceId,
    ...(isAurora(config.databases[key].engine) ? { reader_endpoint: db.host } : {}),
  }]));
  writeAtomically(path.join(dir, SANDBOX_FILES.outputs), JSON.stringify(outputs, null, 2));
  const envFile = path.join(dir, SANDBOX_FILES.env);
  writeAtomically(envFile, [
    `export AWS_CONFIG_FILE='${awsConfig}'`,
    `export RDS_IAM_OUTPUTS='${path.join(dir, SANDBOX_FILES.outputs)}'`,
    `export RDS_IAM_CA_BUNDLE='${state.certs.ca}'`,
    '',
  ].join('\n'));
  return envFile;
}

/**
 * Stops everything the sandbox in `dir` started and removes the folder; false when there was
 * none. A folder that is not this user's private one is neither read nor removed.
 */
export function stopSandbox(dir: string): boolean {
  const state = readState(dir);
  // Only what is still the process it started: a pid taken since by another process of ours is left alone.
  const ours = (state?.processes ?? []).filter((p) => p.started !== undefined && processAlive(p.pid, p.started));
  for (const { pid, signal } of ours) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
  const until = Date.now() + 15_000;
  for (const { pid, started: at } of ours) {
    while (processAlive(pid, at) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    if (processAlive(pid, at)) process.kill(pid, 'SIGKILL');
  }
  if (!fs.existsSync(dir)) return false;
  fs.rmSync(dir, { recursive: true, force: true });
  // The folder of this user's sandboxes goes with the last of them.
  if (path.basename(path.dirname(dir)) === 'rds-iam-sandbox') {
    try {
      fs.rmdirSync(path.dirname(dir));
    } catch {
      // Another sandbox of this user's is still there.
    }
  }
  return state !== undefined;
}
