/**
 * The benchmark's sandbox part: login latency on the sandbox's PostgreSQL and MariaDB, an IAM
 * login (token signed, checked by the checker, TLS session opened, one query, closed) against
 * the master's password login on the same server, alternating pair by pair, BENCH_LOGINS
 * (default 20) counted pairs after a warm-up, with tokens of real length (a session's
 * credentials). Prints one JSON line per engine, or one line saying why the sandbox cannot run
 * here. The sandbox runs as an ordinary user: run as root, this script runs itself as one.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { login } from '../sandbox/login';
import { sandboxBase } from '../sandbox/private-dir';
import { startSandbox, stopSandbox } from '../sandbox/sandbox';
import { signToken } from '../sandbox/token';
import { unprivilegedAccount } from '../sandbox/unprivileged';
import { commandRunnerIn } from '../shared/typescript-runner';

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

/** As root: this script again as an ordinary account, with a home of its own that goes afterwards. */
function asOrdinaryUser(): void {
  const account = unprivilegedAccount();
  try {
    // A copy it can run: this checkout may sit where the account cannot reach (under /root, say).
    const checkout = account.checkout('bench-');
    const [command, args] = account.command(process.execPath, [...commandRunnerIn(checkout), path.join(checkout, path.relative(ROOT, __filename))]);
    const run = spawnSync(command, args, { cwd: checkout, env: account.env, stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`the sandbox logins as ${account.user} failed (${run.status ?? run.signal})`);
  } finally {
    account.remove();
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() === 0) return asOrdinaryUser();
  // Not the default sandbox folder: a sandbox the user runs stays untouched. Private, like every sandbox's.
  const dir = path.join(sandboxBase(), `bench-${process.pid}`);
  try {
    const outcome = await startSandbox(dir, ROOT, () => undefined);
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
    stopSandbox(dir);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
