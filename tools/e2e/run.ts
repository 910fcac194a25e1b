/**
 * `npm run test:e2e`: applies the users stacks of the example app to real PostgreSQL and
 * MariaDB and checks the result in their catalogs (__tests__/e2e). Starts its own servers on
 * loopback (installing them from Debian's packages if missing) and removes everything it made
 * at the end, also on failure or interrupt. Where Terraform or a provider cannot be installed
 * it says so in one line and skips.
 */
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildAuthenticationPlugin, ensureEngines, makeCertificates, RunningServer, startMariadb, startPostgres } from './servers';
import { findTerraform, providersMissing } from './terraform';
import { CONTEXT_ENV, E2eContext } from './workspace';

const ROOT = path.resolve(__dirname, '..', '..');
const log = (line: string) => process.stdout.write(`e2e: ${line}\n`);

/** The example config.ts's databases and the engine standing in for each (Aurora MySQL → MariaDB). */
const EXAMPLE = [
  { key: 'orders', engine: 'postgres', databases: ['orders'] },
  { key: 'sandbox', engine: 'postgres', databases: ['sandbox'] },
  { key: 'billing', engine: 'mariadb', databases: ['billing'] },
] as const;

interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
}

function runJest(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'jest'), args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('close', (status) => resolve(status ?? 1));
  });
}

async function main(): Promise<number> {
  const bin = findTerraform();
  if (!bin) {
    log('skipped: no terraform or tofu on PATH (install Terraform >= 1.10 or OpenTofu >= 1.11 to run the real-engine tests)');
    return 0;
  }
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-iam-e2e-'));
  // PostgreSQL runs as its own user (never root) and must reach its folder inside.
  fs.chmodSync(workdir, 0o711);
  const servers: RunningServer[] = [];
  const cleanUp = () => {
    for (const server of servers.splice(0)) server.stop();
    fs.rmSync(workdir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUp();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const pluginCache = path.join(workdir, 'plugin-cache');
    fs.mkdirSync(pluginCache);
    const missingProviders = await providersMissing(bin, path.join(workdir, 'provider-probe'), { ...process.env, TF_PLUGIN_CACHE_DIR: pluginCache });
    if (missingProviders) {
      log(`skipped: ${missingProviders}`);
      return 0;
    }
    const missingEngines = ensureEngines(log);
    if (missingEngines) {
      log(`skipped: ${missingEngines}`);
      return 0;
    }
    const certs = makeCertificates(path.join(workdir, 'tls'));
    const pluginDir = buildAuthenticationPlugin(path.join(workdir, 'plugin'));
    const password = randomBytes(18).toString('base64url');
    const started = await Promise.all(EXAMPLE.map(({ key, engine, databases }) => {
      const dir = path.join(workdir, `${engine}-${key}`);
      return engine === 'postgres' ? startPostgres(dir, certs, databases, password) : startMariadb(dir, certs, databases, password, pluginDir);
    }));
    servers.push(...started);
    const context: E2eContext = {
      terraform: bin,
      certs,
      pluginCache,
      servers: Object.fromEntries(EXAMPLE.map(({ key }, i) => {
        const { stop: _stop, ...info } = started[i];
        return [key, info];
      })),
    };
    log(`${bin}; ${started.map((s, i) => `${EXAMPLE[i].key} on ${s.engine} ${s.host}:${s.port}`).join(', ')}`);
    const contextFile = path.join(workdir, 'context.json');
    fs.writeFileSync(contextFile, JSON.stringify(context));
    const reportFile = path.join(workdir, 'report.json');
    const status = await runJest(['-c', 'jest.e2e.config.js', '--json', `--outputFile=${reportFile}`, ...process.argv.slice(2)], {
      ...process.env,
      [CONTEXT_ENV]: contextFile,
      // Project copies and anything else the tests make go into the work folder, removed below.
      TMPDIR: workdir,
    });
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as JestReport;
    process.stdout.write(`e2e: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped\n`);
    return status;
  } finally {
    cleanUp();
  }
}

main().then(
  (status) => process.exit(status),
  (error: Error) => {
    process.stderr.write(`e2e: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
