/**
 * Local PostgreSQL and MariaDB servers that behave like RDS where the users stacks can tell:
 * TLS required, a master user that is not a superuser, `rds_iam` (PostgreSQL) and
 * `AWSAuthenticationPlugin` (MariaDB). Each server runs on loopback on a free port, with its
 * own data directory under the harness's work folder, and is stopped by `stop()`.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** Debian packages the harness installs when a server or the plugin headers are missing. */
export const ENGINE_PACKAGES = ['postgresql', 'mariadb-server', 'mariadb-client', 'libmariadbd-dev', 'gcc', 'openssl'];

const HOST = '127.0.0.1';
const MARIADB_PLUGIN_HEADERS = '/usr/include/mariadb/server/mysql/plugin_auth.h';
/** All privileges, socket only, master password: how the tests read the catalogs. */
const MARIADB_CHECKER = 'e2e_checker';

/** The master user's grants on RDS for MySQL/MariaDB: much, but not SUPER. */
const RDS_MYSQL_MASTER_PRIVILEGES = [
  'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'RELOAD', 'PROCESS', 'REFERENCES', 'INDEX', 'ALTER',
  'SHOW DATABASES', 'CREATE TEMPORARY TABLES', 'LOCK TABLES', 'EXECUTE', 'REPLICATION SLAVE', 'REPLICATION CLIENT',
  'CREATE VIEW', 'SHOW VIEW', 'CREATE ROUTINE', 'ALTER ROUTINE', 'CREATE USER', 'EVENT', 'TRIGGER',
].join(', ');

export interface Certificates {
  /** CA that signed the servers' certificate (what `RDS_IAM_<KEY>_CA_BUNDLE` points at). */
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  /** A CA that signed nothing here: verifying against it must fail. */
  readonly otherCa: string;
}

export interface ServerInfo {
  readonly engine: 'postgres' | 'mariadb';
  readonly host: string;
  readonly port: number;
  /** The RDS-like master: the users stack logs in as it. */
  readonly masterUser: string;
  readonly masterPassword: string;
  /** Unix socket (MariaDB: the socket file; PostgreSQL: its folder) where the superuser logs in for checks. */
  readonly socket: string;
  /** Superuser for the tests' checks, on the socket (PostgreSQL: no password; MariaDB: the master password). */
  readonly superuser: string;
  readonly databases: readonly string[];
}

/** Where PostgreSQL sends an IAM user's password (the token): an LDAPS server on loopback (the sandbox's checker). */
export interface PostgresLdap {
  readonly port: number;
  /** The CA PostgreSQL verifies the LDAPS server's certificate with. */
  readonly ca: string;
  /** The bind DN before the user name, for logins over TLS and over plain TCP. */
  readonly tlsPrefix: string;
  readonly plainPrefix: string;
}

export interface RunningServer extends ServerInfo {
  /** The server process: what stops it from another process (the sandbox's `stop`). */
  readonly pid: number;
  stop(): void;
}

function which(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((v) => path.join(root, v, 'bin')).find((b) => fs.existsSync(path.join(b, 'initdb')));
  const onPath = which('initdb');
  return bin ?? (onPath ? path.dirname(onPath) : undefined);
}

function missingEngines(): string[] {
  const missing: string[] = [];
  if (!postgresBin()) missing.push('PostgreSQL server (initdb)');
  if (!which('mariadbd') && !fs.existsSync('/usr/sbin/mariadbd')) missing.push('MariaDB server (mariadbd)');
  if (!fs.existsSync(MARIADB_PLUGIN_HEADERS)) missing.push(`MariaDB plugin headers (${MARIADB_PLUGIN_HEADERS})`);
  if (!which('cc') && !which('gcc')) missing.push('a C compiler');
  if (!which('openssl')) missing.push('openssl');
  return missing;
}

/**
 * Installs the servers from Debian's packages where they are missing (as root, with apt-get).
 * Returns why they cannot be had, or undefined when everything is there.
 */
export function ensureEngines(log: (line: string) => void): string | undefined {
  let missing = missingEngines();
  if (missing.length === 0) return undefined;
  if (process.getuid?.() !== 0 || !which('apt-get')) {
    return `missing ${missing.join(', ')}; install Debian packages ${ENGINE_PACKAGES.join(' ')}`;
  }
  log(`installing ${ENGINE_PACKAGES.join(' ')} from Debian's packages (missing: ${missing.join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...ENGINE_PACKAGES], { encoding: 'utf8', env });
  missing = missingEngines();
  if (missing.length === 0) return undefined;
  return `missing ${missing.join(', ')} after apt-get install (${(install.stderr || '').trim().split('\n').pop()})`;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A CA and a server certificate for 127.0.0.1 and localhost, plus an unrelated CA. */
export function makeCertificates(dir: string): Certificates {
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  for (const ca of ['ca', 'other-ca']) {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=rds-iam-access e2e ${ca}`,
      '-keyout', file(`${ca}.key`), '-out', file(`${ca}.pem`));
  }
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', file('server.key'), '-out', file('server.csr'));
  fs.writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-days', '2', '-extfile', file('server.ext'), '-out', file('server.pem'));
  fs.chmodSync(file('server.key'), 0o600);
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key'), otherCa: file('other-ca.pem') };
}

async function waitFor(what: string, ready: () => boolean, logFile: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > until) {
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(`${what} did not start within ${timeoutMs / 1000} s:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs a command as `user` when we are root (initdb refuses root), else as ourselves. */
function asUser(user: string, command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
}

/**
 * PostgreSQL like RDS: TLS only (`hostssl`), a master with CREATEROLE, CREATEDB,
 * pg_monitor and pg_signal_backend that owns the databases but is no superuser, and an `rds_iam` role. Members of `rds_iam` are let in
 * over TLS without a password, standing in for a valid IAM token, so tests can log in as
 * people and see what their tier allows; with `ldap` (the sandbox) their password, the token,
 * goes to that LDAPS server instead, over TLS and over plain TCP alike, each with its DN prefix.
 */
export async function startPostgres(
  dir: string,
  certs: Certificates,
  databases: readonly string[],
  masterPassword: string,
  ldap?: PostgresLdap,
): Promise<RunningServer> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL server not installed');
  const superuser = process.getuid?.() === 0 ? 'postgres' : (process.env.USER ?? 'postgres');
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  fs.mkdirSync(dir, { recursive: true });
  // The server runs as its own user, which must own its files and read its key.
  const tls = path.join(dir, 'tls');
  fs.mkdirSync(tls);
  for (const [name, from] of [['server.pem', certs.cert], ['server.key', certs.key]]) fs.copyFileSync(from, path.join(tls, name));
  fs.chmodSync(path.join(tls, 'server.key'), 0o600);
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', `${superuser}:`, dir]);
  execFileSync(...asUser(superuser, path.join(bin, 'initdb'), ['-D', data, '-U', superuser, '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']), { stdio: 'pipe' });
  fs.writeFileSync(path.join(data, 'pg_hba.conf'), [
    `local all ${superuser} trust`,
    ...(ldap
      ? [['hostssl', ldap.tlsPrefix], ['hostnossl', ldap.plainPrefix]].map(([type, prefix]) =>
        `${type} all +rds_iam ${HOST}/32 ldap ldapscheme=ldaps ldapserver=${HOST} ldapport=${ldap.port} ldapprefix="${prefix}"`)
      : // Stands in for RDS accepting a valid IAM token (tokens are not checked here).
        [`hostssl all +rds_iam ${HOST}/32 trust`]),
    `hostssl all all ${HOST}/32 scram-sha-256`,
    // rds.force_ssl = 1: no plain-text connections.
    `host all all ${HOST}/32 reject`,
    '',
  ].join('\n'));
  const port = await freePort();
  const options = [
    `-c listen_addresses=${HOST}`, `-c port=${port}`, `-c unix_socket_directories=${dir}`, '-c ssl=on',
    `-c ssl_cert_file=${path.join(tls, 'server.pem')}`, `-c ssl_key_file=${path.join(tls, 'server.key')}`,
    '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=200',
  ].join(' ');
  // libldap verifies the LDAPS server against this CA only (LDAPTLS_* is its per-process configuration).
  const ldapEnv = ldap ? { env: { ...process.env, LDAPTLS_CACERT: ldap.ca, LDAPTLS_REQCERT: 'demand' } } : {};
  execFileSync(...asUser(superuser, path.join(bin, 'pg_ctl'), ['-D', data, '-l', logFile, '-o', options, '-w', '-t', '30', 'start']), { stdio: 'pipe', ...ldapEnv });
  const stop = () => {
    spawnSync(...asUser(superuser, path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']), { stdio: 'ignore' });
  };
  try {
    const sql = [
      'CREATE ROLE rds_iam NOLOGIN;',
      `CREATE ROLE dbmaster LOGIN CREATEROLE CREATEDB PASSWORD '${masterPassword}';`,
      // RDS's master sees and may end others' sessions: rds_superuser holds these.
      'GRANT pg_signal_backend, pg_monitor TO dbmaster;',
      ...databases.map((d) => `CREATE DATABASE "${d}" OWNER dbmaster;`),
    ].join('\n');
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-p', String(port), '-U', superuser, '-d', 'postgres'], { input: sql, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    stop();
    throw error;
  }
  const pid = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return { engine: 'postgres', host: HOST, port, masterUser: 'dbmaster', masterPassword, socket: dir, superuser, databases, pid, stop };
}

function compile(args: readonly string[]): void {
  execFileSync(which('cc') ?? 'gcc', ['-O2', '-Wall', '-Werror', ...args], { stdio: 'pipe' });
}

/** Builds the AWSAuthenticationPlugin stand-in into `dir`; returns the plugin folder. */
export function buildAuthenticationPlugin(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  // MYSQL_DYNAMIC_PLUGIN: declare a loadable plugin, not one linked into the server.
  compile(['-shared', '-fPIC', '-DMYSQL_DYNAMIC_PLUGIN', '-I/usr/include/mariadb/server', '-I/usr/include/mariadb',
    '-o', path.join(dir, 'aws_authentication.so'), path.join(__dirname, 'aws-authentication-plugin.c')]);
  return dir;
}

/** The sandbox's checker, for the AWSAuthenticationPlugin stand-in to hand logins to. */
export interface PluginChecker {
  readonly socket: string;
  /** The config.ts database key this server stands in for. */
  readonly database: string;
}

/**
 * MariaDB like RDS: `require_secure_transport=ON`, a master with RDS's master grants (no
 * SUPER) and `mysql.rds_kill`, the databases RDS would create at launch, and the
 * AWSAuthenticationPlugin stand-in: refusing every IAM login, or with `checker` (the sandbox)
 * handing each to it; the sandbox's server also outlives the process that started it.
 */
export async function startMariadb(
  dir: string,
  certs: Certificates,
  databases: readonly string[],
  masterPassword: string,
  pluginDir: string,
  checker?: PluginChecker,
): Promise<RunningServer> {
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const logFile = path.join(dir, 'server.log');
  fs.mkdirSync(data, { recursive: true });
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, ...asRoot, '--auth-root-authentication-method=socket', '--skip-test-db'], { stdio: 'pipe' });
  const port = await freePort();
  const child: ChildProcess = spawn(which('mariadbd') ?? '/usr/sbin/mariadbd', [
    '--no-defaults', `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, `--bind-address=${HOST}`, ...asRoot,
    `--pid-file=${path.join(dir, 'mysqld.pid')}`, `--log-error=${logFile}`, '--skip-name-resolve', '--skip-log-bin',
    `--ssl-cert=${certs.cert}`, `--ssl-key=${certs.key}`, `--ssl-ca=${certs.ca}`, '--require-secure-transport=ON',
    `--plugin-dir=${pluginDir}`, '--plugin-load-add=aws_authentication.so',
    '--innodb-buffer-pool-size=64M', '--innodb-flush-log-at-trx-commit=0', '--max-connections=500',
    ...(checker ? [`--awsauthenticationplugin-checker-socket=${checker.socket}`, `--awsauthenticationplugin-database=${checker.database}`] : []),
  ], { stdio: 'ignore', detached: !!checker });
  if (checker) child.unref();
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  try {
    await waitFor('MariaDB', () => fs.existsSync(socket) || child.exitCode !== null, logFile);
    if (child.exitCode !== null) throw new Error(`MariaDB exited:\n${fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : ''}`);
    const sql = [
      ...databases.map((d) => `CREATE DATABASE \`${d}\`;`),
      `CREATE USER 'dbmaster'@'%' IDENTIFIED BY '${masterPassword}';`,
      `GRANT ${RDS_MYSQL_MASTER_PRIVILEGES} ON *.* TO 'dbmaster'@'%' WITH GRANT OPTION;`,
      // RDS's master has no SUPER, so it ends others' connections through this procedure.
      'CREATE PROCEDURE mysql.rds_kill(IN thread BIGINT) SQL SECURITY DEFINER KILL thread;',
      "GRANT EXECUTE ON PROCEDURE mysql.rds_kill TO 'dbmaster'@'%';",
      // For the tests' catalog checks, on the socket only (root authenticates by unix_socket, which clients rarely speak).
      `CREATE USER '${MARIADB_CHECKER}'@'localhost' IDENTIFIED BY '${masterPassword}';`,
      `GRANT ALL PRIVILEGES ON *.* TO '${MARIADB_CHECKER}'@'localhost' WITH GRANT OPTION;`,
    ].join('\n');
    // mariadb-install-db lets the OS user that ran it in over the socket: root, or ourselves (the sandbox).
    const admin = process.getuid?.() === 0 ? 'root' : os.userInfo().username;
    execFileSync('mariadb', ['--no-defaults', `--socket=${socket}`, '-u', admin], { input: sql, stdio: ['pipe', 'pipe', 'pipe'] });
    const plugin = execFileSync('mariadb', ['--no-defaults', `--socket=${socket}`, '-u', admin, '-N', '-e',
      "SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'AWSAuthenticationPlugin'"], { encoding: 'utf8' }).trim();
    if (plugin !== 'ACTIVE') throw new Error(`AWSAuthenticationPlugin is not active (${plugin || 'not loaded'}):\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
  } catch (error) {
    stop();
    throw error;
  }
  return { engine: 'mariadb', host: HOST, port, masterUser: 'dbmaster', masterPassword, socket, superuser: MARIADB_CHECKER, databases, pid: child.pid as number, stop };
}
