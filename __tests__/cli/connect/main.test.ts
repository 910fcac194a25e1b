import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { RDS_CA_BUNDLE_PEM } from '../../../lib/tls/rds-ca-bundle';
import { projectCopy, runScript } from '../../fixtures/project';

/** Static example credentials: signing is local, so nothing leaves the machine. */
const AWS = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_PROFILE: '' };

describe('npm run connect', () => {
  const dir = projectCopy();
  const bin = path.join(dir, 'fake-bin');
  const ca = path.join(dir, 'global-bundle.pem');
  fs.mkdirSync(bin);
  fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
  // A stand-in psql that records what it was given.
  fs.writeFileSync(path.join(bin, 'psql'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/argv"\nprintf '%s' "$PGPASSWORD" > "${dir}/password"\n`, { mode: 0o755 });
  /** A folder holding a stand-in mysql that answers --version like the named client; whatever this machine has installed is shadowed. */
  const fakeMysql = (name: string, version: string): string => {
    const folder = path.join(dir, name);
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'mysql'), `#!/bin/sh\necho "${version}"\n`, { mode: 0o755 });
    return folder;
  };
  const connect = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runScript(dir, 'cli/connect/main.ts', args, { ...AWS, PATH: `${bin}:${process.env.PATH}`, ...env });

  test('starts psql with the token in its environment, never in its arguments', () => {
    const result = connect(['orders', '--user', 'jane.doe', '--host', 'orders.abc.eu-west-1.rds.amazonaws.com', '--ca', ca]);
    expect(result.stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?warning was created\)\n/, '')).toBe('');
    expect(result.status).toBe(0);
    const argv = fs.readFileSync(path.join(dir, 'argv'), 'utf8');
    const password = fs.readFileSync(path.join(dir, 'password'), 'utf8');
    expect(argv).toBe(`host=orders.abc.eu-west-1.rds.amazonaws.com port=5432 dbname=orders user=jane.doe sslmode=verify-full sslrootcert=${ca}\n`);
    expect(password).toMatch(/^orders\.abc\.eu-west-1\.rds\.amazonaws\.com:5432\/\?Action=connect&DBUser=jane\.doe&.*X-Amz-Expires=900/);
    expect(argv).not.toContain('X-Amz');
  });

  test('--print shows the command with the token redacted', () => {
    const result = connect(['billing', '--user', 'jane.doe', '--host', 'billing.cluster-x.eu-west-1.rds.amazonaws.com', '--ca', ca, '--print'], {
      PATH: `${fakeMysql('oracle-bin', 'mysql  Ver 8.4.3 for Linux on x86_64 (MySQL Community Server - GPL)')}:${process.env.PATH}`,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`MYSQL_PWD=<redacted> mysql --host=billing.cluster-x.eu-west-1.rds.amazonaws.com --port=3306 --user=jane.doe --ssl-ca=${ca} --ssl-mode=VERIFY_IDENTITY --enable-cleartext-plugin --database=billing\n`);
  });

  test('without --ca, the RDS CA bundle shipped with the project verifies the server', () => {
    const result = connect(['orders', '--user', 'jane.doe', '--host', 'orders.abc.eu-west-1.rds.amazonaws.com', '--print']);
    expect(result.status).toBe(0);
    const bundle = /sslrootcert=(\S+?)'?\n$/.exec(result.stdout)?.[1] ?? '';
    expect(bundle).toMatch(/node_modules\/\.cache\/rds-iam-access\/[0-9a-f]+\/rds-ca-bundle\.pem$/);
    expect(fs.readFileSync(bundle, 'utf8')).toBe(RDS_CA_BUNDLE_PEM);
  });

  test('ca prints the path of that bundle, for GUI clients', () => {
    const result = connect(['ca']);
    expect(result.status).toBe(0);
    expect(fs.readFileSync(result.stdout.trim(), 'utf8')).toBe(RDS_CA_BUNDLE_PEM);
  });

  test("with MariaDB's mysql client, verification uses the flag that client knows", () => {
    const result = connect(['billing', '--user', 'jane.doe', '--host', 'billing.cluster-x.eu-west-1.rds.amazonaws.com', '--ca', ca, '--print'], {
      PATH: `${fakeMysql('mariadb-bin', 'mysql  Ver 15.1 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)')}:${process.env.PATH}`,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(' --ssl-verify-server-cert --enable-cleartext-plugin --database=billing\n');
    expect(result.stdout).not.toContain('--ssl-mode');
  });

  test('fails when a flag would inject a client setting', () => {
    const result = connect(['orders', '--user', 'jane.doe', '--host', 'x hostaddr=127.0.0.1', '--print']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Host "x hostaddr=127\.0\.0\.1" is not a host name or IP address/);
  });

  test('token prints only the token, for GUI clients; RDS_IAM_USER stands in for --user', () => {
    const result = connect(['token', 'orders', '--host', 'o.example'], { RDS_IAM_USER: 'jane.doe' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^o\.example:5432\/\?Action=connect&DBUser=jane\.doe&[^\n]*\n$/);
  });

  test('reads the endpoint from the deploy outputs file', () => {
    fs.writeFileSync(path.join(dir, 'cdktf-outputs.json'), JSON.stringify({ 'database-orders': { endpoint: 'from-outputs.example', port: 5433 } }));
    const result = connect(['token', 'orders', '--user', 'jane.doe']);
    fs.rmSync(path.join(dir, 'cdktf-outputs.json'));
    expect(result.stdout).toMatch(/^from-outputs\.example:5433\//);
  });

  test('fails when the client binary is missing, saying how to install it', () => {
    // PATH holds only the stand-in psql: whatever clients this machine has, mysql is absent here.
    const result = connect(['billing', '--user', 'j', '--host', 'b.example', '--ca', ca], { PATH: bin });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/mysql not found on PATH: install the MySQL client/);
  });

  test('fails when the CA bundle is missing, saying how to get it', () => {
    const result = connect(['orders', '--user', 'j', '--host', 'o.example', '--ca', path.join(dir, 'missing.pem')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/RDS CA bundle not found at .*missing.pem\.\nLeave out --ca and RDS_IAM_CA_BUNDLE to use the RDS CA bundle this project ships/);
  });

  test('fails when the database is unknown', () => {
    const result = connect(['payroll', '--user', 'j']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Unknown database "payroll". The databases are: billing, orders, sandbox./);
  });

  test('fails when there are no AWS credentials, saying to log in', () => {
    const result = connect(['token', 'orders', '--user', 'j', '--host', 'o.example'], {
      AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', HOME: dir, AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/No AWS credentials\. Run `aws sso login`/);
  });

  test('fails when the SSO session has expired, saying to log in again', () => {
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
    const result = connect(['token', 'orders', '--user', 'j', '--host', 'o.example', '--profile', 'dev'], {
      AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', HOME: home,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Your AWS SSO session has expired\. Run `aws sso login --profile dev`/);
  });
});
