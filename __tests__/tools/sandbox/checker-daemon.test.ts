/**
 * What anyone on the machine can send the checker's loopback ports without a credential: the
 * LDAPS endpoint and the STS stand-in. Neither may make the user's disk or memory grow with it
 * (checker.log often sits in $XDG_RUNTIME_DIR, a small tmpfs the whole session shares).
 */
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo, Socket } from 'net';
import * as path from 'path';
import * as tls from 'tls';
import { CheckerState } from '../../../tools/sandbox/checker';
import { stsServer } from '../../../tools/sandbox/sts';
import { Daemon, daemonFolder, startDaemon } from '../../fixtures/checker-daemon';

/** A BER bind request as any LDAP client sends it (long-form lengths). */
function bindRequest(id: number, dn: string, password: string): Buffer {
  const tlv = (tag: number, content: Buffer) => {
    const n = content.length;
    const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : n < 0x10000 ? Buffer.from([0x82, n >> 8, n & 0xff]) : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
    return Buffer.concat([Buffer.from([tag]), length, content]);
  };
  const op = tlv(0x60, Buffer.concat([tlv(0x02, Buffer.from([3])), tlv(0x04, Buffer.from(dn)), tlv(0x80, Buffer.from(password))]));
  return tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([id])), op]));
}

describe("the checker's log, written for anyone who reaches its LDAPS port", () => {
  let daemon: Daemon | undefined;
  afterEach(async () => {
    await daemon?.stop();
    if (daemon) fs.rmSync(daemon.dir, { recursive: true, force: true });
  });

  test('a bind of any size makes a log line of bounded size, so no one grows checker.log by what they send', async () => {
    daemon = startDaemon(daemonFolder());
    const ports = await daemon.ready();
    expect(ports).toBeDefined();
    const log = path.join(daemon.dir, 'checker.log');
    const before = fs.statSync(log).size;
    // 100 binds of a 60,000-character user name, pipelined on one connection, certificate not even checked.
    const binds = Array.from({ length: 100 }, (_, i) => bindRequest(i + 1, `database=orders,transport=tls,user=${'A'.repeat(60_000)}`, 'x'));
    await new Promise<void>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: ports!.ldap, rejectUnauthorized: false }, () => socket.end(Buffer.concat(binds)));
      let answers = 0;
      socket.on('data', (chunk: Buffer) => {
        // Each BindResponse carries `check=format`; count them to know every bind was judged.
        answers += chunk.toString('latin1').split('check=').length - 1;
        if (answers >= binds.length) socket.destroy();
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    const grown = fs.statSync(log).size - before;
    // What a bounded log would allow: a line of at most a few hundred bytes per attempt.
    expect(grown).toBeLessThan(binds.length * 1024);
  });
});

describe('the STS stand-in, reachable by anyone on the machine', () => {
  const state: CheckerState = { databases: {}, principals: {}, sessions: {} };
  let server: http.Server;
  let port = 0;
  let mostRead = 0;
  beforeAll(async () => {
    server = stsServer(() => state, () => new Date());
    server.on('connection', (socket: Socket) => {
      socket.on('data', () => {
        mostRead = Math.max(mostRead, socket.bytesRead);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('refuses a request body past its limit without reading (or holding) the rest', async () => {
    const total = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    await new Promise<void>((resolve) => {
      const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(total) } });
      request.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve());
      });
      request.on('error', () => resolve());
      let written = 0;
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!request.write(chunk)) {
            request.once('drain', pump);
            return;
          }
        }
        request.end();
      };
      pump();
    });
    // GetCallerIdentity's body is ~40 bytes; the limit is 16 KiB, the socket's buffers add a little.
    expect(mostRead).toBeLessThan(1024 * 1024);
  });
});
