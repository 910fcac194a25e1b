/**
 * A project checkout as the access report and validate see it: synthesized (what `cdktf
 * deploy` would apply) and, for `--base`, checked out at another commit in a throwaway worktree.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { simpleGit } from 'simple-git';
import { PersonNotes, personNotes, RevisionAccess, serviceNotes } from '../../lib/access/access-diff';
import { deployedAccess } from '../../lib/access/deployed-access';
import { readSynthesizedStacks, StackJson } from '../../lib/terraform/synthesized';
import { readServicesFile, readUsersFile } from '../../lib/validation/data-file';
import { CommandError } from './command';

/**
 * The commit `ref` names in the repository at `project`. `--end-of-options` makes whatever
 * the caller wrote a revision, never an option (`--output=users.ts` is then just not a commit).
 */
export async function commitOf(project: string, ref: string): Promise<string> {
  const commit = await simpleGit(project).revparse(['--verify', '--end-of-options', `${ref}^{commit}`]).catch(() => '');
  if (!/^[0-9a-f]{40,64}$/.test(commit.trim())) {
    throw new CommandError(`${JSON.stringify(ref)} is not a commit in this repository (fetch it first, e.g. actions/checkout with fetch-depth: 0)`);
  }
  return commit.trim();
}

/**
 * Runs `use` on a throwaway worktree of `project` at `commit`, then removes it. The worktree
 * gets `nodeModules` (the running command's own installation), so a revision under review
 * cannot swap the tools that synthesize the other one.
 */
export async function atCommit<T>(project: string, commit: string, nodeModules: string, use: (dir: string) => Promise<T>): Promise<T> {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-iam-revision-'));
  const dir = path.join(parent, 'checkout');
  const git = simpleGit(project);
  // Both git calls are left to print what they did: after a git process that printed nothing
  // (--quiet, worktree remove), simple-git waits a further 50 ms to be sure of its output.
  try {
    await git.raw(['worktree', 'add', '--detach', dir, commit]);
    fs.symlinkSync(nodeModules, path.join(dir, 'node_modules'), 'dir');
    return await use(dir);
  } finally {
    // Deleting the folder leaves its record in the repository stale; prune drops it.
    fs.rmSync(parent, { recursive: true, force: true });
    await git.raw(['worktree', 'prune', '--verbose']).catch(() => undefined);
  }
}

/** Synthesizes a checkout and returns each stack's Terraform JSON by stack name. */
export type Synthesizer = (dir: string) => Promise<Record<string, StackJson>>;

/**
 * Synthesizes the checkout at `dir` the way `cdktf synth` does (its cdktf.json `app`
 * command, into a temporary outdir): each revision with its own code.
 */
export const synthesize: Synthesizer = async (dir) => {
  const { app } = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8')) as { app: string };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-iam-synth-'));
  try {
    await promisify(execFile)('sh', ['-c', app], {
      cwd: dir,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 10 * 60 * 1000,
    }).catch((error: { stderr?: string; message: string }) => {
      throw new CommandError(`synth failed:\n${(error.stderr || error.message).trim()}`);
    });
    return readSynthesizedStacks(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
};

/**
 * Display names, expiry days and reasons from the checkout's users.ts, and which names are
 * services (services.ts), read as data. Empty when a file cannot be read as data (an older
 * revision may predate the rule): access itself comes from synth, so only these notes are missing then.
 */
export function notesOf(dir: string): { notes: Map<string, PersonNotes>; readable: boolean } {
  try {
    return { notes: new Map([...personNotes(readUsersFile(dir)), ...serviceNotes(readServicesFile(dir))]), readable: true };
  } catch {
    return { notes: new Map(), readable: false };
  }
}

/** A checkout's deployed access and users.ts notes. */
export async function revisionAccess(dir: string, synth: Synthesizer = synthesize): Promise<RevisionAccess & { notesReadable: boolean }> {
  const stacks = await synth(dir);
  const { notes, readable } = notesOf(dir);
  return { access: deployedAccess(stacks), notes, notesReadable: readable };
}

/** Where this command's own dependencies are installed (lent to `--base` worktrees). */
export const OWN_NODE_MODULES = path.resolve(__dirname, '../../node_modules');

type Revision = Awaited<ReturnType<typeof revisionAccess>>;

/** `ref` (synthesized in a throwaway worktree) and the checkout at `project`, synthesized side by side. */
export async function baseAndHead(project: string, ref: string, synth: Synthesizer = synthesize): Promise<[base: Revision, head: Revision]> {
  const commit = await commitOf(project, ref);
  return Promise.all([
    atCommit(project, commit, OWN_NODE_MODULES, (dir) => revisionAccess(dir, synth)).catch((error: Error) => {
      throw new CommandError(`the base revision ${JSON.stringify(ref)}: ${error.message}`);
    }),
    revisionAccess(project, synth),
  ]);
}

