/**
 * `npm run access-report`: who has which database access, as Markdown.
 * `npm run access-report -- --base <git-ref>`: only what changes against that revision,
 * the text a CI job posts on a pull request.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { config } from '../../config';
import { accessChanges, accessMatrix } from './report';
import { clockFromEnv } from '../../lib/model/clock';
import { UserEntry } from '../../lib/model/types';
import { users } from '../../users';

/**
 * The commit `ref` names, resolved so that nothing the caller wrote reaches git as an
 * option: `--end-of-options` makes `--output=users.ts` a (non-existent) revision, not a flag.
 */
function commitOf(root: string, ref: string): string {
  return execFileSync('git', ['-C', root, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

/** users.ts as it was at `ref`, evaluated with that revision's own imports. */
async function usersAt(ref: string): Promise<readonly UserEntry[]> {
  const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  let commit: string;
  try {
    commit = commitOf(root, ref);
  } catch {
    throw new Error('not a commit in this repository (fetch it first, e.g. actions/checkout with fetch-depth: 0)');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-report-'));
  try {
    const archive = execFileSync('git', ['-C', root, 'archive', '--format=tar', commit], { maxBuffer: 256 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    if (!fs.existsSync(path.join(dir, 'users.ts'))) return [];
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const module = (await import(path.join(dir, 'users.ts'))) as { users: readonly UserEntry[] };
    return module.users;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { base: { type: 'string' } } });
  if (values.base === undefined) {
    const now = clockFromEnv(process.env)();
    process.stdout.write(accessMatrix(users, config, now));
    return;
  }
  let before: readonly UserEntry[];
  try {
    before = await usersAt(values.base);
  } catch (error) {
    process.stderr.write(`Cannot read users.ts at ${JSON.stringify(values.base)}: ${(error as Error).message.split('\n')[0]}\n`);
    process.exit(1);
  }
  process.stdout.write(accessChanges(before, users, values.base));
}

void main();
