/**
 * `npm run bench`: each performance target, measured on this machine in this run, with its
 * median, min–max and pass/fail. Comparisons alternate their two sides run by run (A B A B …)
 * and take the ratio pair by pair, so a slow spell on the machine hits both sides alike.
 * BENCH_RUNS counted runs (default 5) follow one warm-up; BENCH_TESTS=0 leaves out `npm test`,
 * BENCH_ENGINES=0 the real-engine part (Terraform on local PostgreSQL and MariaDB).
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
import { usersProject } from './users-project';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? '5'));
const PEOPLE = 100_000;
const DATABASES = 3;

interface Run { seconds: number; maxRssKiB?: number }

/** Runs a command to completion (in ROOT unless `cwd`); its wall time and, if it prints one, its peak RSS. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Run {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr.slice(-3000)}`);
  const report = /\{"maxRssKiB":(\d+)\}/.exec(result.stdout);
  return { seconds, ...(report ? { maxRssKiB: Number(report[1]) } : {}) };
}

/**
 * Runs the app of `project`'s cdktf.json exactly as `cdktf synth` does (its `app` command, by
 * the shell, in the project, CDKTF_OUTDIR set): wall time, and peak RSS from a preloaded
 * peak-rss.cjs, since the app itself prints nothing.
 */
function synthAsCdktf(project: string, outdir: string): Run {
  const app = (JSON.parse(fs.readFileSync(path.join(project, 'cdktf.json'), 'utf8')) as { app: string }).app;
  const rssFile = path.join(outdir, '..', 'peak-rss');
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.rmSync(rssFile, { force: true });
  const preload = `--require ${JSON.stringify(path.join(__dirname, 'peak-rss.cjs'))}`;
  const run = timed('sh', ['-c', app], {
    CDKTF_OUTDIR: outdir,
    BENCH_PEAK_RSS_FILE: rssFile,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' '),
  }, project);
  return { ...run, maxRssKiB: Number(fs.readFileSync(rssFile, 'utf8')) };
}

/** Whether two cdktf output folders hold the same stacks, byte for byte. */
function sameStacks(a: string, b: string): boolean {
  const stacks = (dir: string) => fs.readdirSync(path.join(dir, 'stacks')).sort();
  const names = stacks(a);
  return JSON.stringify(names) === JSON.stringify(stacks(b)) && names.every((name) =>
    fs.readFileSync(path.join(a, 'stacks', name, 'cdk.tf.json')).equals(fs.readFileSync(path.join(b, 'stacks', name, 'cdk.tf.json'))));
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
    // Synth at scale, as users run it: `cdktf synth`'s app command in a project whose users.ts
    // lists 100,000 people × 3 databases (2 PostgreSQL, 1 MySQL), Identity Center included,
    // alternating with its baseline: the same people built in memory (bench-app.ts), no users.ts.
    const project = usersProject(tmp.make('bench-project-'), PEOPLE);
    const fileOut = path.join(project, 'cdktf.out');
    const memoryOut = path.join(tmp.make('bench-memory-'), 'cdktf.out');
    const memoryRuns: Run[] = [];
    const fileRuns: Run[] = [];
    const scale = alternate(
      () => {
        fs.rmSync(memoryOut, { recursive: true, force: true });
        // The project copy's bench-app.ts: both sides run the same code, whatever changes here meanwhile.
        const run = timed(node, [...APP_RUNNER, 'tools/bench/bench-app.ts'], { CDKTF_OUTDIR: memoryOut, BENCH_USERS: String(PEOPLE) }, project);
        memoryRuns.push(run);
        return run.seconds;
      },
      () => {
        const run = synthAsCdktf(project, fileOut);
        fileRuns.push(run);
        return run.seconds;
      },
    );
    // Counted runs only (alternate's warm-up pair comes first).
    const rssOf = (runs: Run[]) => runs.slice(1).map((r) => r.maxRssKiB ?? 0);
    let instances = 0;
    for (const stack of fs.readdirSync(path.join(fileOut, 'stacks')).filter((s) => s.startsWith('users-'))) {
      instances += resourceInstances(JSON.parse(fs.readFileSync(path.join(fileOut, 'stacks', stack, 'cdk.tf.json'), 'utf8'))).size;
    }
    const people = `${PEOPLE.toLocaleString('en')} people × ${DATABASES} databases`;
    rows.push({ what: `Synth ${people} from users.ts (one entry a line, ${mib(fs.statSync(path.join(project, 'users.ts')).size / 1024)}), as \`cdktf synth\` runs it (cdktf.json's app; ${instances.toLocaleString('en')} users-stack instances), wall time`, measured: spread(scale.b, sec), target: '< 3 s', pass: median(scale.b) < 3 });
    rows.push({ what: '… peak RSS', measured: spread(rssOf(fileRuns), mib), target: '< 400 MiB', pass: median(rssOf(fileRuns)) < 400 * 1024 });
    rows.push({ what: 'In memory: the same people built in the process and synthesized (`tools/bench/bench-app.ts`, no users.ts read), alternating', measured: spread(scale.a, sec), target: '' });
    rows.push({ what: '… peak RSS', measured: spread(rssOf(memoryRuns), mib), target: '' });
    rows.push({ what: '… users.ts ÷ in memory, pair by pair', measured: spread(scale.ratios, times), target: '' });
    const same = sameStacks(fileOut, memoryOut);
    rows.push({ what: '… stacks from users.ts and from memory byte-identical', measured: same ? 'yes' : 'no', target: 'yes', pass: same });

    // Reading that users.ts alone, in a process of its own: the fast path against Babel's full parse.
    const usersFile = path.join(project, 'users.ts');
    const readRuns: Record<string, Run[]> = { fast: [], babel: [] };
    const readOnce = (mode: 'fast' | 'babel') => {
      const run = jsonLines<Run>(node, 'tools/bench/read-users.ts', [usersFile, mode])[0] as Run;
      readRuns[mode].push(run);
      return run.seconds;
    };
    const reads = alternate(() => readOnce('babel'), () => readOnce('fast'));
    rows.push({ what: `Reading that users.ts alone (\`parseDataSource\`, \`tools/bench/read-users.ts\`): literal scanner, Babel around it`, measured: `${spread(reads.b, sec)}, peak RSS ${spread(rssOf(readRuns.fast), mib)}`, target: '' });
    rows.push({ what: '… Babel\'s syntax tree of the whole file (the full reader, every file\'s fallback), alternating', measured: `${spread(reads.a, sec)}, peak RSS ${spread(rssOf(readRuns.babel), mib)}`, target: '' });
    rows.push({ what: '… fast ÷ full, pair by pair', measured: spread(reads.ratios, times), target: '' });

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

    if (process.env.BENCH_TESTS !== '0') {
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
    }

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
function jsonLines<T>(node: string, script: string, args: readonly string[] = []): (T | { skipped: string })[] {
  const run = spawnSync(node, [...COMMAND_RUNNER, script, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${script} failed:\n${run.stderr}`);
  return run.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as T | { skipped: string });
}

function realEngineRows(node: string): Row[] {
  return jsonLines<EngineResult>(node, 'tools/bench/real-engines.ts').flatMap((result): Row[] => {
    if ('skipped' in result) return [{ what: 'Real engines', measured: 'skipped', target: result.skipped }];
    const postgres = result.engine === 'postgres';
    const replan = median(result.replanSeconds);
    const planOnly = median(result.planOnlySeconds);
    return [
      {
        what: `Terraform on real ${postgres ? 'PostgreSQL' : 'MariaDB'}, ${result.people.toLocaleString('en')} people (${result.instances.toLocaleString('en')} instances): apply`,
        measured: sec(result.applySeconds),
        target: postgres ? '< 120 s' : '',
        ...(postgres ? { pass: result.applySeconds < 120 } : {}),
      },
      { what: '… re-plan with refresh, as the pipeline runs it', measured: spread(result.replanSeconds, sec), target: '< 10 s', pass: replan < 10 },
      { what: '… of which Terraform\'s own planning (`-refresh=false`, alternating)', measured: spread(result.planOnlySeconds, sec), target: '' },
      { what: '… the same re-plan at Terraform\'s defaults (`-parallelism=10`, GOGC unset), alternating', measured: spread(result.defaultReplanSeconds, sec), target: '' },
      {
        what: '… the refresh: connections, statements the server counted per re-plan',
        measured: `${sec(replan - planOnly)}: ${result.connections.toLocaleString('en')} connections, ${result.statements.toLocaleString('en')} ${postgres ? 'transactions' : 'statements'}`,
        target: '',
      },
    ];
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
