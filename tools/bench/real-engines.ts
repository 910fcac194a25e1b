/**
 * The benchmark's real-engine part: BENCH_ENGINE_PEOPLE (default 1,000) generated people
 * applied by Terraform to a local PostgreSQL and MariaDB (the e2e harness's servers), then
 * re-planned. Prints one JSON line per engine: apply and re-plan seconds. Skips with one
 * line where Terraform, the providers or the servers cannot be had.
 */
import { randomBytes } from 'crypto';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildAuthenticationPlugin, ensureEngines, makeCertificates, RunningServer, startMariadb, startPostgres } from '../e2e/servers';
import { findTerraform, providersMissing, StackDir } from '../e2e/terraform';
import { overridesFor } from '../e2e/workspace';

const ROOT = path.resolve(__dirname, '..', '..');
const PEOPLE = Number(process.env.BENCH_ENGINE_PEOPLE ?? '1000');
/** Database keys of the bench fleet (bench-app.ts) applied to real servers, and their engine. */
const TARGETS = [
  { key: 'orders', engine: 'postgres' },
  { key: 'billing', engine: 'mariadb' },
] as const;

export interface EngineResult {
  readonly engine: string;
  readonly people: number;
  readonly applySeconds: number;
  readonly replanSeconds: number;
}

async function main(): Promise<void> {
  const bin = findTerraform();
  if (!bin) return void process.stdout.write('{"skipped":"no terraform or tofu on PATH"}\n');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-engines-'));
  fs.chmodSync(work, 0o711);
  const servers: RunningServer[] = [];
  try {
    const env = { ...process.env, TF_PLUGIN_CACHE_DIR: path.join(work, 'plugin-cache') };
    fs.mkdirSync(env.TF_PLUGIN_CACHE_DIR);
    const missing = (await providersMissing(bin, path.join(work, 'probe'), env)) ?? ensureEngines(() => undefined);
    if (missing) return void process.stdout.write(`${JSON.stringify({ skipped: missing })}\n`);
    const certs = makeCertificates(path.join(work, 'tls'));
    const password = randomBytes(18).toString('base64url');
    const pg = await startPostgres(path.join(work, 'pg'), certs, ['orders'], password);
    servers.push(pg);
    const my = await startMariadb(path.join(work, 'my'), certs, ['billing'], password, buildAuthenticationPlugin(path.join(work, 'plugin')));
    servers.push(my);
    const overrides = overridesFor({ orders: pg, billing: my }, certs.ca);
    const outdir = path.join(work, 'app', 'cdktf.out');
    fs.mkdirSync(outdir, { recursive: true });
    const synth = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tools', 'bench', 'bench-app.ts')], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...overrides, CDKTF_OUTDIR: outdir, BENCH_USERS: String(PEOPLE) },
    });
    if (synth.status !== 0) throw new Error(`bench app synth failed:\n${synth.stderr}`);
    const tfEnv = { ...env, PGPASSWORD: password, MYSQL_PASSWORD: password };
    // One engine at a time, so each measurement has the machine to itself.
    for (const { key, engine } of TARGETS) {
      const stack = new StackDir(bin, path.join(outdir, 'stacks', `users-${key}`), tfEnv);
      const apply = await stack.apply();
      if (apply.status !== 0) throw new Error(`apply of users-${key} failed:\n${apply.stderr.slice(-3000)}`);
      const replan = await stack.planExitCode();
      if (replan.status !== 0) throw new Error(`re-plan of users-${key} is not empty (exit ${replan.status}):\n${replan.stdout.slice(-2000)}${replan.stderr}`);
      const replanSeconds = replan.seconds;
      const result: EngineResult = { engine, people: PEOPLE, applySeconds: apply.seconds, replanSeconds };
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
  } finally {
    for (const server of servers) server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
