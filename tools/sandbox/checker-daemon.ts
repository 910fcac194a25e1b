/**
 * `node --require tsx/cjs tools/sandbox/checker-daemon.ts <sandbox folder>`: the sandbox's checker
 * as a process. Answers PostgreSQL on an LDAPS port (ldap.ts), the AWSAuthenticationPlugin
 * stand-in on `<folder>/checker.sock` (mode 0600; one line each way, see
 * tools/e2e/iam-checker-client.h) and STS on an HTTP port, all on loopback; writes the two
 * ports to `<folder>/ports.json` and one line per login to `<folder>/checker.log`. Reads
 * `<folder>/checker.json` again whenever the sandbox rewrites it, so an apply takes effect on
 * the next login. Refuses to start unless the folder is its user's alone. `RDS_IAM_NOW` fixes
 * its clock.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { clockFromEnv } from '../../lib/model/clock';
import { CheckerState, checkLogin, Login, verdictLine } from './checker';
import { ldapServer, parseBindName } from './ldap';
import { assertPrivateFolder } from './private-dir';
import { stsServer } from './sts';

export const CHECKER_FILES = { state: 'checker.json', socket: 'checker.sock', ports: 'ports.json', log: 'checker.log' } as const;

/** The loopback ports the daemon listens on, once it does. */
export interface CheckerPorts {
  readonly sts: number;
  readonly ldap: number;
}

/** The longest line the plugin may send: PostgreSQL's limit on a password (64 KiB) and the other fields. */
const MAX_LINE = 70_000;

/** The state file, read again only when it changed. */
function stateReader(file: string): () => CheckerState {
  let loaded: { mtimeMs: number; state: CheckerState } | undefined;
  return () => {
    const { mtimeMs } = fs.statSync(file);
    if (!loaded || loaded.mtimeMs !== mtimeMs) loaded = { mtimeMs, state: JSON.parse(fs.readFileSync(file, 'utf8')) as CheckerState };
    return loaded.state;
  };
}

/** `database TAB transport TAB user TAB token`, as the plugin sends it. */
function parseLine(line: string): Login | undefined {
  const fields = line.split('\t');
  if (fields.length !== 4 || (fields[1] !== 'tls' && fields[1] !== 'tcp')) return undefined;
  const [database, transport, user, token] = fields;
  return { database, transport, user, ...(token ? { token } : {}) };
}

const listening = (server: net.Server, ...args: unknown[]): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    (server.listen as (...a: unknown[]) => void)(...args, () => resolve());
  });

async function main(dir: string): Promise<void> {
  // Sockets and files are this user's alone, from the moment they exist.
  process.umask(0o077);
  assertPrivateFolder(dir);
  const clock = clockFromEnv(process.env);
  const state = stateReader(path.join(dir, CHECKER_FILES.state));
  const logFile = path.join(dir, CHECKER_FILES.log);
  // Written before the answer: whoever sees a login refused finds its line already there.
  const log = (line: string) => fs.appendFileSync(logFile, `${line}\n`, { mode: 0o600 });
  fs.appendFileSync(logFile, '', { mode: 0o600 });
  /** Checks a login and logs the verdict; true when accepted. */
  const judge = async (login: Login): Promise<{ accepted: boolean; reason: string }> => {
    const now = clock();
    try {
      const verdict = await checkLogin(login, state(), now);
      log(verdictLine(login, verdict, now));
      return { accepted: verdict.accepted, reason: verdict.accepted ? '' : `check=${verdict.check}` };
    } catch (error) {
      log(`${now.toISOString()} refused database=${login.database} user=${JSON.stringify(login.user)} check=error: ${(error as Error).message}`);
      return { accepted: false, reason: 'check=error' };
    }
  };

  const socketPath = path.join(dir, CHECKER_FILES.socket);
  fs.rmSync(socketPath, { force: true });
  const plugin = net.createServer((connection) => {
    let buffered = '';
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end < 0) {
        if (buffered.length > MAX_LINE) connection.destroy();
        return;
      }
      const login = parseLine(buffered.slice(0, end));
      connection.removeAllListeners('data');
      if (!login) {
        log(`${clock().toISOString()} refused: the plugin sent a line that is not database, transport, user and token`);
        connection.end('refused\n');
        return;
      }
      void judge(login).then(({ accepted }) => connection.end(accepted ? 'ok\n' : 'refused\n'));
    });
    connection.on('error', () => undefined);
  });
  await listening(plugin, socketPath);
  fs.chmodSync(socketPath, 0o600);

  const tlsFiles = { key: fs.readFileSync(path.join(dir, 'tls', 'server.key')), cert: fs.readFileSync(path.join(dir, 'tls', 'server.pem')) };
  const ldap = ldapServer(tlsFiles, async (bind) => {
    const named = parseBindName(bind.name);
    if (!named) {
      log(`${clock().toISOString()} refused: an LDAP bind whose DN the sandbox did not write: ${JSON.stringify(bind.name.slice(0, 200))}`);
      return { accepted: false, reason: 'unknown DN' };
    }
    const { accepted, reason } = await judge({ database: named.database, transport: named.transport, user: named.user, ...(bind.password ? { token: bind.password } : {}) });
    return accepted ? { accepted: true } : { accepted: false, reason };
  }, (message) => log(`${clock().toISOString()} ${message}`));
  await listening(ldap, 0, '127.0.0.1');
  const sts = stsServer(state, clock);
  await listening(sts, 0, '127.0.0.1');
  const ports: CheckerPorts = { sts: (sts.address() as net.AddressInfo).port, ldap: (ldap.address() as net.AddressInfo).port };
  fs.writeFileSync(path.join(dir, CHECKER_FILES.ports), JSON.stringify(ports), { mode: 0o600 });
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main(process.argv[2]).catch((error: Error) => {
    process.stderr.write(`checker: ${error.message}\n`);
    process.exit(1);
  });
}
