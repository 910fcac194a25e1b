/**
 * How the real-engine tests and the bench run the sandbox as an ordinary user when they
 * themselves run as root (as CI does): as `nobody`, through `setpriv`, with a home folder of
 * its own in a scratch folder (its `~/.cache` holds the sandbox, its TMPDIR tsx's cache), so
 * nothing it writes lands anywhere else and `remove()` takes it all away. Not root: as
 * ourselves, with the same scratch home, so a user's own ~/.cache is never touched.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_MODULES, projectCopy } from '../shared/project-copy';

const ACCOUNT = 'nobody';

export interface UnprivilegedAccount {
  readonly user: string;
  readonly uid: number;
  /** Its home for this run: HOME, with TMPDIR inside. */
  readonly home: string;
  /** The environment its processes get. */
  readonly env: NodeJS.ProcessEnv;
  /** `command args` as this account. */
  command(command: string, args: readonly string[]): [string, string[]];
  /** Gives `file` (recursively) to the account. */
  own(file: string): void;
  /** A copy of this project in its home that it can run: node_modules it can reach (see readableModules). */
  checkout(prefix: string): string;
  /** Removes its home and everything in it, and any copy of node_modules made for it. */
  remove(): void;
}

/** Whether every folder above `file` lets others through (x for others): a checkout under /root does not. */
function traversableByOthers(file: string): boolean {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) return false;
    if (path.dirname(dir) === dir) return true;
  }
}

/**
 * node_modules the account can read: this checkout's where others may reach it, else a copy of
 * hard links beside `home` (one filesystem: instant, no bytes copied; the files are readable by
 * all as npm installs them), outside `home` so that giving `home` to the account never changes
 * the owner of the checkout's own files.
 */
function readableModules(parent: string, made: string[]): string {
  if (process.getuid?.() !== 0 || traversableByOthers(PROJECT_MODULES)) return PROJECT_MODULES;
  // Named node_modules: Node finds a package's dependencies in folders of that name above it.
  const holder = fs.mkdtempSync(path.join(parent, 'modules-'));
  fs.chmodSync(holder, 0o755);
  const copy = path.join(holder, 'node_modules');
  execFileSync('cp', ['-al', PROJECT_MODULES, copy]);
  made.push(holder);
  return copy;
}

/**
 * Terraform's CLI configuration (TF_CLI_CONFIG_FILE) and its filesystem mirrors copied into
 * `home` when the account cannot read them (root's own, under /root), so `terraform init`
 * installs the providers there as it does for root.
 */
function readableTerraformConfig(home: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const file = env.TF_CLI_CONFIG_FILE;
  if (!file || !fs.existsSync(file)) return {};
  let text = fs.readFileSync(file, 'utf8');
  let n = 0;
  text = text.replace(/(filesystem_mirror\s*\{[^}]*?path\s*=\s*")([^"]+)(")/g, (_all, before: string, mirror: string, after: string) => {
    const copy = path.join(home, `terraform-mirror-${n++}`);
    if (fs.existsSync(mirror)) fs.cpSync(mirror, copy, { recursive: true });
    return `${before}${copy}${after}`;
  });
  const copied = path.join(home, 'terraformrc');
  fs.writeFileSync(copied, text);
  return { TF_CLI_CONFIG_FILE: copied };
}

/** A fresh home in `parent` for an unprivileged account (`nobody` when we are root, else ourselves). */
export function unprivilegedAccount(parent: string = os.tmpdir()): UnprivilegedAccount {
  const root = process.getuid?.() === 0;
  const home = fs.mkdtempSync(path.join(parent, 'home-'));
  const tmp = path.join(home, 'tmp');
  fs.mkdirSync(tmp);
  const user = root ? ACCOUNT : os.userInfo().username;
  const uid = root ? Number(execFileSync('id', ['-u', ACCOUNT], { encoding: 'utf8' }).trim()) : os.userInfo().uid;
  const gid = root ? Number(execFileSync('id', ['-g', ACCOUNT], { encoding: 'utf8' }).trim()) : os.userInfo().gid;
  const base: NodeJS.ProcessEnv = { ...process.env };
  // Its own runtime and cache folders are under its home: never the invoking user's.
  for (const name of ['XDG_RUNTIME_DIR', 'XDG_CACHE_HOME', 'RDS_IAM_SANDBOX_DIR', 'AWS_PROFILE', 'AWS_CONFIG_FILE']) delete base[name];
  const env: NodeJS.ProcessEnv = { ...base, HOME: home, USER: user, LOGNAME: user, TMPDIR: tmp, ...(root ? readableTerraformConfig(home, process.env) : {}) };
  const own = (file: string) => {
    if (root) execFileSync('chown', ['-R', `${uid}:${gid}`, file]);
  };
  own(home);
  fs.chmodSync(home, 0o700);
  const made: string[] = [];
  let modules: string | undefined;
  return {
    user, uid, home, env, own,
    command: (command, args) => (root ? ['setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', command, ...args]] : [command, [...args]]),
    checkout: (prefix) => {
      modules ??= readableModules(parent, made);
      const dir = projectCopy(prefix, home, modules);
      own(dir);
      return dir;
    },
    remove: () => {
      for (const dir of [home, ...made]) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
