/**
 * Revisions as the access report and validate see them. The trust boundary: a revision
 * contributes only its data files (config.ts, users.ts, services.ts), read as data from git
 * or the working tree and never run; what they deploy is synthesized in this process, by the
 * code that is running. In the pull-request workflow that code is the base revision's, so
 * nothing a pull request's code does can change how its changes are reported. Every other
 * file a pull request changes is named (changedCode), never vouched for.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { App } from 'cdktf';
import { simpleGit } from 'simple-git';
import { PersonNotes, personNotes, RevisionAccess, serviceNotes } from '../../lib/access/access-diff';
import { CodeChange } from '../../lib/access/code-changes';
import { deployedAccess } from '../../lib/access/deployed-access';
import { readSynthesizedStacks, StackJson } from '../../lib/terraform/synthesized';
import { DATA_FILES, parseProjectData, ProjectData, readProjectData } from '../../lib/validation/data-file';
import { ValidationError } from '../../lib/validation/problems';
import { synthesizeProject } from '../../stacks/compose';
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

/** One side of a comparison: a commit, or the working tree when `commit` is absent. */
export interface RevisionRef {
  /** How the user named it, for messages. */
  readonly name: string;
  readonly commit?: string;
}

/** The data files of `revision`, read as data: `git show <commit>:<file>`, or from the working tree. */
export async function dataOf(project: string, revision: RevisionRef): Promise<ProjectData> {
  try {
    if (revision.commit === undefined) return readProjectData(project);
    const git = simpleGit(project);
    // `<mode> <type> <object>\t<path>`: only a regular file is what a checkout reads as it is. A
    // symlink's blob is its target's name, which a checkout follows; a submodule or tree is no file.
    const entries = (await git.raw(['ls-tree', '-z', revision.commit, '--', ...Object.values(DATA_FILES)])).split('\0').filter((e) => e !== '');
    const sources = new Map<string, string>();
    const problems: string[] = [];
    for (const entry of entries) {
      const [meta, file] = entry.split('\t');
      const [mode, type] = meta.split(' ');
      if (type === 'blob' && (mode === '100644' || mode === '100755')) sources.set(file, await git.show([`${revision.commit}:${file}`]));
      else problems.push(`${file} is ${mode === '120000' ? 'a symbolic link' : `a ${type} (mode ${mode})`}, not a regular file; a data file must be the file itself`);
    }
    if (problems.length > 0) throw new ValidationError(problems.join('\n'));
    return parseProjectData((file) => sources.get(file));
  } catch (error) {
    if (error instanceof ValidationError) throw new CommandError(`${revision.name}: ${error.message}`);
    throw error;
  }
}

/** Synthesizes one revision's data: each stack's Terraform JSON by stack name. Tests hand in their own. */
export type Synthesizer = (data: ProjectData, env: NodeJS.ProcessEnv) => Promise<Record<string, StackJson>>;

/**
 * The data synthesized by this process's own code, as `cdktf synth` would (main.ts's
 * synthesizeProject), into a temporary folder that is removed afterwards.
 */
export const synthesizeData: Synthesizer = async (data, env) => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-iam-synth-'));
  try {
    synthesizeProject({ projectDir: outdir, data, env, newApp: () => new App({ outdir, skipValidation: true }) });
    return readSynthesizedStacks(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
};

/**
 * Synthesizes the checkout at `dir` the way `cdktf synth` does (its cdktf.json `app`
 * command, into a temporary outdir): the checkout's own code. Only for checking that main.ts
 * runs as cdktf runs it; reviews use synthesizeData.
 */
export async function synthesizeCheckout(dir: string): Promise<Record<string, StackJson>> {
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
}

/** Display names, expiry days, reasons and owners from the data, and which names are services. */
export function notesOf(data: ProjectData): Map<string, PersonNotes> {
  return new Map([...personNotes(data.users), ...serviceNotes(data.services)]);
}

/** A revision's deployed access (synthesized from its data) and its notes, with the stacks themselves. */
export interface Revision extends RevisionAccess {
  readonly stacks: Readonly<Record<string, StackJson>>;
}

/** Synthesizes `data` and reads what it deploys. */
export async function revisionAccess(data: ProjectData, env: NodeJS.ProcessEnv, synth: Synthesizer = synthesizeData): Promise<Revision> {
  const stacks = await synth(data, env);
  return { stacks, access: deployedAccess(stacks), notes: notesOf(data) };
}

/** `--base` (a commit) and `--head` (a commit, or the working tree when absent) as named on the command line. */
export async function resolveRevisions(project: string, base: string, head: string | undefined): Promise<[RevisionRef, RevisionRef]> {
  return [
    { name: base, commit: await commitOf(project, base) },
    head === undefined ? { name: 'the working tree' } : { name: head, commit: await commitOf(project, head) },
  ];
}

/** Both revisions synthesized one after the other (cdktf's App is not for two at once in a process). */
export async function baseAndHead(project: string, refs: readonly [RevisionRef, RevisionRef], env: NodeJS.ProcessEnv, synth: Synthesizer = synthesizeData): Promise<[Revision, Revision]> {
  const sides: Revision[] = [];
  for (const ref of refs) {
    const data = await dataOf(project, ref);
    sides.push(await revisionAccess(data, env, synth).catch((error: Error) => {
      throw new CommandError(`${ref.name}: ${error.message}`);
    }));
  }
  return [sides[0], sides[1]];
}

const DATA_PATHS: ReadonlySet<string> = new Set(Object.values(DATA_FILES));

/**
 * Every file that differs between the merge base of `base` and `head` and `head`, except the
 * data files: what the pull request changes besides data, which no report can vouch for.
 * A rename counts at both paths. The working tree counts uncommitted and untracked files.
 */
export async function changedCode(project: string, [base, head]: readonly [RevisionRef, RevisionRef]): Promise<CodeChange[]> {
  const git = simpleGit(project);
  const tip = head.commit ?? 'HEAD';
  const mergeBase = (await git.raw(['merge-base', base.commit!, tip]).catch(() => base.commit!)).trim();
  // -z: paths as they are, whatever characters they hold; --no-renames: both sides of a rename are named.
  const diffArgs = ['diff', '--no-renames', '--name-status', '-z', mergeBase, ...(head.commit !== undefined ? [head.commit] : []), '--'];
  const fields = (await git.raw(diffArgs)).split('\0').filter((f) => f !== '');
  const changes = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) changes.set(fields[i + 1], fields[i]);
  if (head.commit === undefined) {
    for (const file of (await git.raw(['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter((f) => f !== '')) changes.set(file, 'A');
  }
  const out: CodeChange[] = [];
  for (const [file, status] of [...changes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // A data file's content is read as data; a change of its type (to a symlink, say) is not content.
    if (DATA_PATHS.has(file) && status !== 'T') continue;
    const blob = status === 'D' ? undefined : (head.commit !== undefined
      ? (await git.raw(['rev-parse', `${head.commit}:${file}`])).trim()
      : (await git.raw(['hash-object', '--', file])).trim());
    out.push({ path: file, status, ...(blob !== undefined ? { blob } : {}) });
  }
  return out;
}
