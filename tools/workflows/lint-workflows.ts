/**
 * `npm run lint:workflows`: the GitHub workflows checked by zizmor (security: injection,
 * permissions, pinning, credentials; offline, nothing at medium or above) and actionlint
 * (syntax, expressions, runner labels from .github/actionlint.yaml). Each is installed pinned
 * into a cache outside the repository on first use: zizmor from its wheel, actionlint with
 * `go install` of its module.
 */
import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const REQUIREMENTS = path.join(__dirname, 'zizmor-requirements.txt');
const ACTIONLINT = 'github.com/rhysd/actionlint/cmd/actionlint@v1.7.12';
const CACHE = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'rds-iam-access');

/** The venv is keyed by the requirements file, so a version bump installs afresh. */
function ensureZizmor(): string {
  const key = createHash('sha256').update(fs.readFileSync(REQUIREMENTS)).digest('hex').slice(0, 12);
  const venv = path.join(CACHE, `zizmor-${key}`);
  const zizmor = path.join(venv, 'bin', 'zizmor');
  if (!fs.existsSync(zizmor)) {
    process.stderr.write(`Installing zizmor into ${venv} (first run only)…\n`);
    fs.rmSync(venv, { recursive: true, force: true });
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--only-binary', ':all:', '-r', REQUIREMENTS], { stdio: 'inherit' });
  }
  return zizmor;
}

function ensureActionlint(): string {
  const bin = path.join(CACHE, `actionlint-${ACTIONLINT.split('@')[1]}`);
  const actionlint = path.join(bin, 'actionlint');
  if (!fs.existsSync(actionlint)) {
    process.stderr.write(`Installing actionlint into ${bin} (first run only)…\n`);
    const go = spawnSync('go', ['version'], { encoding: 'utf8' });
    if (go.status !== 0) throw new Error('actionlint is installed with Go (go install), and go is not on PATH: install Go (Debian: golang-go) and run again');
    execFileSync('go', ['install', ACTIONLINT], { stdio: 'inherit', env: { ...process.env, GOBIN: bin } });
  }
  return actionlint;
}

function run(name: string, command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status === 0) return true;
  process.stderr.write(`${name} failed (exit ${result.status ?? result.signal}).\n`);
  return false;
}

const zizmorOk = run('zizmor', ensureZizmor(), ['--offline', '--min-severity', 'medium', '--no-progress', '.github/workflows']);
const actionlintOk = run('actionlint', ensureActionlint(), ['-config-file', '.github/actionlint.yaml']);
if (zizmorOk && actionlintOk) process.stdout.write('Workflows: zizmor and actionlint found nothing.\n');
else process.exitCode = 1;
