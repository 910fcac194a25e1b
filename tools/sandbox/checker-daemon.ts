/**
 * `node --require tsx/cjs tools/sandbox/checker-daemon.ts <sandbox folder>`: the sandbox's checker
 * as a process. Answers the engines' login hooks on `<folder>/checker.sock` (one line each way,
 * see tools/e2e/iam-checker-client.h) and STS on a loopback port it writes to
 * `<folder>/sts.port`; logs one line per login to `<folder>/checker.log`. Reads
 * `<folder>/checker.json` again whenever the sandbox rewrites it, so an apply takes effect on
 * the next login. `RDS_IAM_NOW` fixes its clock.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { clockFromEnv } from '../../lib/model/clock';
import { CheckerState, checkLogin, Login, verdictLine } from './checker';
import { stsServer } from './sts';

export const CHECKER_FILES = { state: 'checker.json', socket: 'checker.sock', stsPort: 'sts.port', log: 'checker.log' } as const;

/** The state file, read again only when it changed. */
function stateReader(file: string): () => CheckerState {
  let loaded: { mtimeMs: number; state: CheckerState } | undefined;
  return () => {
    const { mtimeMs } = fs.statSync(file);
    if (!loaded || loaded.mtimeMs !== mtimeMs) loaded = { mtimeMs, state: JSON.parse(fs.readFileSync(file, 'utf8')) as CheckerState };
    return loaded.state;
  };
}

/** `database TAB transport TAB user TAB token`, as the hooks send it. */
function parseLine(line: string): Login | undefined {
  const fields = line.split('\t');
  if (fields.length !== 4 || (fields[1] !== 'tls' && fields[1] !== 'tcp')) return undefined;
  const [database, transport, user, token] = fields;
  return { database, transport, user, ...(token ? { token } : {}) };
}

function main(dir: string): void {
  const clock = clockFromEnv(process.env);
  const state = stateReader(path.join(dir, CHECKER_FILES.state));
  const logFile = path.join(dir, CHECKER_FILES.log);
  // Written before the answer: whoever sees a login refused finds its line already there.
  const log = { write: (line: string) => fs.appendFileSync(logFile, line) };
  log.write('');
  const socketPath = path.join(dir, CHECKER_FILES.socket);
  fs.rmSync(socketPath, { force: true });

  const logins = net.createServer((connection) => {
    let buffered = '';
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end < 0) {
        if (buffered.length > 16_384) connection.destroy();
        return;
      }
      const login = parseLine(buffered.slice(0, end));
      connection.removeAllListeners('data');
      if (!login) {
        log.write(`${clock().toISOString()} refused: a hook sent a line that is not database, transport, user and token\n`);
        connection.end('refused\n');
        return;
      }
      const now = clock();
      checkLogin(login, state(), now).then(
        (verdict) => {
          log.write(`${verdictLine(login, verdict, now)}\n`);
          connection.end(verdict.accepted ? 'ok\n' : 'refused\n');
        },
        (error: Error) => {
          log.write(`${now.toISOString()} refused database=${login.database} user=${JSON.stringify(login.user)} check=error: ${error.message}\n`);
          connection.end('refused\n');
        },
      );
    });
    connection.on('error', () => undefined);
  });
  logins.listen(socketPath, () => {
    // The servers' own users (postgres) run the hooks.
    fs.chmodSync(socketPath, 0o666);
    const sts = stsServer(state, clock);
    sts.listen(0, '127.0.0.1', () => {
      fs.writeFileSync(path.join(dir, CHECKER_FILES.stsPort), String((sts.address() as net.AddressInfo).port));
    });
  });
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) main(process.argv[2]);
