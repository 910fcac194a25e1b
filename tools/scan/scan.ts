/**
 * `npm run scan`: checkov over every stack of the example app and of a fleet with every
 * engine × shape. Fails on any finding not explained in tools/scan/checkov-suppressions.ts.
 * Installs checkov (pinned) into a cache outside the repository on first use.
 */
import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CHECKOV_SUPPRESSIONS } from './checkov-suppressions';
import { synthFleets, withoutMetadata } from '../shared/synth-fleets';

const REQUIREMENTS = path.join(__dirname, 'checkov-requirements.txt');

/** The venv is keyed by the requirements file, so a version bump installs afresh. */
function ensureCheckov(): string {
  const key = createHash('sha256').update(fs.readFileSync(REQUIREMENTS)).digest('hex').slice(0, 12);
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  const venv = path.join(cache, 'rds-iam-access', `checkov-${key}`);
  const checkov = path.join(venv, 'bin', 'checkov');
  if (!fs.existsSync(checkov)) {
    process.stderr.write(`Installing checkov into ${venv} (first run only)…\n`);
    fs.rmSync(venv, { recursive: true, force: true });
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', REQUIREMENTS], { stdio: 'inherit' });
  }
  return checkov;
}

/**
 * Writes each stack as checkov reads Terraform JSON: without cdktf's `//` metadata and
 * without the `terraform` block, whose `required_version` string checkov's JSON parser
 * rejects (backend and versions hold nothing to scan).
 */
function writeForScan(into: string): void {
  for (const { name, json } of synthFleets()) {
    const { terraform: _terraform, ...rest } = json;
    fs.mkdirSync(path.join(into, name), { recursive: true });
    fs.writeFileSync(path.join(into, name, 'main.tf.json'), JSON.stringify(withoutMetadata(rest), null, 1));
  }
}

interface Finding { check_id: string; check_name: string; resource: string; file_path: string }

function main(): number {
  const checkov = ensureCheckov();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-'));
  const scanDir = path.join(work, 'stacks');
  const checkovTmp = path.join(work, 'tmp');
  fs.mkdirSync(checkovTmp);
  writeForScan(scanDir);

  const result = spawnSync(checkov, ['-d', scanDir, '--framework', 'terraform_json', '-o', 'json', '--skip-download', '--compact'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    // Its own temporary folder: checkov's parser leaves a grammar cache file in the shared one.
    env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', TMPDIR: checkovTmp },
  });
  fs.rmSync(work, { recursive: true, force: true });
  if (!result.stdout.trim().startsWith('{') && !result.stdout.trim().startsWith('[')) {
    process.stderr.write(`checkov did not produce a report (exit ${result.status}):\n${result.stderr}\n${result.stdout}\n`);
    return 2;
  }
  const reports = [JSON.parse(result.stdout)].flat() as { results?: { failed_checks?: Finding[]; passed_checks?: unknown[] }; summary?: { parsing_errors?: number } }[];
  const failed = reports.flatMap((r) => r.results?.failed_checks ?? []);
  const passed = reports.reduce((n, r) => n + (r.results?.passed_checks?.length ?? 0), 0);
  const parsingErrors = reports.reduce((n, r) => n + (r.summary?.parsing_errors ?? 0), 0);

  const reasons = new Map(CHECKOV_SUPPRESSIONS.map((s) => [s.check, s.reason]));
  const unexplained = failed.filter((f) => !reasons.has(f.check_id));
  const used = new Set(failed.map((f) => f.check_id));
  const where = (f: Finding) => `${f.file_path.split('/').filter(Boolean)[0]} ${f.resource}`;

  for (const [check, reason] of reasons) {
    const hits = failed.filter((f) => f.check_id === check);
    if (hits.length > 0) process.stdout.write(`suppressed ${check} (${hits.length}×): ${reason}\n`);
  }
  for (const s of CHECKOV_SUPPRESSIONS.filter((s) => !used.has(s.check))) {
    process.stdout.write(`warning: suppression ${s.check} matched nothing; remove it from tools/scan/checkov-suppressions.ts\n`);
  }
  for (const f of unexplained) {
    process.stdout.write(`FINDING ${f.check_id} ${f.check_name}\n  at ${where(f)}\n`);
  }
  if (parsingErrors > 0) process.stdout.write(`FINDING checkov could not parse ${parsingErrors} stack file(s)\n`);
  process.stdout.write(`checkov: ${passed} passed, ${unexplained.length} failed, ${failed.length - unexplained.length} skipped\n`);
  return unexplained.length > 0 || parsingErrors > 0 ? 1 : 0;
}

process.exit(main());
