/**
 * `npm run test:e2e`: applies the users stacks of the example app to real PostgreSQL and
 * MariaDB and checks the result in their catalogs (__tests__/e2e). Starts its own servers on
 * loopback (installing them from Debian's packages if missing) and removes everything it made
 * at the end, also on failure or interrupt. Where Terraform or a provider cannot be installed
 * it says so in one line and skips.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EngineTarget, withEngines } from './engines';
import { AWS_PROVIDER, providersMissing } from './terraform';
import { CONTEXT_ENV, E2eContext } from './workspace';

const ROOT = path.resolve(__dirname, '..', '..');
const log = (line: string) => process.stdout.write(`e2e: ${line}\n`);

/** The example config.ts's databases and the engine standing in for each (Aurora MySQL → MariaDB). */
const EXAMPLE: readonly EngineTarget[] = [
  { key: 'orders', engine: 'postgres', databases: ['orders'] },
  { key: 'sandbox', engine: 'postgres', databases: ['sandbox'] },
  { key: 'billing', engine: 'mariadb', databases: ['billing'] },
];

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
  const outcome = await withEngines(EXAMPLE, 'rds-iam-e2e-', log, async ({ terraform, workdir, certs, pluginCache, servers }) => {
    // Only the existing-database checks need it, so its absence skips them alone.
    const awsProviderMissing = await providersMissing(terraform, path.join(workdir, 'aws-probe'), { ...process.env, TF_PLUGIN_CACHE_DIR: pluginCache }, [AWS_PROVIDER]);
    // JSON leaves out each server's stop(): the tests get what they may use.
    const context: E2eContext = { terraform, certs, pluginCache, servers, ...(awsProviderMissing ? { awsProviderMissing } : {}) };
    log(`${terraform}; ${EXAMPLE.map(({ key }) => `${key} on ${servers[key].engine} ${servers[key].host}:${servers[key].port}`).join(', ')}`);
    const contextFile = path.join(workdir, 'context.json');
    fs.writeFileSync(contextFile, JSON.stringify(context));
    const reportFile = path.join(workdir, 'report.json');
    const status = await runJest(['-c', 'jest.e2e.config.js', '--json', `--outputFile=${reportFile}`, ...process.argv.slice(2)], {
      ...process.env,
      [CONTEXT_ENV]: contextFile,
      // Project copies and anything else the tests make go into the work folder, removed afterwards.
      TMPDIR: workdir,
    });
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as JestReport;
    process.stdout.write(`e2e: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped\n`);
    return status;
  });
  if ('skipped' in outcome) {
    log(`skipped: ${outcome.skipped}`);
    return 0;
  }
  return outcome.result;
}

main().then(
  (status) => process.exit(status),
  (error: Error) => {
    process.stderr.write(`e2e: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
