import { ChildProcess, execFileSync, spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { processAlive, SANDBOX_FILES, SandboxIdentity, SandboxState } from '../../tools/sandbox/sandbox';
import { sandboxDir } from '../../tools/sandbox/private-dir';
import { CHECKER_FILES } from '../../tools/sandbox/checker-daemon';
import { login as sandboxLogin, LoginOutcome } from '../../tools/sandbox/login';
import { signToken, SigningKey } from '../../tools/sandbox/token';
import { UnprivilegedAccount, unprivilegedAccount } from '../../tools/sandbox/unprivileged';
import { pgAdmin, mysqlAdmin } from '../fixtures/engines';
import { commandRunnerIn } from '../../tools/shared/typescript-runner';
import { CONTEXT_ENV } from '../../tools/e2e/workspace';

/**
 * The sandbox as a user runs it: `npm run sandbox` as an ordinary account (nobody, when the
 * suite runs as root), then `npm run connect` and the official AWS CLI log in with tokens of
 * real length (temporary credentials with a session token), checked by the sandbox's checker,
 * on servers it started itself (not run.ts's); and the refusals RDS would give, each with the
 * checker's line naming the failed check.
 */

interface Run {
  readonly status: number | null;
  readonly out: string;
}

describe('the sandbox: run by an ordinary user, real-length tokens checked as RDS checks them', () => {
  let account: UnprivilegedAccount;
  // The checkout the user runs it in; its users.ts is edited below.
  let source = '';
  let dir = '';
  let state: SandboxState;
  let identities: readonly SandboxIdentity[] = [];
  let logRead = 0;
  // What another local user planted where the sandbox kept its state before, and the process it names.
  let planted = { file: '', text: '' };
  let bystander: ChildProcess;

  /** A command as the account, with its environment (and `env` on top), `input` on standard input. */
  function runAs(command: string, args: string[], env: Record<string, string> = {}, input = ''): Promise<Run> {
    return new Promise((resolve) => {
      const [file, argv] = account.command(command, args);
      const child = spawn(file, argv, { cwd: source, env: { ...account.env, ...env } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (status) => resolve({ status, out }));
      child.stdin.end(input);
    });
  }

  /** `npm run sandbox -- <args>` as the account, in its checkout. */
  const sandbox = (...args: string[]) => runAs(process.execPath, [...commandRunnerIn(source), path.join(source, 'tools/sandbox/main.ts'), ...args]);

  function readSandbox(): void {
    state = JSON.parse(fs.readFileSync(path.join(dir, SANDBOX_FILES.state), 'utf8')) as SandboxState;
    identities = JSON.parse(fs.readFileSync(path.join(dir, SANDBOX_FILES.identities), 'utf8')) as SandboxIdentity[];
  }

  beforeAll(async () => {
    // In the harness's work folder (removed at its end), which the account can traverse: the tests' own temporary folder is root's alone.
    account = unprivilegedAccount(path.dirname(process.env[CONTEXT_ENV] as string));
    source = account.checkout('checkout-');
    dir = sandboxDir(account.env, source);
    // The old location: <tmp>/rds-iam-sandbox-<hash of the checkout>, which anyone could create first.
    const old = path.join(account.env.TMPDIR as string, `rds-iam-sandbox-${createHash('sha256').update(source).digest('hex').slice(0, 8)}`);
    fs.mkdirSync(old, { mode: 0o777 });
    bystander = spawn('sleep', ['600'], { stdio: 'ignore' });
    planted = {
      file: path.join(old, 'sandbox.json'),
      text: JSON.stringify({ source: '/', project: '/', servers: {}, databases: {}, processes: [{ what: 'victim', pid: bystander.pid, signal: 'SIGKILL' }] }),
    };
    fs.writeFileSync(planted.file, planted.text);
    const started = await sandbox();
    if (started.status !== 0) throw new Error(`npm run sandbox failed:\n${started.out}`);
    readSandbox();
  });

  afterAll(async () => {
    if (fs.existsSync(dir)) await sandbox('stop');
    bystander?.kill('SIGKILL');
    account?.remove();
  });

  /** The checker's lines since the last call. */
  function newLogLines(): string[] {
    const text = fs.readFileSync(path.join(dir, CHECKER_FILES.log), 'utf8');
    const lines = text.slice(logRead).split('\n').filter(Boolean);
    logRead = text.length;
    return lines;
  }

  const identity = (name: string) => identities.find((i) => i.name === name)!;
  const database = (key: string) => state.databases[key];
  const server = (key: string) => state.servers[key];

  /** `npm run connect -- <args>` as `profile`, after `source <dir>/env`, SQL on standard input. */
  function connect(profile: string, args: string[], sql: string, env: Record<string, string> = {}): Promise<Run> {
    return runAs(process.execPath, [...commandRunnerIn(source), path.join(source, 'cli/connect/main.ts'), ...args], {
      AWS_PROFILE: profile, AWS_CONFIG_FILE: path.join(dir, 'aws-config'), RDS_IAM_OUTPUTS: path.join(dir, 'outputs.json'),
      RDS_IAM_CA_BUNDLE: state.certs.ca, ...env,
    }, sql);
  }

  /** A token for `dbUser` on `key` with `who`'s session credentials (or `key` given), signed at `signedAt` for `host`. */
  function tokenOf(who: string | SigningKey, key: string, dbUser: string, change: { signedAt?: Date; host?: string } = {}): Promise<string> {
    const { host, port, region } = database(key);
    return signToken({ host: change.host ?? host, port, dbUser, region, signedAt: change.signedAt ?? new Date() }, typeof who === 'string' ? identity(who) : who);
  }

  /** Logs in as `user` with `password` over verified TLS (plain TCP when `tls` is false). */
  function login(key: string, user: string, password: string, tls = true): Promise<LoginOutcome> {
    return sandboxLogin({ server: server(key), user, password, ...(tls ? { ca: fs.readFileSync(state.certs.ca, 'utf8') } : {}) });
  }

  test('runs as the ordinary account, in a folder and with sockets only it can reach, out of the shared temporary folder', () => {
    expect(state.processes.length).toBeGreaterThanOrEqual(4);
    for (const { pid } of state.processes) {
      expect(fs.readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\s+${account.uid}\\s`, 'm'));
    }
    expect(dir.startsWith(path.join(account.home, '.cache', 'rds-iam-sandbox'))).toBe(true);
    const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
    expect([mode(dir), mode(path.dirname(dir)), mode(path.join(dir, CHECKER_FILES.socket))]).toEqual(['700', '700', '600']);
    expect(fs.statSync(dir).uid).toBe(account.uid);
    // What was planted at the old location was never read: the process it names still runs, the file is as written.
    expect(processAlive(bystander.pid as number)).toBe(true);
    expect(fs.readFileSync(planted.file, 'utf8')).toBe(planted.text);
  });

  test('each profile holds temporary credentials with a session token, so tokens are of real length (1,000+ characters)', async () => {
    for (const i of identities) expect([i.name, i.accessKeyId.slice(0, 4), i.sessionToken.length > 700, Date.parse(i.expiration) > Date.now()]).toEqual([i.name, 'ASIA', true, true]);
    expect(fs.readFileSync(path.join(dir, 'aws-config'), 'utf8')).toMatch(/^aws_session_token = .{900,}$/m);
    expect((await tokenOf('alice.ng', 'orders', 'alice.ng')).length).toBeGreaterThanOrEqual(1000);
  });

  test('npm run connect as each person and service opens a session as them on every database they are granted, TLS verified against the sandbox CA', async () => {
    newLogLines();
    const runs = identities.flatMap((i) => i.databases.map(async (key) => {
      const isPostgres = server(key).engine === 'postgres';
      // psql: the session's user (people then work as their tier role); mysql: the account.
      const sql = isPostgres ? "SELECT 'who=' || session_user;\n" : "SELECT CONCAT('who=', CURRENT_USER());\n";
      const { status, out } = await connect(i.profile, [key, ...(i.kind === 'service' ? ['--user', i.name] : [])], sql);
      return [i.name, key, status, /who=([\w.@%-]+)/.exec(out)?.[1] ?? out.slice(-300)];
    }));
    const results = await Promise.all(runs);
    expect(results.map((r) => r.join(' '))).toEqual(identities.flatMap((i) => i.databases.map((key) => {
      const who = server(key).engine === 'postgres' ? i.name : `${i.name}@%`;
      return [i.name, key, 0, who].join(' ');
    })));
    expect(results.length).toBeGreaterThan(8);
    const accepted = newLogLines().filter((l) => / accepted /.test(l));
    expect(accepted).toHaveLength(results.length);
  });

  const awsCli = (() => {
    try {
      execFileSync('aws', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  (awsCli ? test : test.skip)("a token from the official AWS CLI (aws rds generate-db-auth-token with a sandbox profile) logs in through psql and MariaDB's client", async () => {
    newLogLines();
    const ca = state.certs.ca;
    const token = (key: string) => execFileSync('aws', ['rds', 'generate-db-auth-token', '--hostname', database(key).host, '--port', String(database(key).port),
      '--region', database(key).region, '--username', 'alice.ng'], { encoding: 'utf8', env: { ...process.env, AWS_CONFIG_FILE: path.join(dir, 'aws-config'), AWS_PROFILE: 'sandbox-alice.ng' } }).trim();
    const forOrders = token('orders');
    expect(forOrders.length).toBeGreaterThanOrEqual(1000);
    expect(forOrders).toMatch(/X-Amz-Security-Token=/);
    const psql = execFileSync('psql', ['-X', '-A', '-t', '-c', 'SELECT session_user',
      `host=${database('orders').host} port=${database('orders').port} user=alice.ng dbname=orders sslmode=verify-full sslrootcert=${ca}`],
    { encoding: 'utf8', env: { ...process.env, PGPASSWORD: forOrders } });
    expect(psql.trim()).toBe('alice.ng');
    const billing = server('billing');
    const mariadb = execFileSync('mariadb', ['--no-defaults', '-h', database('billing').host, '-P', String(database('billing').port), `--ssl-ca=${ca}`, '--ssl-verify-server-cert',
      '-u', 'alice.ng', '-N', '-e', 'SELECT CURRENT_USER()', billing.databases[0]], { encoding: 'utf8', env: { ...process.env, MYSQL_PWD: token('billing') } });
    expect(mariadb.trim()).toBe('alice.ng@%');
    expect(newLogLines().filter((l) => / accepted database=(orders|billing) user="alice.ng"/.test(l))).toHaveLength(2);
  });

  test('connect fails when the server certificate is not signed by the CA it verifies against', async () => {
    const { status, out } = await connect(identity('alice.ng').profile, ['orders'], 'SELECT 1;\n', { RDS_IAM_CA_BUNDLE: state.certs.otherCa });
    expect(status).not.toBe(0);
    expect(out).toMatch(/certificate verify failed/);
  });

  test('refused where users.ts gives the person nothing: there is no database user (the catalogs agree)', async () => {
    // carla.mendes has billing only; bob.kowalski has no billing.
    expect(await login('orders', 'carla.mendes', await tokenOf('carla.mendes', 'orders', 'carla.mendes'))).toEqual({ refused: expect.stringMatching(/authentication failed for user "carla.mendes"/) });
    expect(await login('billing', 'bob.kowalski', await tokenOf('bob.kowalski', 'billing', 'bob.kowalski'))).toEqual({ refused: expect.stringMatching(/Access denied for user 'bob.kowalski'/) });
    expect(await pgAdmin(server('orders'), 'orders', "SELECT rolname FROM pg_roles WHERE rolname = 'carla.mendes'")).toEqual([]);
    expect(await mysqlAdmin(server('billing'), "SELECT User FROM mysql.user WHERE User = 'bob.kowalski'")).toEqual([]);
  });

  test("refused when signing as someone else's user name: the policy allows only one's own tag", async () => {
    newLogLines();
    expect(await login('orders', 'bob.kowalski', await tokenOf('alice.ng', 'orders', 'bob.kowalski'))).toHaveProperty('refused');
    expect(await login('billing', 'dev.patel', await tokenOf('alice.ng', 'billing', 'dev.patel'))).toHaveProperty('refused');
    const lines = newLogLines();
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/ refused database=(orders|billing) user="(bob.kowalski|dev.patel)" principal="alice.ng" check=policy: rds-db:connect on arn:aws:rds-db:eu-west-1:123456789012:dbuser:(db|cluster)-\w+\/(bob.kowalski|dev.patel): ImplicitlyDenied/);
  });

  test('refused with a token signed 16 minutes ago, accepted with one signed 14 minutes ago', async () => {
    newLogLines();
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    for (const key of ['orders', 'billing']) {
      expect(await login(key, 'alice.ng', await tokenOf('alice.ng', key, 'alice.ng', { signedAt: ago(16) }))).toHaveProperty('refused');
      expect(await login(key, 'alice.ng', await tokenOf('alice.ng', key, 'alice.ng', { signedAt: ago(14) }))).toHaveProperty('value');
    }
    const lines = newLogLines();
    expect(lines.filter((l) => / check=expiry: expired at /.test(l))).toHaveLength(2);
    expect(lines.filter((l) => / accepted /.test(l))).toHaveLength(2);
  });

  test('refused with a token dated 2 minutes ahead (beyond the 60-second skew), on both engines', async () => {
    newLogLines();
    for (const key of ['orders', 'billing']) {
      expect(await login(key, 'alice.ng', await tokenOf('alice.ng', key, 'alice.ng', { signedAt: new Date(Date.now() + 120_000) }))).toHaveProperty('refused');
    }
    expect(newLogLines()).toEqual([expect.stringMatching(/database=orders .* check=expiry: signed in the future/), expect.stringMatching(/database=billing .* check=expiry: signed in the future/)]);
  });

  test('refused with a session token the sandbox did not issue, and with a session token on a long-term key, on both engines', async () => {
    newLogLines();
    const alice = identity('alice.ng');
    const made: SigningKey = { ...alice, sessionToken: Buffer.alloc(720, 9).toString('base64') };
    const longTerm: SigningKey = { ...alice, accessKeyId: alice.accessKeyId.replace(/^ASIA/, 'AKIA') };
    for (const key of ['orders', 'billing']) {
      expect(await login(key, 'alice.ng', await tokenOf(made, key, 'alice.ng'))).toHaveProperty('refused');
      expect(await login(key, 'alice.ng', await tokenOf(longTerm, key, 'alice.ng'))).toHaveProperty('refused');
    }
    const lines = newLogLines();
    expect(lines.filter((l) => / check=session: the session token is not the one issued with ASIA/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => / check=session: long-term key AKIA\w+ carries a session token/.test(l))).toHaveLength(2);
  });

  test('refused with a token for another spelling of the endpoint (0x7f.1, 127.1, localhost), though it is the same address', async () => {
    newLogLines();
    for (const host of ['0x7f.1', '127.1', 'localhost']) {
      for (const key of ['orders', 'billing']) expect(await login(key, 'alice.ng', await tokenOf('alice.ng', key, 'alice.ng', { host }))).toHaveProperty('refused');
    }
    const lines = newLogLines();
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(line).toMatch(/ check=endpoint: signed for (0x7f\.1|127\.1|localhost):\d+ in eu-west-1, the database is 127\.0\.0\.1:/);
  });

  test('refused over plain TCP: the checker refuses before reading the token (PostgreSQL), MariaDB refuses the connection', async () => {
    newLogLines();
    expect(await login('orders', 'alice.ng', await tokenOf('alice.ng', 'orders', 'alice.ng'), false)).toEqual({ refused: expect.stringMatching(/LDAP authentication failed/) });
    expect(newLogLines()).toEqual([expect.stringMatching(/ refused database=orders user="alice.ng" check=transport: plain TCP/)]);
    expect(await login('billing', 'alice.ng', await tokenOf('alice.ng', 'billing', 'alice.ng'), false)).toEqual({ refused: expect.stringMatching(/Access denied for user 'alice.ng'/) });
  });

  test('a removed person is refused after the next apply: out of rds_iam (PostgreSQL), dropped (MariaDB), their session forgotten', async () => {
    const oldOrders = await tokenOf('dev.patel', 'orders', 'dev.patel');
    const oldBilling = await tokenOf('dev.patel', 'billing', 'dev.patel');
    const aliceBefore = await tokenOf('alice.ng', 'orders', 'alice.ng');
    expect(await login('orders', 'dev.patel', oldOrders)).toEqual({ value: 'dev.patel' });
    const usersFile = path.join(source, 'users.ts');
    fs.writeFileSync(usersFile, fs.readFileSync(usersFile, 'utf8').replace(/^.*username: 'dev\.patel'.*\n/m, ''));
    const before = identity('alice.ng');
    const again = await sandbox();
    expect(again.status).toBe(0);
    readSandbox();
    expect(identities.map((i) => i.name)).not.toContain('dev.patel');
    // Everyone else signs in again: a new session, while the earlier one works until it expires.
    expect(identity('alice.ng').accessKeyId).not.toBe(before.accessKeyId);
    expect(await login('orders', 'alice.ng', aliceBefore)).toEqual({ value: 'alice.ng' });
    expect(await login('orders', 'dev.patel', oldOrders)).toEqual({ refused: expect.stringMatching(/authentication failed for user "dev.patel"/) });
    expect(await login('billing', 'dev.patel', oldBilling)).toEqual({ refused: expect.stringMatching(/Access denied for user 'dev.patel'/) });
    // PostgreSQL leaves the role (no password) for the audit to drop, out of rds_iam and its tier.
    const memberships = "SELECT count(*)::int AS n FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'dev.patel'";
    expect(await pgAdmin(server('orders'), 'orders', memberships)).toEqual([{ n: 0 }]);
    expect(await mysqlAdmin(server('billing'), "SELECT User FROM mysql.user WHERE User = 'dev.patel'")).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'aws-config'), 'utf8')).not.toMatch(/dev\.patel/);
  });

  test('stop ends every process it started and removes its socket and folder; the planted state is still untouched', async () => {
    const { processes } = state;
    const { status, out } = await sandbox('stop');
    expect([status, out]).toEqual([0, expect.stringMatching(/stopped; removed/)]);
    expect(processes.filter((p) => processAlive(p.pid))).toEqual([]);
    expect(fs.existsSync(path.join(dir, CHECKER_FILES.socket))).toBe(false);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.existsSync(path.join(account.home, '.cache', 'rds-iam-sandbox'))).toBe(false);
    expect(processAlive(bystander.pid as number)).toBe(true);
    expect(fs.readFileSync(planted.file, 'utf8')).toBe(planted.text);
  });
});
