import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { projectCopy } from '../../tools/shared/project-copy';
import { pamUnavailable, processAlive, SandboxSummary, startSandbox, stopSandbox } from '../../tools/sandbox/sandbox';
import { login as sandboxLogin, LoginOutcome } from '../../tools/sandbox/login';
import { signToken } from '../../tools/sandbox/token';
import { CONTEXT_ENV } from '../../tools/e2e/workspace';
import { pgAdmin, mysqlAdmin } from '../fixtures/engines';
import { COMMAND_RUNNER } from '../../tools/shared/typescript-runner';

/**
 * The sandbox as a user runs it: `npm run connect` logs in with a real signed token, checked
 * by the sandbox's checker, on servers it started itself (not run.ts's); and the refusals RDS
 * would give, each with the checker's line naming the failed check.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const unavailable = pamUnavailable();
if (unavailable) process.stdout.write(`e2e: sandbox tests skipped: ${unavailable}\n`);

(unavailable ? describe.skip : describe)('the sandbox: real tokens, checked as RDS checks them', () => {
  // The checkout a user would run it in; its users.ts is edited below.
  let source = '';
  // In the harness's work folder: the servers' own users must reach it (the tests' temporary folder is private).
  const dir = path.join(path.dirname(process.env[CONTEXT_ENV] as string), 'sandbox');
  let sandbox: SandboxSummary;
  let logRead = 0;

  beforeAll(async () => {
    source = projectCopy('sandbox-source-');
    const outcome = await startSandbox(dir, source, () => undefined);
    if ('skipped' in outcome) throw new Error(`the sandbox did not start: ${outcome.skipped}`);
    sandbox = outcome.summary;
  });

  afterAll(() => {
    stopSandbox(dir);
    fs.rmSync(source, { recursive: true, force: true });
  });

  /** The checker's lines since the last call. */
  function newLogLines(): string[] {
    const text = fs.readFileSync(path.join(dir, 'checker.log'), 'utf8');
    const lines = text.slice(logRead).split('\n').filter(Boolean);
    logRead = text.length;
    return lines;
  }

  const identity = (name: string) => sandbox.identities.find((i) => i.name === name)!;
  const database = (key: string) => sandbox.state.databases[key];
  const server = (key: string) => sandbox.state.servers[key];

  /** `npm run connect -- <args>` as `profile`, with the sandbox's env file, SQL on standard input. */
  function connect(profile: string, args: string[], sql: string, env: Record<string, string> = {}): Promise<{ status: number | null; out: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [...COMMAND_RUNNER, 'cli/connect/main.ts', ...args], {
        cwd: ROOT,
        env: {
          ...process.env, AWS_PROFILE: profile, AWS_CONFIG_FILE: path.join(dir, 'aws-config'), RDS_IAM_OUTPUTS: path.join(dir, 'outputs.json'),
          RDS_IAM_CA_BUNDLE: sandbox.state.certs.ca, ...env,
        },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (status) => resolve({ status, out }));
      child.stdin.end(sql);
    });
  }

  /** A token for `dbUser` on `key`, signed with `who`'s sandbox key at `signedAt`. */
  function tokenOf(who: string, key: string, dbUser: string, signedAt = new Date()): Promise<string> {
    const { host, port, region } = database(key);
    return signToken({ host, port, dbUser, region, signedAt }, identity(who));
  }

  /** Logs in as `user` with `password` over verified TLS (plain TCP when `tls` is false). */
  function login(key: string, user: string, password: string, tls = true): Promise<LoginOutcome> {
    return sandboxLogin({ server: server(key), user, password, ...(tls ? { ca: fs.readFileSync(sandbox.state.certs.ca, 'utf8') } : {}) });
  }

  test('npm run connect as each person and service opens a session as them on every database they are granted, TLS verified against the sandbox CA', async () => {
    newLogLines();
    const runs = sandbox.identities.flatMap((i) => i.databases.map(async (key) => {
      const isPostgres = server(key).engine === 'postgres';
      // psql: the session's user (people then work as their tier role); mysql: the account.
      const sql = isPostgres ? "SELECT 'who=' || session_user;\n" : "SELECT CONCAT('who=', CURRENT_USER());\n";
      const { status, out } = await connect(i.profile, [key, ...(i.kind === 'service' ? ['--user', i.name] : [])], sql);
      return [i.name, key, status, /who=([\w.@%-]+)/.exec(out)?.[1] ?? out.slice(-300)];
    }));
    const results = await Promise.all(runs);
    expect(results.map((r) => r.join(' '))).toEqual(sandbox.identities.flatMap((i) => i.databases.map((key) => {
      const who = server(key).engine === 'postgres' ? i.name : `${i.name}@%`;
      return [i.name, key, 0, who].join(' ');
    })));
    expect(results.length).toBeGreaterThan(8);
    const accepted = newLogLines().filter((l) => / accepted /.test(l));
    expect(accepted).toHaveLength(results.length);
  });

  test('connect fails when the server certificate is not signed by the CA it verifies against', async () => {
    const { status, out } = await connect(identity('alice.ng').profile, ['orders'], 'SELECT 1;\n', { RDS_IAM_CA_BUNDLE: sandbox.state.certs.otherCa });
    expect(status).not.toBe(0);
    expect(out).toMatch(/certificate verify failed/);
  });

  test("refused where users.ts gives the person nothing: there is no database user (the catalogs agree)", async () => {
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
      expect(await login(key, 'alice.ng', await tokenOf('alice.ng', key, 'alice.ng', ago(16)))).toHaveProperty('refused');
      expect(await login(key, 'alice.ng', await tokenOf('alice.ng', key, 'alice.ng', ago(14)))).toHaveProperty('value');
    }
    const lines = newLogLines();
    expect(lines.filter((l) => / check=expiry: expired at /.test(l))).toHaveLength(2);
    expect(lines.filter((l) => / accepted /.test(l))).toHaveLength(2);
  });

  test('refused over plain TCP: PostgreSQL never asks for the token, MariaDB refuses the connection', async () => {
    newLogLines();
    expect(await login('orders', 'alice.ng', await tokenOf('alice.ng', 'orders', 'alice.ng'), false)).toEqual({ refused: expect.stringMatching(/PAM authentication failed/) });
    expect(newLogLines()).toEqual([expect.stringMatching(/ refused database=orders user="alice.ng" check=transport: plain TCP/)]);
    expect(await login('billing', 'alice.ng', await tokenOf('alice.ng', 'billing', 'alice.ng'), false)).toEqual({ refused: expect.stringMatching(/Access denied for user 'alice.ng'/) });
  });

  test('a removed person is refused after the next apply: out of rds_iam (PostgreSQL), dropped (MariaDB), their key forgotten', async () => {
    const oldOrders = await tokenOf('dev.patel', 'orders', 'dev.patel');
    const oldBilling = await tokenOf('dev.patel', 'billing', 'dev.patel');
    expect(await login('orders', 'dev.patel', oldOrders)).toEqual({ value: 'dev.patel' });
    const usersFile = path.join(source, 'users.ts');
    fs.writeFileSync(usersFile, fs.readFileSync(usersFile, 'utf8').replace(/^.*username: 'dev\.patel'.*\n/m, ''));
    const again = await startSandbox(dir, source, () => undefined);
    if ('skipped' in again) throw new Error(again.skipped);
    expect(again.summary.identities.map((i) => i.name)).not.toContain('dev.patel');
    // Everyone else keeps their key across applies.
    expect(again.summary.identities.find((i) => i.name === 'alice.ng')!.accessKeyId).toBe(identity('alice.ng').accessKeyId);
    expect(await login('orders', 'dev.patel', oldOrders)).toEqual({ refused: expect.stringMatching(/authentication failed for user "dev.patel"/) });
    expect(await login('billing', 'dev.patel', oldBilling)).toEqual({ refused: expect.stringMatching(/Access denied for user 'dev.patel'/) });
    // PostgreSQL leaves the role (no password) for the audit to drop, out of rds_iam and its tier.
    const memberships = "SELECT count(*)::int AS n FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'dev.patel'";
    expect(await pgAdmin(server('orders'), 'orders', memberships)).toEqual([{ n: 0 }]);
    expect(await mysqlAdmin(server('billing'), "SELECT User FROM mysql.user WHERE User = 'dev.patel'")).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'aws-config'), 'utf8')).not.toMatch(/dev\.patel/);
  });

  test('stop ends every process it started and removes its PAM services and its folder', () => {
    const { processes, pamServices } = sandbox.state;
    expect(stopSandbox(dir)).toBe(true);
    expect(processes.filter((p) => processAlive(p.pid))).toEqual([]);
    expect(pamServices.filter((f) => fs.existsSync(f))).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
  });
});
