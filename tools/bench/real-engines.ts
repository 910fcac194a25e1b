/**
 * The benchmark's real-engine part: BENCH_ENGINE_PEOPLE (default 1,000) generated people
 * applied by Terraform to a local PostgreSQL and MariaDB (the e2e harness's servers), then
 * re-planned as the pipeline does (with refresh), BENCH_ENGINE_REPLANS times (default 3)
 * alternating with a plan without refresh (`-refresh=false`: Terraform's own planning, no
 * read), so the difference is what the refresh costs, and with a re-plan at Terraform's
 * defaults (`-parallelism=10`, GOGC unset) as the baseline of the pipeline's settings. Terraform
 * runs as the pipeline runs it on the users stacks (USERS_STACK_TERRAFORM) and keeps its state
 * in a remote backend as the pipeline's S3 one does: in memory, persisted now and then, where
 * a local state file is rewritten whole after every instance (the bench's PostgreSQL server
 * holds it, with Terraform's `pg` backend, in a database of its own). The servers count the
 * connections and statements of each re-plan (PostgreSQL: pg_stat_database; MariaDB: its
 * global status). Prints one JSON line per engine; skips with one line where Terraform, the
 * providers or the servers cannot be had.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { USERS_STACK_TERRAFORM } from '../../lib/model/defaults';
import { EngineTarget, withEngines } from '../e2e/engines';
import { RunningServer } from '../e2e/servers';
import { StackDir } from '../e2e/terraform';
import { overridesFor } from '../e2e/workspace';
import { APP_RUNNER } from '../shared/typescript-runner';

const ROOT = path.resolve(__dirname, '..', '..');
const PEOPLE = Number(process.env.BENCH_ENGINE_PEOPLE ?? '1000');
const REPLANS = Math.max(1, Number(process.env.BENCH_ENGINE_REPLANS ?? '3'));
/** Database keys of the bench fleet (bench-app.ts) applied to real servers, and their engine. */
const TARGETS: readonly EngineTarget[] = [
  { key: 'orders', engine: 'postgres', databases: ['orders', 'bench_state'] },
  { key: 'billing', engine: 'mariadb', databases: ['billing'] },
];

export interface EngineResult {
  readonly engine: string;
  readonly people: number;
  /** Resource instances in the stack's state. */
  readonly instances: number;
  readonly applySeconds: number;
  /** Each re-plan with refresh, as the pipeline runs it. */
  readonly replanSeconds: readonly number[];
  /** Each plan without refresh, alternating with the re-plans. */
  readonly planOnlySeconds: readonly number[];
  /** Each re-plan with Terraform's defaults (parallelism 10, GOGC unset), alternating with the others. */
  readonly defaultReplanSeconds: readonly number[];
  /** Connections the server accepted during one re-plan, and statements it ran (PostgreSQL: transactions; each read is one). */
  readonly connections: number;
  readonly statements: number;
}

/** The server's count of connections and statements so far, read over its socket as the superuser. */
function serverCounters(server: RunningServer, database: string): { connections: number; statements: number } {
  if (server.engine === 'postgres') {
    const out = execFileSync('psql', ['-X', '-At', '-h', server.socket, '-p', String(server.port), '-U', server.superuser, '-d', 'postgres', '-c',
      `SELECT sessions, xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '${database}'`], { encoding: 'utf8' });
    const [connections, statements] = out.trim().split('|').map(Number);
    return { connections, statements };
  }
  const out = execFileSync('mariadb', ['--no-defaults', `--socket=${server.socket}`, '-u', server.superuser, `-p${server.masterPassword}`, '-N', '-e',
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Connections', 'Questions')"], { encoding: 'utf8' });
  const status = new Map(out.trim().split('\n').map((line) => line.split('\t') as [string, string]));
  return { connections: Number(status.get('Connections')), statements: Number(status.get('Questions')) };
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
    const pipelineEnv = { ...tfEnv, GOGC: USERS_STACK_TERRAFORM.gogc };
    const parallelism = `-parallelism=${USERS_STACK_TERRAFORM.parallelism}`;
    const stateServer = servers.orders;
    // One engine at a time, so each measurement has the machine to itself.
    for (const { key, engine, databases } of TARGETS) {
      const dir = path.join(outdir, 'stacks', `users-${key}`);
      // A remote backend, as the pipeline's S3 one (Terraform merges *_override.tf.json files over the stack's own).
      fs.writeFileSync(path.join(dir, 'backend_override.tf.json'), JSON.stringify({
        terraform: { backend: { pg: { conn_str: `postgres://${stateServer.superuser}@/bench_state?host=${stateServer.socket}&port=${stateServer.port}&sslmode=disable`, schema_name: `users_${key}` } } },
      }));
      const stack = new StackDir(terraform, dir, pipelineEnv);
      const atDefaults = new StackDir(terraform, dir, tfEnv);
      const apply = await stack.apply(parallelism);
      if (apply.status !== 0) throw new Error(`apply of users-${key} failed:\n${apply.stderr.slice(-3000)}`);
      const replanSeconds: number[] = [];
      const planOnlySeconds: number[] = [];
      const defaultReplanSeconds: number[] = [];
      let counted = { connections: 0, statements: 0 };
      for (let run = 0; run < REPLANS; run++) {
        const before = serverCounters(servers[key], databases[0]);
        const replan = await stack.planExitCode(parallelism);
        if (replan.status !== 0) throw new Error(`re-plan of users-${key} is not empty (exit ${replan.status}):\n${replan.stdout.slice(-2000)}${replan.stderr}`);
        const after = serverCounters(servers[key], databases[0]);
        // Less MariaDB's count of the counting connection itself (PostgreSQL counts per database, and it reads another).
        counted = { connections: after.connections - before.connections - (engine === 'mariadb' ? 1 : 0), statements: after.statements - before.statements };
        replanSeconds.push(replan.seconds);
        const planOnly = await stack.planExitCode(parallelism, '-refresh=false');
        if (planOnly.status !== 0) throw new Error(`plan -refresh=false of users-${key} is not empty (exit ${planOnly.status})`);
        planOnlySeconds.push(planOnly.seconds);
        const byDefault = await atDefaults.planExitCode();
        if (byDefault.status !== 0) throw new Error(`re-plan of users-${key} at Terraform's defaults is not empty (exit ${byDefault.status})`);
        defaultReplanSeconds.push(byDefault.seconds);
      }
      const listed = spawnSync(terraform, ['state', 'list'], { cwd: dir, env: tfEnv, encoding: 'utf8' });
      const instances = listed.stdout.trim().split('\n').filter(Boolean).length;
      const result: EngineResult = { engine, people: PEOPLE, instances, applySeconds: apply.seconds, replanSeconds, planOnlySeconds, defaultReplanSeconds, ...counted };
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
  });
  if ('skipped' in outcome) process.stdout.write(`${JSON.stringify({ skipped: outcome.skipped })}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
