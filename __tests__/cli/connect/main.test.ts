import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../cli/connect/main';
import { CommandError } from '../../../cli/shared/command';
import { RDS_CA_BUNDLE_PEM } from '../../../lib/tls/rds-ca-bundle';
import { runScript } from '../../fixtures/project';

/** Static example credentials: signing is local, so nothing leaves the machine. */
const AWS = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_PROFILE: '' };
const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * Runs `npm run connect` in this process. The AWS SDK reads credentials from process.env (this
 * file's own copy under jest), so `env` is set there for the call; PATH, the one place clients
 * are looked up, is `env.PATH` alone: whatever this machine has installed is never found.
 */
async function connect(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  let stdout = '';
  try {
    const status = await main(args, { ...process.env }, (text) => (stdout += text));
    return { status, stdout, stderr: '' };
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    return { status: 1, stdout, stderr: error.message };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

describe('npm run connect', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bin = path.join(dir, 'fake-bin');
  const ca = path.join(dir, 'global-bundle.pem');
  fs.mkdirSync(bin);
  fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
  // A stand-in psql that records what it was given.
  fs.writeFileSync(path.join(bin, 'psql'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/argv"\nprintf '%s' "$PGPASSWORD" > "${dir}/password"\n`, { mode: 0o755 });
  /** A folder holding a stand-in mysql that answers --version like the named client. */
  const fakeMysql = (name: string, version: string): string => {
    const folder = path.join(dir, name);
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'mysql'), `#!/bin/sh\necho "${version}"\n`, { mode: 0o755 });
    return folder;
  };
  // Only the stand-ins (they name /bin/sh themselves): no client of this machine is ever on it.
  const PATH = bin;
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => connect(args, { ...AWS, PATH, ...env });

  test('as a process: prints the token and exits 0', () => {
    const result = runScript(ROOT, 'cli/connect/main.ts', ['token', 'orders', '--user', 'jane.doe', '--host', 'o.example'], { ...AWS, PATH });
    expect(result.stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?warning was created\)\n/, '')).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^o\.example:5432\/\?Action=connect&DBUser=jane\.doe&[^\n]*\n$/);
  });

  test('starts psql with the token in its environment, never in its arguments', async () => {
    const result = await run(['orders', '--user', 'jane.doe', '--host', 'orders.abc.eu-west-1.rds.amazonaws.com', '--ca', ca]);
    expect(result.stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?warning was created\)\n/, '')).toBe('');
    expect(result.status).toBe(0);
    const argv = fs.readFileSync(path.join(dir, 'argv'), 'utf8');
    const password = fs.readFileSync(path.join(dir, 'password'), 'utf8');
    expect(argv).toBe(`host=orders.abc.eu-west-1.rds.amazonaws.com port=5432 dbname=orders user=jane.doe sslmode=verify-full sslrootcert=${ca}\n`);
    expect(password).toMatch(/^orders\.abc\.eu-west-1\.rds\.amazonaws\.com:5432\/\?Action=connect&DBUser=jane\.doe&.*X-Amz-Expires=900/);
    expect(argv).not.toContain('X-Amz');
  });

  test('--print shows the command with the token redacted', async () => {
    const result = await run(['billing', '--user', 'jane.doe', '--host', 'billing.cluster-x.eu-west-1.rds.amazonaws.com', '--ca', ca, '--print'], {
      PATH: `${fakeMysql('oracle-bin', 'mysql  Ver 8.4.3 for Linux on x86_64 (MySQL Community Server - GPL)')}:${PATH}`,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`MYSQL_PWD=<redacted> mysql --host=billing.cluster-x.eu-west-1.rds.amazonaws.com --port=3306 --user=jane.doe --ssl-ca=${ca} --ssl-mode=VERIFY_IDENTITY --enable-cleartext-plugin --database=billing\n`);
  });

  test('without --ca, the RDS CA bundle shipped with the project verifies the server', async () => {
    const result = await run(['orders', '--user', 'jane.doe', '--host', 'orders.abc.eu-west-1.rds.amazonaws.com', '--print']);
    expect(result.status).toBe(0);
    const bundle = /sslrootcert=(\S+?)'?\n$/.exec(result.stdout)?.[1] ?? '';
    expect(bundle).toMatch(/node_modules\/\.cache\/rds-iam-access\/[0-9a-f]+\/rds-ca-bundle\.pem$/);
    expect(fs.readFileSync(bundle, 'utf8')).toBe(RDS_CA_BUNDLE_PEM);
  });

  test('ca prints the path of that bundle, for GUI clients', async () => {
    const result = await run(['ca']);
    expect(result.status).toBe(0);
    expect(fs.readFileSync(result.stdout.trim(), 'utf8')).toBe(RDS_CA_BUNDLE_PEM);
  });

  test("with MariaDB's mysql client, verification uses the flag that client knows", async () => {
    const result = await run(['billing', '--user', 'jane.doe', '--host', 'billing.cluster-x.eu-west-1.rds.amazonaws.com', '--ca', ca, '--print'], {
      PATH: `${fakeMysql('mariadb-bin', 'mysql  Ver 15.1 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)')}:${PATH}`,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(' --ssl-verify-server-cert --enable-cleartext-plugin --database=billing\n');
    expect(result.stdout).not.toContain('--ssl-mode');
  });

  test('fails when a flag would inject a client setting', async () => {
    const result = await run(['orders', '--user', 'jane.doe', '--host', 'x hostaddr=127.0.0.1', '--print']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Host "x hostaddr=127\.0\.0\.1" is not a host name or IP address/);
  });

  test('token prints only the token, for GUI clients; RDS_IAM_USER stands in for --user', async () => {
    const result = await run(['token', 'orders', '--host', 'o.example'], { RDS_IAM_USER: 'jane.doe' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^o\.example:5432\/\?Action=connect&DBUser=jane\.doe&[^\n]*\n$/);
  });

  test('reads the endpoint from the deploy outputs file', async () => {
    const outputs = path.join(dir, 'cdktf-outputs.json');
    fs.writeFileSync(outputs, JSON.stringify({ 'database-orders': { endpoint: 'from-outputs.example', port: 5433 } }));
    const result = await run(['token', 'orders', '--user', 'jane.doe', '--outputs', outputs]);
    expect(result.stdout).toMatch(/^from-outputs\.example:5433\//);
  });

  test('fails when the client binary is missing, saying how to install it', async () => {
    // PATH holds only the stand-in psql: whatever clients this machine has, mysql is absent here.
    const result = await run(['billing', '--user', 'j', '--host', 'b.example', '--ca', ca]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/mysql not found on PATH: install the MySQL client/);
  });

  test('fails when the CA bundle is missing, saying how to get it', async () => {
    const result = await run(['orders', '--user', 'j', '--host', 'o.example', '--ca', path.join(dir, 'missing.pem')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/RDS CA bundle not found at .*missing.pem\.\nLeave out --ca and RDS_IAM_CA_BUNDLE to use the RDS CA bundle this project ships/);
  });

  test('fails when the database is unknown', async () => {
    const result = await run(['payroll', '--user', 'j']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Unknown database "payroll". The databases are: billing, orders, sandbox./);
  });

  test('fails when there are no AWS credentials, saying to log in', async () => {
    const result = await run(['token', 'orders', '--user', 'j', '--host', 'o.example'], {
      AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', HOME: dir, AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/No AWS credentials\. Run `aws sso login`/);
  });

  test('fails when the SSO session has expired, saying to log in again', async () => {
    const home = path.join(dir, 'home');
    fs.mkdirSync(path.join(home, '.aws', 'sso', 'cache'), { recursive: true });
    fs.writeFileSync(path.join(home, '.aws', 'config'), [
      '[profile dev]', 'sso_session = corp', 'sso_account_id = 123456789012', 'sso_role_name = DatabaseAccess', 'region = eu-west-1',
      '[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = eu-west-1', '',
    ].join('\n'));
    // The SDK caches the SSO token under sha1(session name); this one expired in 2020.
    const sha1 = createHash('sha1').update('corp').digest('hex');
    fs.writeFileSync(path.join(home, '.aws', 'sso', 'cache', `${sha1}.json`), JSON.stringify({
      startUrl: 'https://corp.awsapps.com/start', region: 'eu-west-1', accessToken: 'x', expiresAt: '2020-01-01T00:00:00Z',
      clientId: 'c', clientSecret: 's', refreshToken: 'r', registrationExpiresAt: '2020-01-01T00:00:00Z',
    }));
    const result = await run(['token', 'orders', '--user', 'j', '--host', 'o.example', '--profile', 'dev'], {
      AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', HOME: home,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Your AWS SSO session has expired\. Run `aws sso login --profile dev`/);
  });
});
