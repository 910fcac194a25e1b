/**
 * `npm run bench`: how fast synth and tests are, and how they scale with people.
 * Prints a Markdown table; every number is measured in this run on this machine.
 * BENCH_ENGINES=0 leaves out the real-engine part (Terraform on local PostgreSQL and MariaDB).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { projectCopy } from '../shared/project-copy';
import { resourceInstances } from '../terraform/terraform-json';
import type { EngineResult } from './real-engines';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? '5');
const SCALES = (process.env.BENCH_SCALES ?? '100,1000,10000').split(',').map(Number);
const DATABASES = 3;

interface Run { seconds: number; maxRssKiB?: number }

/** Runs a command to completion and returns its wall time (and, if it reports one, peak RSS). */
function timed(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, CHECKPOINT_DISABLE: '1', ...options.env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  const report = /\{"maxRssKiB":(\d+)\}/.exec(result.stdout);
  return { seconds, ...(report ? { maxRssKiB: Number(report[1]) } : {}) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function medianOf(n: number, run: () => Run): number {
  return median(Array.from({ length: n }, () => run().seconds));
}

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const fmt = (s: number) => `${s.toFixed(2)} s`;
const mib = (kib: number) => `${Math.round(kib / 1024)} MiB`;

/** The same app as the cdktf template would run it: ts-node with type checking, providers from the package root. */
function templateCopy(): string {
  const dir = projectCopy('bench-template-');
  const main = path.join(dir, 'main.ts');
  fs.writeFileSync(main, `import '@cdktf/provider-aws';\nimport '@cdktf/provider-postgresql';\n${fs.readFileSync(main, 'utf8')}`);
  return dir;
}

function synthStats(outdir: string): { bytes: number; userResources: number; policyBytes: number } {
  const stacksDir = path.join(outdir, 'stacks');
  let bytes = 0;
  let userResources = 0;
  let policyBytes = 0;
  for (const stack of fs.readdirSync(stacksDir)) {
    const text = fs.readFileSync(path.join(stacksDir, stack, 'cdk.tf.json'), 'utf8');
    bytes += text.length;
    const json = JSON.parse(text);
    if (stack.startsWith('users-')) {
      userResources += resourceInstances(json).size;
    }
    const policy = Object.values(json.resource?.aws_ssoadmin_permission_set_inline_policy ?? {})[0] as { inline_policy?: string } | undefined;
    if (policy?.inline_policy) policyBytes = policy.inline_policy.length;
  }
  return { bytes, userResources, policyBytes };
}

function main(): void {
  const rows: string[][] = [];
  const node = process.execPath;

  // 1. The example app: our app command against the template default.
  const outdir = tmp('bench-synth-');
  const ours = medianOf(RUNS, () => timed(node, ['--import', 'tsx', 'main.ts'], { env: { CDKTF_OUTDIR: outdir } }));
  const template = templateCopy();
  const theirs = medianOf(RUNS, () => timed(path.join(ROOT, 'node_modules', '.bin', 'ts-node'), ['main.ts'], { cwd: template, env: { CDKTF_OUTDIR: path.join(template, 'out') } }));
  rows.push(['Example app synth, `node --import tsx main.ts` (median of ' + RUNS + ')', fmt(ours), '']);
  rows.push(['Example app synth, template default `ts-node main.ts` + package-root imports', fmt(theirs), '']);
  rows.push(['Speed-up over the template default', `${(theirs / ours).toFixed(1)}×`, 'target ≥ 5×']);

  // 3. The floor: Node plus cdktf alone.
  const floor = medianOf(RUNS, () => timed(node, ['-e', "require('cdktf')"]));
  rows.push(['Floor: start Node and load `cdktf`', fmt(floor), '']);

  // 2. Scaling with people × 3 databases (2 PostgreSQL, 1 MySQL), Identity Center included.
  const base = tmp('bench-scale-');
  timed(node, ['--import', 'tsx', 'tools/bench/bench-app.ts'], { env: { CDKTF_OUTDIR: base, BENCH_USERS: '0' } });
  const baseline = synthStats(base);
  for (const people of SCALES) {
    const out = tmp('bench-scale-');
    const run = timed(node, ['--import', 'tsx', 'tools/bench/bench-app.ts'], { env: { CDKTF_OUTDIR: out, BENCH_USERS: String(people) } });
    const stats = synthStats(out);
    const perUserPerDb = (stats.userResources - baseline.userResources) / (people * DATABASES);
    rows.push([
      `Synth ${people.toLocaleString('en')} people × ${DATABASES} databases`,
      `${fmt(run.seconds)}, peak RSS ${mib(run.maxRssKiB ?? 0)}`,
      `cdk.tf.json ${(stats.bytes / 1e6).toFixed(1)} MB; ${perUserPerDb.toFixed(2)} DB resources per person per database; IAM policy ${stats.policyBytes} B`,
    ]);
    fs.rmSync(out, { recursive: true, force: true });
  }

  // 4. npm test from a cold cache.
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'jest'), ['--clearCache'], { cwd: ROOT, stdio: 'ignore' });
  const tests = timed('npm', ['test', '--', '--silent']);
  rows.push(['`npm test`, cold jest cache', fmt(tests.seconds), 'target < 20 s']);

  // 5. Real engines: Terraform applies and re-plans people on local PostgreSQL and MariaDB.
  if (process.env.BENCH_ENGINES !== '0') {
    const engines = spawnSync(node, ['--import', 'tsx', 'tools/bench/real-engines.ts'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (engines.status !== 0) throw new Error(`real-engine bench failed:\n${engines.stderr}`);
    for (const line of engines.stdout.trim().split('\n').filter(Boolean)) {
      const result = JSON.parse(line) as Partial<EngineResult> & { skipped?: string };
      if (result.skipped) {
        rows.push(['Real engines', 'skipped', result.skipped]);
        continue;
      }
      rows.push([
        `Terraform on real ${result.engine === 'postgres' ? 'PostgreSQL' : 'MariaDB'}, ${result.people!.toLocaleString('en')} people`,
        `apply ${fmt(result.applySeconds!)}, re-plan ${fmt(result.replanSeconds!)}`,
        're-plan target < 10 s',
      ]);
    }
  }

  for (const dir of [outdir, template, base]) fs.rmSync(dir, { recursive: true, force: true });
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(`Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n\n`);
  process.stdout.write(['| measurement | result | notes |', '| --- | --- | --- |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n') + '\n');
}

main();
