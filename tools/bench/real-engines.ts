/**
 * The benchmark's real-engine part: BENCH_ENGINE_PEOPLE (default 1,000) generated people
 * applied by Terraform to a local PostgreSQL and MariaDB (the e2e harness's servers), then
 * re-planned. Prints one JSON line per engine: apply and re-plan seconds. Skips with one
 * line where Terraform, the providers or the servers cannot be had.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EngineTarget, withEngines } from '../e2e/engines';
import { StackDir } from '../e2e/terraform';
import { overridesFor } from '../e2e/workspace';
import { APP_RUNNER } from '../shared/typescript-runner';

const ROOT = path.resolve(__dirname, '..', '..');
const PEOPLE = Number(process.env.BENCH_ENGINE_PEOPLE ?? '1000');
/** Database keys of the bench fleet (bench-app.ts) applied to real servers, and their engine. */
const TARGETS: readonly EngineTarget[] = [
  { key: 'orders', engine: 'postgres', databases: ['orders'] },
  { key: 'billing', engine: 'mariadb', databases: ['billing'] },
];

export interface EngineResult {
  readonly engine: string;
  readonly people: number;
  readonly applySeconds: number;
  readonly replanSeconds: number;
}

async function main(): Promise<void> {
  const outcome = await withEngines(TARGETS, 'bench-engines-', () => undefined, async ({ terraform, workdir, certs, pluginCache, password, servers }) => {
    const outdir = path.join(workdir, 'app', 'cdktf.out');
    fs.mkdirSync(outdir, { recursive: true });
    const synth = spawnSync(process.execPath, [...APP_RUNNER, path.join(ROOT, 'tools', 'bench', 'bench-app.ts')], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...overridesFor(servers, certs.ca), CDKTF_OUTDIR: outdir, BENCH_USERS: String(PEOPLE) },
    });
    if (synth.status !== 0) throw new Error(`bench app synth failed:\n${synth.stderr}`);
    const tfEnv = { ...process.env, TF_PLUGIN_CACHE_DIR: pluginCache, PGPASSWORD: password, MYSQL_PASSWORD: password };
    // One engine at a time, so each measurement has the machine to itself.
    for (const { key, engine } of TARGETS) {
      const stack = new StackDir(terraform, path.join(outdir, 'stacks', `users-${key}`), tfEnv);
      const apply = await stack.apply();
      if (apply.status !== 0) throw new Error(`apply of users-${key} failed:\n${apply.stderr.slice(-3000)}`);
      const replan = await stack.planExitCode();
      if (replan.status !== 0) throw new Error(`re-plan of users-${key} is not empty (exit ${replan.status}):\n${replan.stdout.slice(-2000)}${replan.stderr}`);
      const result: EngineResult = { engine, people: PEOPLE, applySeconds: apply.seconds, replanSeconds: replan.seconds };
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
  });
  if ('skipped' in outcome) process.stdout.write(`${JSON.stringify({ skipped: outcome.skipped })}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
