/**
 * The doctor's reach outside the process: STS, the database's port and TLS handshake, its
 * catalog with the users stack's login, and a login with a token. Each failure is an Error
 * whose message the server, the SDK or Node gave, for the links to name.
 */
import * as net from 'net';
import * as tls from 'tls';
import { mysqlCatalog, postgresCatalog } from '../../lib/audit/catalog';
import type { Sts } from '../../lib/doctor/caller';
import type { CatalogView, DatabaseProbes, Endpoint, OwnView } from '../../lib/doctor/database';
import type { ValidInputs } from '../../lib/validation/inputs';
import { loginFor, openDatabase } from '../audit/login';
import { ConnectTarget, generateToken } from '../connect/connect';
import type { StackOutputs } from '../shared/outputs';

/** Seconds to wait for the endpoint and the TLS handshake. */
const TIMEOUT_MS = 10_000;

/** STS for `region` with `profile` (else the default chain), loaded when first asked. */
export function stsFor(region: string, profile: string | undefined): Sts {
  let client: Promise<import('@aws-sdk/client-sts').STSClient> | undefined;
  const sts = () => (client ??= import('@aws-sdk/client-sts').then(({ STSClient }) => new STSClient({ region, ...(profile ? { profile } : {}) })));
  return {
    credentials: async () => {
      const found = await (await sts()).config.credentials();
      return { accessKeyId: found.accessKeyId, ...(found.expiration ? { expiration: found.expiration } : {}) };
    },
    identity: async () => {
      const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
      const out = await (await sts()).send(new GetCallerIdentityCommand({}));
      return { arn: out.Arn ?? '', account: out.Account ?? '' };
    },
  };
}

function connectTcp(endpoint: Endpoint): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: endpoint.host, port: endpoint.port });
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Reads from `socket` until `enough` says the bytes so far are a whole answer. */
function readUntil(socket: net.Socket, enough: (data: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => done(new Error(`the server said nothing within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (enough(data)) done();
    };
    const onEnd = () => done(new Error('the server closed the connection'));
    function done(error?: Error) {
      clearTimeout(timer);
      socket.off('data', onData).off('end', onEnd).off('error', done);
      if (error) reject(error);
      else resolve(data);
    }
    socket.on('data', onData).on('end', onEnd).on('error', done);
  });
}

/** PostgreSQL's SSLRequest (length 8, code 80877103), then `S` when the server speaks TLS. */
async function startPostgresTls(socket: net.Socket): Promise<void> {
  socket.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]));
  const answer = await readUntil(socket, (d) => d.length >= 1);
  if (answer[0] !== 0x53) throw new Error('the server does not offer TLS (it answered the SSLRequest with N)');
}

/** MySQL's greeting, then an SSLRequest packet (CLIENT_SSL and the 4.1 protocol) when the server offers TLS. */
async function startMysqlTls(socket: net.Socket): Promise<void> {
  const greeting = await readUntil(socket, (d) => d.length >= 4 && d.length >= 4 + d.readUIntLE(0, 3));
  const payload = greeting.subarray(4, 4 + greeting.readUIntLE(0, 3));
  if (payload[0] === 0xff) throw new Error(`the server refused the connection: ${payload.subarray(payload[3] === 0x23 ? 9 : 3).toString('utf8')}`);
  const versionEnd = payload.indexOf(0, 1);
  // protocol(1) version NUL thread-id(4) auth-data(8) filler(1), then the capability flags' lower half.
  const capabilities = payload.readUInt16LE(versionEnd + 1 + 4 + 8 + 1);
  const CLIENT_SSL = 0x800;
  if (!(capabilities & CLIENT_SSL)) throw new Error('the server does not offer TLS');
  const request = Buffer.alloc(4 + 32);
  request.writeUIntLE(32, 0, 3);
  request[3] = 1;
  // CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH
  request.writeUInt32LE(0x1 | 0x200 | CLIENT_SSL | 0x8000 | 0x80000, 4);
  request.writeUInt32LE(0x01000000, 8);
  request[12] = 45; // utf8mb4_general_ci
  socket.write(request);
}

/** The probes for one database: `target` is where the person connects, `database` its key. */
export function databaseProbes(options: {
  readonly target: ConnectTarget;
  readonly inputs: ValidInputs;
  readonly outputs: StackOutputs | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly profile: string | undefined;
  readonly ca: string;
}): DatabaseProbes {
  const { target } = options;
  return {
    reach: async (endpoint) => {
      (await connectTcp(endpoint)).destroy();
    },
    tls: async (endpoint, ca) => {
      const socket = await connectTcp(endpoint);
      try {
        if (endpoint.family === 'postgres') await startPostgresTls(socket);
        else await startMysqlTls(socket);
        return await new Promise((resolve, reject) => {
          const secure = tls.connect({
            socket, ca, host: endpoint.host, rejectUnauthorized: true,
            ...(net.isIP(endpoint.host) ? {} : { servername: endpoint.host }),
          });
          secure.setTimeout(TIMEOUT_MS, () => secure.destroy(new Error(`no TLS handshake within ${TIMEOUT_MS / 1000} s`)));
          secure.once('secureConnect', () => {
            const subject = secure.getPeerCertificate().subject?.CN ?? '';
            secure.destroy();
            resolve({ subject: String(subject) });
          });
          secure.once('error', reject);
        });
      } finally {
        socket.destroy();
      }
    },
    catalog: async () => {
      let open;
      try {
        open = await openDatabase(loginFor(target.database, options.inputs, options.outputs, options.env));
      } catch (error) {
        return { unreadable: (error as Error).message };
      }
      try {
        const snapshot = target.family === 'postgres' ? await postgresCatalog(open.sql) : await mysqlCatalog(open.sql);
        return snapshot satisfies CatalogView;
      } catch (error) {
        return { unreadable: `the users stack's login cannot read it: ${(error as Error).message}` };
      } finally {
        await open.close().catch(() => undefined);
      }
    },
    token: () => generateToken(target, { profile: options.profile }),
    login: async (token): Promise<OwnView> => {
      const open = await openDatabase({
        key: target.database, family: target.family, host: target.host, port: target.port, database: target.dbname,
        user: target.user, masterUser: '', password: async () => token,
        tls: { ca: options.ca, rejectUnauthorized: true },
      });
      try {
        const rows = await open.sql.query(target.family === 'postgres'
          ? `SELECT g.rolname AS role FROM pg_catalog.pg_auth_members a
              JOIN pg_catalog.pg_roles g ON g.oid = a.roleid JOIN pg_catalog.pg_roles m ON m.oid = a.member
              WHERE m.rolname = session_user`
          : 'SELECT ROLE_NAME AS role FROM information_schema.APPLICABLE_ROLES');
        return { roles: rows.map((r) => String(r.role)) };
      } finally {
        await open.close().catch(() => undefined);
      }
    },
  };
}
