import * as tls from 'tls';
import { AddressInfo } from 'net';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bindPrefix, bindResponse, ldapServer, parseBindName, readLdapMessage, SimpleBind } from '../../../tools/sandbox/ldap';

/** BER as an LDAP client writes it. */
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
function bindRequest(id: number, name: string, password: string, version = 3): Buffer {
  const op = tlv(0x60, Buffer.concat([tlv(0x02, Buffer.from([version])), tlv(0x04, Buffer.from(name)), tlv(0x80, Buffer.from(password))]));
  return tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([id])), op]));
}
const UNBIND = tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([2])), Buffer.from([0x42, 0x00])]));
const TOKEN = `127.0.0.1:5432/?Action=connect&X-Amz-Security-Token=${'A'.repeat(1200)}`;

describe('the LDAP bind PostgreSQL sends', () => {
  test('reads a simple bind with a token of 1,200+ bytes (long-form lengths), its DN and message id', () => {
    const request = bindRequest(1, `${bindPrefix('orders', 'tls')}alice.ng`, TOKEN);
    expect(readLdapMessage(request)).toEqual({
      length: request.length,
      message: { bind: { messageId: Buffer.from([1]), version: 3, name: 'database=orders,transport=tls,user=alice.ng', password: TOKEN } },
    });
  });

  test('waits for the rest of a message that came in pieces', () => {
    const request = bindRequest(1, 'database=orders,transport=tls,user=a', TOKEN);
    for (const cut of [1, 2, 4, 100, request.length - 1]) expect(readLdapMessage(request.subarray(0, cut))).toBeUndefined();
  });

  test('reads an unbind and names other operations', () => {
    expect(readLdapMessage(UNBIND)).toMatchObject({ message: { unbind: true } });
    const startTls = tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([1])), tlv(0x77, tlv(0x80, Buffer.from('1.3.6.1.4.1.1466.20037')))]));
    expect(readLdapMessage(startTls)).toMatchObject({ message: { other: 0x77 } });
  });

  test('fails on what is not BER of a bind: another envelope, indefinite or huge lengths, a truncated bind', () => {
    expect(() => readLdapMessage(Buffer.from([0x31, 0x00]))).toThrow(/not an LDAPMessage/);
    expect(() => readLdapMessage(Buffer.from([0x30, 0x80, 0x02]))).toThrow(/indefinite/);
    expect(() => readLdapMessage(Buffer.from([0x30, 0x83, 0xff, 0xff, 0xff]))).toThrow(/longer than/);
    const bad = tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([1])), tlv(0x60, tlv(0x02, Buffer.from([3])))]));
    expect(() => readLdapMessage(bad)).toThrow(/bind name missing/);
  });

  test('answers a BindResponse with the message id and result code', () => {
    expect(bindResponse(Buffer.from([7]), 49, 'no')).toEqual(Buffer.from([0x30, 0x0e, 0x02, 0x01, 0x07, 0x61, 0x09, 0x0a, 0x01, 49, 0x04, 0x00, 0x04, 0x02, 0x6e, 0x6f]));
  });

  test('takes the database and transport from the prefix the sandbox wrote, whatever user name follows', () => {
    expect(parseBindName(`${bindPrefix('orders', 'tcp')}alice,database=billing,transport=tls`)).toEqual({ database: 'orders', transport: 'tcp', user: 'alice,database=billing,transport=tls' });
    expect(parseBindName('cn=alice,database=orders,transport=tls,user=x')).toBeUndefined();
    // Bounded, as no engine's names are longer: what a caller sends cannot grow the log.
    expect(parseBindName(`${bindPrefix('orders', 'tls')}${'a'.repeat(128)}`)).toEqual({ database: 'orders', transport: 'tls', user: 'a'.repeat(128) });
    expect(parseBindName(`${bindPrefix('orders', 'tls')}${'a'.repeat(129)}`)).toBeUndefined();
    expect(parseBindName(`${bindPrefix('d'.repeat(65), 'tls')}alice`)).toBeUndefined();
  });
});

describe('the LDAPS server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ldap-test-'));
  let server: tls.Server;
  let port = 0;
  const binds: SimpleBind[] = [];
  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    server = ldapServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, async (bind) => {
      binds.push(bind);
      return bind.password === TOKEN ? { accepted: true } : { accepted: false, reason: 'check=signature' };
    }, () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Sends `bytes` over TLS (the server's certificate verified) and collects the answer until the server closes. */
  function exchange(bytes: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca: fs.readFileSync(path.join(dir, 'cert.pem')) }, () => socket.write(bytes));
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
    });
  }

  test('answers success to the token the check accepts, invalidCredentials to another, then ends at the unbind', async () => {
    const answer = await exchange(Buffer.concat([bindRequest(1, 'database=orders,transport=tls,user=a', TOKEN), bindRequest(2, 'database=orders,transport=tls,user=a', 'x'), UNBIND]));
    const first = readLdapMessage(answer);
    expect(first).toBeDefined();
    expect(answer.subarray(0, first!.length)).toEqual(bindResponse(Buffer.from([1]), 0));
    expect(answer.subarray(first!.length)).toEqual(bindResponse(Buffer.from([2]), 49, 'check=signature'));
    expect(binds.map((b) => b.password?.length)).toEqual([TOKEN.length, 1]);
  });

  test('ends the connection on anything else', async () => {
    expect(await exchange(Buffer.from([0x31, 0x00]))).toEqual(Buffer.alloc(0));
  });
});
