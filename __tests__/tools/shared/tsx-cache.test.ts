import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COMMAND_RUNNER } from '../../../tools/shared/typescript-runner';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * tsx runs compiled code it finds in `<tmpdir>/tsx-<uid>`. In a shared /tmp another local user can
 * create that folder first, let our tsx fill it, and swap an entry for code of their own: the
 * guard loaded before tsx keeps the cache only in a folder that is ours and no one else may write.
 */
describe('tsx\'s compile cache (tools/shared/tsx-cache.cjs)', () => {
  let shared = '';
  let script = '';
  const uid = process.getuid?.() ?? 0;
  const marker = () => path.join(shared, 'ran-as-the-victim');

  beforeEach(() => {
    // Stands in for /tmp: writable by all, sticky.
    shared = fs.mkdtempSync(path.join(os.tmpdir(), 'shared-tmp-'));
    fs.chmodSync(shared, 0o1777);
    // In this checkout, where `--require tsx/cjs` resolves (jest's cache folder: ignored by git).
    const project = fs.mkdtempSync(path.join(ROOT, 'node_modules', '.cache', 'tsx-victim-'));
    script = path.join(project, 'entry.ts');
    // Stays up past the turn of the loop in which tsx writes its cache.
    fs.writeFileSync(script, "const answer: number = 42;\nsetTimeout(() => process.stdout.write(`answer ${answer}`), 300);\n");
  });
  afterEach(() => {
    fs.rmSync(shared, { recursive: true, force: true });
    fs.rmSync(path.dirname(script), { recursive: true, force: true });
  });

  /** The entry point as every command runs it, with `shared` as the temporary folder. */
  const run = () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: shared };
    delete env.TSX_DISABLE_CACHE;
    return spawnSync(process.execPath, [...COMMAND_RUNNER, script], { env, encoding: 'utf8', cwd: ROOT });
  };

  /** Replaces every cache entry with code that leaves the marker. */
  const plant = (cache: string) => {
    for (const name of fs.readdirSync(cache).filter((n) => /^\d+-[0-9a-f]{40}$/.test(n))) {
      fs.rmSync(path.join(cache, name));
      fs.writeFileSync(path.join(cache, name), JSON.stringify({ code: `require('fs').writeFileSync(${JSON.stringify(marker())}, 'ran');`, map: null }));
    }
  };

  test('fails when a cache folder another user created first (open to all) could feed us their code', () => {
    const cache = path.join(shared, `tsx-${uid}`);
    fs.mkdirSync(cache);
    fs.chmodSync(cache, 0o777);
    if (uid === 0) execFileSync('chown', ['nobody', cache]);
    expect(run().stdout).toBe('answer 42');
    plant(cache);
    expect(run().stdout).toBe('answer 42');
    expect(fs.existsSync(marker())).toBe(false);
  });

  test('keeps the cache where it is ours alone: made 0700 on first use, and used', () => {
    expect(run().stdout).toBe('answer 42');
    const cache = path.join(shared, `tsx-${uid}`);
    const found = fs.statSync(cache);
    expect([found.uid, found.mode & 0o777]).toEqual([uid, 0o700]);
    expect(fs.readdirSync(cache).length).toBeGreaterThan(0);
  });
});
