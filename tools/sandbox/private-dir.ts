/**
 * Where a sandbox keeps its state, and the checks that make it its user's alone: a folder
 * created new with mode 0700 under the user's runtime folder (`$XDG_RUNTIME_DIR`) or cache
 * folder (`~/.cache`), never a predictable path in a shared temporary folder, and checked (a
 * real folder, not a link; owned by this user; mode 0700) before any file in it is trusted.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Names the sandbox's folder instead of the default one per checkout; it gets the same checks. */
export const SANDBOX_DIR_ENV = 'RDS_IAM_SANDBOX_DIR';
const BASE_NAME = 'rds-iam-sandbox';

const uid = (): number => process.getuid?.() ?? -1;

/** Why `dir` is not a folder only this user can use, or undefined when it is. */
export function privateFolderProblem(dir: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return `${dir} does not exist`;
  }
  if (stat.isSymbolicLink()) return `${dir} is a symbolic link`;
  if (!stat.isDirectory()) return `${dir} is not a folder`;
  if (stat.uid !== uid()) return `${dir} belongs to uid ${stat.uid}, not to this user (uid ${uid()})`;
  if ((stat.mode & 0o777) !== 0o700) return `${dir} has mode ${(stat.mode & 0o777).toString(8)}, not 700`;
  return undefined;
}

/** Throws unless `dir` is this user's private folder (see privateFolderProblem). */
export function assertPrivateFolder(dir: string): void {
  const problem = privateFolderProblem(dir);
  if (problem) throw new Error(`refusing to trust the sandbox's folder: ${problem}`);
}

/** Whether `dir` is a usable parent: owned by this user or root, and not writable by others unless sticky (as /tmp is). */
function safeParent(dir: string): boolean {
  try {
    const stat = fs.statSync(dir);
    return stat.isDirectory() && (stat.uid === uid() || stat.uid === 0) && ((stat.mode & 0o022) === 0 || (stat.mode & 0o1000) !== 0);
  } catch {
    return false;
  }
}

/** `$XDG_RUNTIME_DIR` when it is this user's private folder (as the spec makes it), else the cache folder. */
function userFolder(env: NodeJS.ProcessEnv): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && path.isAbsolute(runtime) && privateFolderProblem(runtime) === undefined) return runtime;
  const cache = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(env.HOME || os.homedir(), '.cache');
  return cache;
}

/** The folder holding this user's sandboxes: `<runtime or cache folder>/rds-iam-sandbox`. */
export function sandboxBase(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userFolder(env), BASE_NAME);
}

/** `RDS_IAM_SANDBOX_DIR`, else one folder per checkout in sandboxBase. */
export function sandboxDir(env: NodeJS.ProcessEnv, source: string): string {
  return env[SANDBOX_DIR_ENV] || path.join(sandboxBase(env), createHash('sha256').update(path.resolve(source)).digest('hex').slice(0, 8));
}

/**
 * Makes sure the parent of `dir` exists and is private (creating it with mode 0700 when
 * missing), so nothing but this user can put or replace anything at `dir`.
 */
export function preparePrivateParent(dir: string): void {
  const parent = path.dirname(dir);
  const grandparent = path.dirname(parent);
  fs.mkdirSync(grandparent, { recursive: true, mode: 0o700 });
  if (!safeParent(grandparent)) throw new Error(`refusing to keep the sandbox in ${grandparent}: another user can write there`);
  try {
    fs.mkdirSync(parent, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  assertPrivateFolder(parent);
}

/** Creates `dir` new with mode 0700 (failing if anything is already there), after checking its parent. */
export function createPrivateFolder(dir: string): void {
  preparePrivateParent(dir);
  fs.mkdirSync(dir, { mode: 0o700 });
  // mkdir's mode is cut by the umask; the check below wants exactly 0700.
  fs.chmodSync(dir, 0o700);
  assertPrivateFolder(dir);
}
