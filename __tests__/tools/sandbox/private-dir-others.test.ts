/**
 * The private folder against another local user (here `nobody`, so root only):
 * XDG_RUNTIME_DIR pointing at their folder, a parent of theirs, their `rds-iam-sandbox` made first.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createPrivateFolder, sandboxBase, sandboxDir } from '../../../tools/sandbox/private-dir';

const asRoot = process.getuid?.() === 0 ? describe : describe.skip;

asRoot("the sandbox's folder, against another local user", () => {
  let scratch = '';
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-held-'));
    fs.chmodSync(scratch, 0o755);
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const theirs = (name: string, mode: number) => {
    const dir = path.join(scratch, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, mode);
    execFileSync('chown', ['nobody', dir]);
    return dir;
  };

  test("an $XDG_RUNTIME_DIR of theirs (0700, or a link to ours) is not used: the cache folder is", () => {
    const home = path.join(scratch, 'home');
    expect(sandboxBase({ XDG_RUNTIME_DIR: theirs('run', 0o700), HOME: home })).toBe(path.join(home, '.cache', 'rds-iam-sandbox'));
    const ours = path.join(scratch, 'ours');
    fs.mkdirSync(ours, { mode: 0o700 });
    fs.symlinkSync(ours, path.join(scratch, 'run-link'));
    expect(sandboxBase({ XDG_RUNTIME_DIR: path.join(scratch, 'run-link'), HOME: home })).toBe(path.join(home, '.cache', 'rds-iam-sandbox'));
  });

  test('a cache folder of theirs, or their rds-iam-sandbox made first, is refused before anything is created in it', () => {
    const cache = theirs('cache', 0o777);
    expect(() => createPrivateFolder(sandboxDir({ XDG_CACHE_HOME: cache }, '/work/checkout'))).toThrow(/another user can write there/);
    expect(fs.readdirSync(cache)).toEqual([]);
    const mine = path.join(scratch, 'mine');
    fs.mkdirSync(mine, { mode: 0o700 });
    fs.mkdirSync(path.join(mine, 'rds-iam-sandbox'), { mode: 0o700 });
    execFileSync('chown', ['nobody', path.join(mine, 'rds-iam-sandbox')]);
    expect(() => createPrivateFolder(sandboxDir({ XDG_CACHE_HOME: mine }, '/work/checkout'))).toThrow(/belongs to uid/);
  });

  test('RDS_IAM_SANDBOX_DIR in a shared sticky folder is refused (its parent is not private)', () => {
    const shared = theirs('shared', 0o1777);
    execFileSync('chown', ['root', shared]);
    expect(() => createPrivateFolder(sandboxDir({ RDS_IAM_SANDBOX_DIR: path.join(shared, 'sb') }, '/work/checkout'))).toThrow(/mode 1777|not 700/);
  });
});
