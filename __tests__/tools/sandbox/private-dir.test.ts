import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createPrivateFolder, privateFolderProblem, sandboxBase, sandboxDir } from '../../../tools/sandbox/private-dir';
import { runningSandbox, stopSandbox } from '../../../tools/sandbox/sandbox';

describe("the sandbox's private folder", () => {
  let scratch = '';
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-dir-'));
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test('is under $XDG_RUNTIME_DIR when that is private, else under the cache folder; never in the shared temporary folder', () => {
    const runtime = path.join(scratch, 'run');
    fs.mkdirSync(runtime, { mode: 0o700 });
    const home = path.join(scratch, 'home');
    expect(sandboxBase({ XDG_RUNTIME_DIR: runtime, HOME: home })).toBe(path.join(runtime, 'rds-iam-sandbox'));
    expect(sandboxBase({ HOME: home })).toBe(path.join(home, '.cache', 'rds-iam-sandbox'));
    fs.chmodSync(runtime, 0o755);
    expect(sandboxBase({ XDG_RUNTIME_DIR: runtime, HOME: home })).toBe(path.join(home, '.cache', 'rds-iam-sandbox'));
    expect(sandboxDir({ HOME: home }, '/work/checkout')).toMatch(new RegExp(`^${home}/\\.cache/rds-iam-sandbox/[0-9a-f]{8}$`));
    expect(sandboxDir({ HOME: home }, '/work/checkout').startsWith(os.tmpdir())).toBe(scratch.startsWith(os.tmpdir()) && home.startsWith(os.tmpdir()));
  });

  test('is created new with mode 0700, its parent too', () => {
    const dir = sandboxDir({ HOME: path.join(scratch, 'home') }, '/work/checkout');
    createPrivateFolder(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.dirname(dir)).mode & 0o777).toBe(0o700);
    expect(() => createPrivateFolder(dir)).toThrow(/EEXIST/);
  });

  test('fails when the folder is open to others, or a link', () => {
    const open = path.join(scratch, 'open');
    fs.mkdirSync(open, { mode: 0o777 });
    fs.chmodSync(open, 0o777);
    expect(privateFolderProblem(open)).toMatch(/mode 777, not 700/);
    fs.symlinkSync(open, path.join(scratch, 'link'));
    expect(privateFolderProblem(path.join(scratch, 'link'))).toMatch(/symbolic link/);
    fs.chmodSync(open, 0o700);
    expect(privateFolderProblem(open)).toBeUndefined();
  });

  (process.getuid?.() === 0 ? test : test.skip)("fails when the folder is another user's, and stop neither reads nor removes it", () => {
    const theirs = path.join(scratch, 'theirs');
    fs.mkdirSync(theirs, { mode: 0o700 });
    fs.writeFileSync(path.join(theirs, 'sandbox.json'), JSON.stringify({ processes: [] }));
    execFileSync('chown', ['-R', 'nobody', theirs]);
    expect(privateFolderProblem(theirs)).toMatch(/belongs to uid 65534/);
    expect(() => stopSandbox(theirs)).toThrow(/refusing to trust/);
    expect(fs.existsSync(path.join(theirs, 'sandbox.json'))).toBe(true);
  });

  test('a state file planted at the old shared location is ignored: nothing it names is read, ended or removed', () => {
    // Where the sandbox kept its state before: <tmp>/rds-iam-sandbox-<hash of the checkout>, predictable by anyone.
    const source = path.join(scratch, 'checkout');
    const old = path.join(os.tmpdir(), `rds-iam-sandbox-${require('crypto').createHash('sha256').update(source).digest('hex').slice(0, 8)}`);
    const victim = path.join(scratch, 'victim');
    fs.mkdirSync(victim);
    fs.mkdirSync(old, { mode: 0o777 });
    try {
      const planted = JSON.stringify({ source: victim, project: victim, processes: [{ what: 'x', pid: process.pid, signal: 'SIGKILL' }] });
      fs.writeFileSync(path.join(old, 'sandbox.json'), planted);
      const dir = sandboxDir({ HOME: path.join(scratch, 'home') }, source);
      expect(dir).not.toBe(old);
      expect(runningSandbox(dir)).toBeUndefined();
      expect(stopSandbox(dir)).toBe(false);
      expect(fs.readFileSync(path.join(old, 'sandbox.json'), 'utf8')).toBe(planted);
      expect(fs.existsSync(victim)).toBe(true);
    } finally {
      fs.rmSync(old, { recursive: true, force: true });
    }
  });
});
