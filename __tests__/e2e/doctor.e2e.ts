import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { DoctorReport } from '../../lib/doctor/chain';
import type { ServerInfo } from '../../tools/e2e/servers';
import { CONTEXT_ENV } from '../../tools/e2e/workspace';
import { sandboxDir } from '../../tools/sandbox/private-dir';
import { SANDBOX_FILES } from '../../tools/sandbox/sandbox';
import { UnprivilegedAccount, unprivilegedAccount } from '../../tools/sandbox/unprivileged';
import { commandRunnerIn } from '../../tools/shared/typescript-runner';
import { mysqlAdmin, pgAdmin } from '../fixtures/engines';

/**
 * `npm run doctor` against the sandbox (real signed tokens, checked as RDS checks them), the
 * sandbox used as a user uses it: `npm run sandbox` as an ordinary account (nobody, when the
 * suite runs as root), then its env file and its profiles (`sandbox-<name>`). Each link is
 * broken on purpose and doctor must name it and its fix; a working login exits 0.
 */

// In the harness's work folder (removed at its end), which the account can traverse.
const work = path.dirname(process.env[CONTEXT_ENV] as string);
let account: UnprivilegedAccount;
let checkout = '';
let sandboxEnv: Record<string, string> = {};

/** `command args` as the account, in its checkout; the command found on our PATH, since a test may empty the account's. */
function runAs(command: string, args: string[], env: NodeJS.ProcessEnv, timeout: number) {
  const [file, argv] = account.command(command, args);
  const resolved = path.isAbsolute(file) ? file : execFileSync('which', [file], { encoding: 'utf8' }).trim();
  return spawnSync(resolved, argv, { cwd: checkout, encoding: 'utf8', timeout, env });
}

function sandbox(args: string[] = []): { status: number | null; out: string } {
  const run = runAs(process.execPath, [...commandRunnerIn(checkout), path.join(checkout, 'tools/sandbox/main.ts'), ...args], account.env, 15 * 60_000);
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

/** `npm run doctor -- <args> --json` as the account, with the sandbox's env file applied and `env` on top. */
function doctor(args: string[], env: Record<string, string>): { status: number | null; report: DoctorReport; out: string } {
  const run = runAs(process.execPath, [...commandRunnerIn(checkout), path.join(checkout, 'cli/doctor/main.ts'), ...args, '--json'], { ...account.env, AWS_PROFILE: '', ...sandboxEnv, ...env }, 120_000);
  let report: DoctorReport;
  try {
    report = JSON.parse(run.stdout) as DoctorReport;
  } catch {
    throw new Error(`doctor printed no report (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  }
  return { status: run.status, report, out: run.stdout };
}

/** The sandbox's server for database `key` (its state file: only the tests reach past its interface, to break things by hand). */
function server(key: string): ServerInfo {
  const dir = sandboxDir(account.env, checkout);
  return (JSON.parse(fs.readFileSync(path.join(dir, SANDBOX_FILES.state), 'utf8')) as { servers: Record<string, ServerInfo> }).servers[key];
}

const profile = (name: string) => ({ AWS_PROFILE: `sandbox-${name}` });

describe('npm run doctor in the sandbox: every broken link named with its fix, a working login exits 0', () => {
  beforeAll(() => {
    account = unprivilegedAccount(work);
    checkout = account.checkout('doctor-checkout-');
    const started = sandbox();
    if (started.status !== 0) throw new Error(`the sandbox did not start:\n${started.out}`);
    const envFile = /source (\S+)/.exec(started.out)?.[1];
    if (!envFile) throw new Error(`the sandbox printed no env file:\n${started.out}`);
    sandboxEnv = Object.fromEntries([...fs.readFileSync(envFile, 'utf8').matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]));
  });

  afterAll(() => {
    if (checkout !== '') sandbox(['stop']);
    account?.remove();
  });

  test.each([
    ['orders', 'alice.ng', 'psql'],
    ['billing', 'alice.ng', 'mysql'],
  ])('a working login to %s as %s exits 0, every link ok, %s included', (database, name, client) => {
    const { status, report } = doctor([database], profile(name));
    expect(report.broken).toBeUndefined();
    expect(report).toMatchObject({ database, user: name, kind: 'person', ok: true });
    expect(report.links.map((l) => `${l.link} ${l.status}`)).toEqual(['lists ok', 'deploys ok', 'caller ok', 'database ok', 'client ok']);
    const clientLink = report.links.find((l) => l.link === 'client')!;
    expect(clientLink.checks.find((c) => c.name === 'installed')?.detail).toMatch(new RegExp(`^${client}: `));
    expect(clientLink.checks.find((c) => c.name === 'login')?.detail).toMatch(new RegExp(`logged in as ${name.replace('.', '\\.')}`));
    expect(status).toBe(0);
  });

  test('a service logs in too (its role session, its connect policy)', () => {
    const { status, report } = doctor(['orders', '--user', 'orders-api'], profile('orders-api'));
    expect(report).toMatchObject({ kind: 'service', ok: true });
    expect(status).toBe(0);
  });

  test('an expired entry: the lists link, with when access ended and how to renew', () => {
    const { status, report } = doctor(['sandbox'], { ...profile('erin.contractor'), RDS_IAM_NOW: '2030-07-15T00:00:00Z' });
    expect(report.broken).toMatchObject({ link: 'lists', check: 'expiry', wrong: expect.stringMatching(/access ended at 2030-07-01T00:00Z/), fix: expect.stringMatching(/later expires in users\.ts/) });
    expect(status).toBe(1);
  });

  test("another person's profile: the caller link names whose session it is", () => {
    const { status, report } = doctor(['orders', '--user', 'alice.ng'], profile('bob.kowalski'));
    expect(report.broken).toMatchObject({ link: 'caller', check: 'session name', wrong: expect.stringMatching(/"bob\.kowalski"'s, not "alice\.ng"'s/), fix: expect.stringMatching(/your own profile/) });
    expect(status).toBe(1);
  });

  test('a foreign CA: the database link says TLS does not verify against it', () => {
    // Without the sandbox's CA, the client verifies against the RDS bundle the project ships.
    const { status, report } = doctor(['orders'], { ...profile('alice.ng'), RDS_IAM_CA_BUNDLE: '' });
    expect(report.broken).toMatchObject({ link: 'database', check: 'tls', wrong: expect.stringMatching(/not signed by a CA in the bundle/), fix: expect.stringMatching(/RDS_IAM_CA_BUNDLE/) });
    expect(status).toBe(1);
  });

  test('no client installed: the client link, with how to install it, after a login that works', () => {
    const { status, report } = doctor(['orders'], { ...profile('alice.ng'), PATH: path.join(account.home, 'no-such-folder') });
    expect(report.links.find((l) => l.link === 'database')?.status).toBe('ok');
    expect(report.broken).toMatchObject({ link: 'client', check: 'installed', wrong: expect.stringMatching(/^psql is not on PATH/), fix: expect.stringMatching(/install the PostgreSQL client/) });
    expect(status).toBe(1);
  });

  test('the tier revoked by hand: the login works, the session lacks its tier, and doctor says so', async () => {
    await pgAdmin(server('orders'), 'orders', 'REVOKE iam_write FROM "bob.kowalski"');
    try {
      const { status, report } = doctor(['orders'], profile('bob.kowalski'));
      expect(report.broken).toMatchObject({ link: 'database', check: 'tier', wrong: expect.stringMatching(/bob\.kowalski logs in but is not in iam_write/), fix: expect.stringMatching(/npm run deploy -- users-orders/) });
      expect(status).toBe(1);
    } finally {
      await pgAdmin(server('orders'), 'orders', 'GRANT iam_write TO "bob.kowalski"');
    }
  });

  test("the user dropped by hand: doctor reads the catalog with the users stack's login and names the missing user", async () => {
    const billing = server('billing');
    await mysqlAdmin(billing, "DROP USER 'dev.patel'@'%'");
    // As the person (no catalog): the token is refused, with every cause and who can tell.
    const person = doctor(['billing'], profile('dev.patel'));
    expect(person.report.broken).toMatchObject({ link: 'database', check: 'login', wrong: expect.stringMatching(/Access denied for user 'dev\.patel'.*may be missing/), fix: expect.stringMatching(/npm run audit -- billing/) });
    // As the platform team (the users stack's login, as the audit takes it): the missing user, before any login.
    const admin = doctor(['billing'], {
      ...profile('dev.patel'), RDS_IAM_BILLING_LOGIN: 'password', RDS_IAM_BILLING_USERNAME: billing.masterUser, MYSQL_PASSWORD: billing.masterPassword,
      RDS_IAM_BILLING_CA_BUNDLE: sandboxEnv.RDS_IAM_CA_BUNDLE,
    });
    expect(admin.report.broken).toMatchObject({ link: 'database', check: 'database user', wrong: expect.stringMatching(/billing has no database user "dev\.patel"/), fix: expect.stringMatching(/npm run deploy -- users-billing/) });
    expect(admin.status).toBe(1);
  });
});
