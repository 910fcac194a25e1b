/**
 * `npm run bench`: each performance target, measured on this machine in this run, with its
 * median, min–max and pass/fail. Comparisons alternate their two sides run by run (A B A B …)
 * and take the ratio pair by pair, so a slow spell on the machine hits both sides alike.
 * BENCH_RUNS counted runs (default 5) follow one warm-up; BENCH_ENGINES=0 leaves out the
 * real-engine part (Terraform on local PostgreSQL and MariaDB).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resourceInstances } from '../terraform/terraform-json';
import type { EngineResult } from './real-engines';
import type { LoginResult } from './sandbox-logins';
import { scratchFolders } from '../shared/scratch';
import { APP_RUNNER, COMMAND_RUNNER } from '../shared/typescript-runner';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? '5'));
const PEOPLE = 100_000;
const DATABASES = 3;

interface Run { seconds: number; maxRssKiB?: number }

/** Runs a command to completion; its wall time and, if it prints one, its peak RSS. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr.slice(-3000)}`);
  const report = /\{"maxRssKiB":(\d+)\}/.exec(result.stdout);
  return { seconds, ...(report ? { maxRssKiB: Number(report[1]) } : {}) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `median (min–max)` of values shown by `show`. */
const spread = (values: readonly number[], show: (v: number) => string) =>
  `${show(median(values))} (${show(Math.min(...values))}–${show(Math.max(...values))})`;
const sec = (s: number) => `${s.toFixed(2)} s`;
const mib = (kib: number) => `${Math.round(kib / 1024)} MiB`;
const times = (r: number) => `${r.toFixed(2)}×`;

/** One warm-up, then RUNS counted runs of A and B alternating; each side's values and the ratio B/A of each pair. */
function alternate(a: () => number, b: () => number): { a: number[]; b: number[]; ratios: number[] } {
  a();
  b();
  const out = { a: [] as number[], b: [] as number[], ratios: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    const x = a();
    const y = b();
    out.a.push(x);
    out.b.push(y);
    out.ratios.push(y / x);
  }
  return out;
}

/** RUNS counted runs after one warm-up. */
function repeat<T>(run: () => T): T[] {
  run();
  return Array.from({ length: RUNS }, run);
}

interface Row { readonly what: string; readonly measured: string; readonly target: string; readonly pass?: boolean }

function tempDirs(): { make: (prefix: string) => string; removeAll: () => void } {
  const made: string[] = [];
  return {
    make: (prefix) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    removeAll: () => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })),
  };
}

function main(): void {
  const rows: Row[] = [];
  const node = process.execPath;
  const tmp = tempDirs();
  try {
    // Synth at scale: 100,000 people × 3 databases (2 PostgreSQL, 1 MySQL), Identity Center included.
    const scaleOut = tmp.make('bench-scale-');
    const scale = repeat(() => {
      fs.rmSync(scaleOut, { recursive: true, force: true });
      return timed(node, [...APP_RUNNER, 'tools/bench/bench-app.ts'], { CDKTF_OUTDIR: scaleOut, BENCH_USERS: String(PEOPLE) });
    });
    const seconds = scale.map((r) => r.seconds);
    const rss = scale.map((r) => r.maxRssKiB ?? 0);
    let instances = 0;
    for (const stack of fs.readdirSync(path.join(scaleOut, 'stacks')).filter((s) => s.startsWith('users-'))) {
      instances += resourceInstances(JSON.parse(fs.readFileSync(path.join(scaleOut, 'stacks', stack, 'cdk.tf.json'), 'utf8'))).size;
    }
    rows.push({ what: `Synth ${PEOPLE.toLocaleString('en')} people × ${DATABASES} databases (${instances.toLocaleString('en')} users-stack instances), wall time`, measured: spread(seconds, sec), target: '< 3 s', pass: median(seconds) < 3 });
    rows.push({ what: '… peak RSS', measured: spread(rss, mib), target: '< 400 MiB', pass: median(rss) < 400 * 1024 });

    // The example app against an empty one-stack app, both as cdktf.json runs them.
    const exampleOut = tmp.make('bench-example-');
    const emptyOut = tmp.make('bench-empty-');
    const apps = alternate(
      () => timed(node, [...APP_RUNNER, 'tools/bench/empty-app.ts'], { CDKTF_OUTDIR: emptyOut }).seconds,
      () => timed(node, [...APP_RUNNER, 'main.ts'], { CDKTF_OUTDIR: exampleOut }).seconds,
    );
    rows.push({ what: `Empty one-stack cdktf app, \`node ${APP_RUNNER.join(' ')}\``, measured: spread(apps.a, sec), target: '' });
    rows.push({ what: 'Example app (main.ts), same runner', measured: spread(apps.b, sec), target: '' });
    rows.push({ what: '… example ÷ empty, pair by pair', measured: spread(apps.ratios, times), target: '< 2×', pass: median(apps.ratios) < 2 });

    // npm test, cold (jest cache cleared) and warm, alternating; /tmp listed before and after.
    // Cold: jest's transform cache and the tsx cache the tests' process runs compile through, both cleared.
    const jest = path.join(ROOT, 'node_modules', '.bin', 'jest');
    const scratch = scratchFolders();
    const listScratch = () => scratch.flatMap((dir) => fs.readdirSync(dir).map((entry) => path.join(dir, entry)));
    const tmpBefore = new Set(listScratch());
    const tests = alternate(
      () => {
        timed(jest, ['--clearCache']);
        fs.rmSync(path.join(ROOT, 'node_modules', '.cache', 'tsx'), { recursive: true, force: true });
        return timed('npm', ['test', '--', '--silent']).seconds;
      },
      () => timed('npm', ['test', '--', '--silent']).seconds,
    );
    const leftInTmp = listScratch().filter((entry) => !tmpBefore.has(entry));
    rows.push({ what: '`npm test`, cold (jest cache cleared)', measured: spread(tests.a, sec), target: '< 8 s', pass: median(tests.a) < 8 });
    rows.push({ what: '`npm test`, warm', measured: spread(tests.b, sec), target: '< 6 s', pass: median(tests.b) < 6 });
    rows.push({ what: `Left in ${scratch.join(' or ')} by ${2 * (RUNS + 1)} test runs`, measured: leftInTmp.length === 0 ? 'nothing' : leftInTmp.join(', '), target: 'nothing', pass: leftInTmp.length === 0 });

    // Real engines: Terraform applies and re-plans people on local PostgreSQL and MariaDB.
    if (process.env.BENCH_ENGINES !== '0') rows.push(...realEngineRows(node), ...sandboxLoginRows(node));
  } finally {
    tmp.removeAll();
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(`Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${RUNS} counted runs after a warm-up; median (min–max)\n\n`);
  const verdict = (r: Row) => (r.pass === undefined ? '' : r.pass ? 'pass' : '**fail**');
  process.stdout.write(['| measurement | median (min–max) | target | result |', '| --- | --- | --- | --- |', ...rows.map((r) => `| ${r.what} | ${r.measured} | ${r.target} | ${verdict(r)} |`)].join('\n') + '\n');
}

/** Runs a bench script that prints one JSON result per line, or one `{ skipped }` line. */
function jsonLines<T>(node: string, script: string): (T | { skipped: string })[] {
  const run = spawnSync(node, [...COMMAND_RUNNER, script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${script} failed:\n${run.stderr}`);
  return run.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as T | { skipped: string });
}

function realEngineRows(node: string): Row[] {
  return jsonLines<EngineResult>(node, 'tools/bench/real-engines.ts').map((result): Row => {
    if ('skipped' in result) return { what: 'Real engines', measured: 'skipped', target: result.skipped };
    return {
      what: `Terraform on real ${result.engine === 'postgres' ? 'PostgreSQL' : 'MariaDB'}, ${result.people.toLocaleString('en')} people: apply, then re-plan`,
      measured: `${sec(result.applySeconds)}, re-plan ${sec(result.replanSeconds)}`,
      target: 're-plan < 10 s',
      pass: result.replanSeconds < 10,
    };
  });
}

/** Login latency in the sandbox: an IAM login against a password login on the same server, pair by pair. */
function sandboxLoginRows(node: string): Row[] {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  return jsonLines<LoginResult>(node, 'tools/bench/sandbox-logins.ts').flatMap((result): Row[] => {
    if ('skipped' in result) return [{ what: 'Sandbox logins', measured: 'skipped', target: result.skipped }];
    const name = result.engine === 'postgres' ? 'PostgreSQL (PAM)' : 'MariaDB (plugin)';
    const { iamMs: iam, passwordMs: password } = result;
    return [
      { what: `Sandbox login on ${name}, IAM token (signed, checked, TLS session, one query), ${iam.length} logins`, measured: spread(iam, ms), target: '' },
      { what: '… the master\'s password login, same server, alternating', measured: spread(password, ms), target: '' },
      { what: '… IAM ÷ password, pair by pair', measured: spread(iam.map((v, i) => v / password[i]), times), target: '' },
    ];
  });
}

main();
