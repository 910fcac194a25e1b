/**
 * When the checker is gone, another local user who takes its LDAPS port cannot
 * answer "success" for PostgreSQL. PostgreSQL's libldap verifies the endpoint against the
 * sandbox's CA (LDAPTLS_CACERT, LDAPTLS_REQCERT=demand in the server's environment); ldaps is TLS
 * from the first byte, so there is nothing to downgrade. The control proves the test reaches LDAP.
 *
 * Run: npm run test:e2e -- __tests__/e2e/sandbox-ldaps.e2e.ts
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { Client } from 'pg';
import { Certificates, freePort, makeCertificates, RunningServer, startPostgres } from '../../tools/e2e/servers';
import { bindPrefix, bindResponse, LDAP_RESULT, ldapServer, readLdapMessage } from '../../tools/sandbox/ldap';

describe("PostgreSQL's LDAPS endpoint, taken over by another local user", () => {
  // Under /tmp, not the test run's 0700 folder: the server runs as postgres when we are root.
  const dir = fs.mkdtempSync('/tmp/ldaps-impostor-');
  let certs: Certificates;
  let server: RunningServer;
  let ldapPort = 0;
  beforeAll(async () => {
    fs.chmodSync(dir, 0o755);
    certs = makeCertificates(path.join(dir, 'tls'));
    // The impostor's own certificate for 127.0.0.1: self-signed, the best another user can make.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', path.join(dir, 'tls', 'impostor.key'), '-out', path.join(dir, 'tls', 'impostor.pem')], { stdio: 'ignore' });
    for (const f of fs.readdirSync(path.join(dir, 'tls'))) fs.chmodSync(path.join(dir, 'tls', f), 0o644);
    ldapPort = await freePort();
    server = await startPostgres(path.join(dir, 'pg'), certs, ['orders'], 'master-password',
      { port: ldapPort, ca: certs.ca, tlsPrefix: bindPrefix('orders', 'tls'), plainPrefix: bindPrefix('orders', 'tcp') });
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', server.socket, '-p', String(server.port), '-U', server.superuser, '-d', 'postgres',
      '-c', 'CREATE ROLE mallory LOGIN IN ROLE rds_iam'], { stdio: 'pipe' });
  });
  afterAll(() => {
    server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Logs in as an IAM user with a password that is no token, while `impostor` holds the LDAPS port. */
  async function loginWhile(impostor: net.Server): Promise<string> {
    await new Promise<void>((resolve) => impostor.listen(ldapPort, '127.0.0.1', () => resolve()));
    const client = new Client({ host: server.host, port: server.port, user: 'mallory', password: 'not-a-token', database: 'orders', ssl: { ca: fs.readFileSync(certs.ca, 'utf8') } });
    try {
      await client.connect();
      return String((await client.query('SELECT session_user AS who')).rows[0].who);
    } catch (error) {
      return `refused: ${(error as Error).message}`;
    } finally {
      await client.end().catch(() => undefined);
      await new Promise<void>((resolve) => impostor.close(() => resolve()));
    }
  }
  const yes = async () => ({ accepted: true as const });

  test('control: an LDAPS endpoint with the sandbox CA\'s certificate that says success lets the login in', async () => {
    const genuine = ldapServer({ key: fs.readFileSync(certs.key), cert: fs.readFileSync(certs.cert) }, yes, () => undefined);
    expect(await loginWhile(genuine)).toBe('mallory');
  });

  test('an LDAPS impostor with its own certificate for 127.0.0.1 that says success is refused', async () => {
    const impostor = ldapServer({ key: fs.readFileSync(path.join(dir, 'tls', 'impostor.key')), cert: fs.readFileSync(path.join(dir, 'tls', 'impostor.pem')) }, yes, () => undefined);
    expect(await loginWhile(impostor)).toMatch(/^refused: /);
  });

  test('a plain LDAP impostor (no TLS) that says success is refused', async () => {
    const impostor = net.createServer((socket) => {
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        try {
          const read = readLdapMessage(buffered);
          if (read && 'bind' in read.message) socket.write(bindResponse(read.message.bind.messageId, LDAP_RESULT.success));
        } catch {
          socket.destroy();
        }
      });
      socket.on('error', () => undefined);
    });
    expect(await loginWhile(impostor)).toMatch(/^refused: /);
  });
});
