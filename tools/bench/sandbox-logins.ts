/**
 * The benchmark's sandbox part: login latency on the sandbox's PostgreSQL and MariaDB, an IAM
 * login (token signed, checked by the checker, TLS session opened, one query, closed) against
 * the master's password login on the same server, alternating pair by pair, BENCH_LOGINS
 * (default 20) counted pairs after a warm-up. Prints one JSON line per engine, or one line
 * saying why the sandbox cannot run here.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { login } from '../sandbox/login';
import { startSandbox, stopSandbox } from '../sandbox/sandbox';
import { signToken } from '../sandbox/token';

const ROOT = path.resolve(__dirname, '..', '..');
const LOGINS = Number(process.env.BENCH_LOGINS ?? '20');
/** A person of the example users.ts and one database of theirs per engine. */
const PERSON = 'alice.ng';
const DATABASES = ['orders', 'billing'];

export interface LoginResult {
  readonly engine: string;
  /** Milliseconds per IAM login, and per password login, in pairs. */
  readonly iamMs: readonly number[];
  readonly passwordMs: readonly number[];
}

async function timedMs(work: () => Promise<{ value: string } | { refused: string }>): Promise<number> {
  const started = process.hrtime.bigint();
  const outcome = await work();
  if ('refused' in outcome) throw new Error(`login refused: ${outcome.refused}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  // Not the default sandbox folder: a sandbox the user runs stays untouched. Traversable: the servers' users reach in.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sandbox-'));
  fs.chmodSync(dir, 0o711);
  try {
    const outcome = await startSandbox(path.join(dir, 'sandbox'), ROOT, () => undefined);
    if ('skipped' in outcome) {
      process.stdout.write(`${JSON.stringify({ skipped: outcome.skipped })}\n`);
      return;
    }
    const { state, identities } = outcome.summary;
    const key = identities.find((i) => i.name === PERSON)!;
    const ca = fs.readFileSync(state.certs.ca, 'utf8');
    for (const database of DATABASES) {
      const server = state.servers[database];
      const { host, port, region } = state.databases[database];
      const iam = () => timedMs(async () => login({ server, user: PERSON, ca, password: await signToken({ host, port, region, dbUser: PERSON, signedAt: new Date() }, key) }));
      const password = () => timedMs(() => login({ server, user: server.masterUser, password: server.masterPassword, ca }));
      await iam();
      await password();
      const iamMs: number[] = [];
      const passwordMs: number[] = [];
      for (let i = 0; i < LOGINS; i++) {
        iamMs.push(await iam());
        passwordMs.push(await password());
      }
      process.stdout.write(`${JSON.stringify({ engine: server.engine, iamMs, passwordMs } satisfies LoginResult)}\n`);
    }
  } finally {
    stopSandbox(path.join(dir, 'sandbox'));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
