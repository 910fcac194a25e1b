import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../../cli/access-report/main';
import { EXAMPLE_FILES, exampleRepository } from '../../fixtures/git';
import { runScript } from '../../fixtures/project';
import { synthesizeInProcess } from '../../fixtures/synth';

const ENV = { RDS_IAM_NOW: '2026-06-15T00:00:00Z' };
const ROOT = path.resolve(__dirname, '..', '..', '..');

const report = async (...args: string[]) => {
  let out = '';
  await main(args, ENV, (text) => (out += text), synthesizeInProcess);
  return out;
};

const edit = (dir: string, file: string, from: string, to: string) => {
  const full = path.join(dir, file);
  const text = fs.readFileSync(full, 'utf8');
  expect(text).toContain(from);
  fs.writeFileSync(full, text.replace(from, to));
};

describe('npm run access-report', () => {
  test('fails when a data file becomes a symbolic link whose text in git is the old data', async () => {
    // git show reads a symlink's target name; a checkout follows it (here: to nothing, so no services at all).
    const { dir, git } = exampleRepository();
    fs.rmSync(path.join(dir, 'services.ts'));
    fs.symlinkSync(EXAMPLE_FILES['services.ts'], path.join(dir, 'services.ts'));
    git('add', '-A');
    git('commit', '-q', '-m', 'pull request');
    await expect(report('--project', dir, '--base', 'main~1', '--head', 'main'))
      .rejects.toThrow(/main: services\.ts is a symbolic link, not a regular file; a data file must be the file itself/);
  });

  test('as a process: fails on an unknown base with exit code 1 and the reason', () => {
    const { dir } = exampleRepository();
    const result = runScript(ROOT, 'cli/access-report/main.ts', ['--project', dir, '--base', 'no-such-branch'], ENV);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('access-report: "no-such-branch" is not a commit in this repository (fetch it first, e.g. actions/checkout with fetch-depth: 0)\n');
    expect(result.status).toBe(1);
  });

  test('prints the access matrix of what synth deploys', async () => {
    const out = await report('--project', ROOT);
    expect(out.split('\n')[0]).toBe('| Person or service | `billing` | `orders` | `sandbox` | Expires | Reason |');
    expect(out).toContain('| `alice.ng` (Alice Ng) | admin | admin | admin |  | DBA on call |');
    // services.ts, read as data like users.ts.
    expect(out).toContain('| `orders-api` (service, owner team-orders) | — | write | — |  | Order service, PLAT-500 |');
  });

  test('against a base shows what the working tree changes, users.ts and config.ts alike, and leaves no worktree behind', async () => {
    const { dir, git } = exampleRepository();
    edit(dir, 'users.ts', "access: { billing: 'read' }", "access: { billing: 'write', orders: 'read' }");
    edit(dir, 'config.ts', "schemas: ['public', 'reporting']", "schemas: ['public', 'reporting', 'audit']");
    const out = await report('--project', dir, '--base', 'main');
    expect(out).toContain('**Gains access**\n- `carla.mendes` (Carla Mendes): `orders` read');
    expect(out).toContain('**Tier changes**\n- `carla.mendes`: `billing` read → write');
    expect(out).toContain('**Schemas and databases the tiers reach**\n- `orders`: + `schema audit`');
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  test('fails when --base is an option in disguise, and git never sees it as one', async () => {
    const { dir } = exampleRepository();
    await expect(report('--project', dir, '--base=--output=users.ts')).rejects.toThrow(/"--output=users.ts" is not a commit/);
    expect(fs.readFileSync(path.join(dir, 'users.ts'), 'utf8')).toBe(EXAMPLE_FILES['users.ts']);
  });

  test('names every file changed besides the data files, and computes the report from data alone', async () => {
    const { dir, git } = exampleRepository();
    // The attack: code that rewrites what synth reads, except while a report runs. It is never run here.
    fs.mkdirSync(path.join(dir, '.gen/providers/mysql'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.gen/providers/mysql/index.ts'), "require('fs').writeFileSync('ran.txt', 'code from the pull request ran');\n");
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"x"}\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'pull request');
    const out = await report('--project', dir, '--base', 'main~1', '--head', 'main');
    expect(out).toMatch(/^## Database access changes `main` against `main~1`\n\n> \[!CAUTION\]\n> \*\*Code changes: 2 files besides the data files\.\*\*/);
    expect(out).toContain('> - `.gen/providers/mysql/index.ts` added\n> - `package.json` added');
    expect(out).toMatch(/Acknowledge-code: code-2-[0-9a-f]{32}/);
    expect(out).toContain('No access changes.');
    expect(fs.existsSync(path.join(dir, 'ran.txt'))).toBe(false);
  });

  test('a data-only change gets the report it always had, with no code warning', async () => {
    const { dir, git } = exampleRepository();
    edit(dir, 'users.ts', "access: { billing: 'read' }", "access: { billing: 'write' }");
    git('commit', '-q', '-am', 'pull request');
    const out = await report('--project', dir, '--base', 'main~1', '--head', 'main');
    expect(out).toBe('## Database access changes `main` against `main~1`\n\n**Tier changes**\n- `carla.mendes`: `billing` read → write\n');
  });

  test('reads --head from git, never from the working tree', async () => {
    const { dir, git } = exampleRepository();
    git('checkout', '-q', '-b', 'pr');
    edit(dir, 'users.ts', "access: { billing: 'read' }", "access: { billing: 'admin' }");
    git('commit', '-q', '-am', 'pull request');
    git('checkout', '-q', 'main');
    edit(dir, 'users.ts', "access: { billing: 'read' }", "access: { billing: 'write' }");
    const out = await report('--project', dir, '--base', 'main', '--head', 'pr');
    expect(out).toContain('`billing` read → admin');
  });

  test('shows a provider connection moved to another host, which the access model does not read', async () => {
    const { dir } = exampleRepository();
    edit(dir, 'config.ts', "      allowedCidrs: ['10.20.0.0/16'],\n    },\n    billing", "      allowedCidrs: ['10.20.0.0/16'],\n      connection: { host: 'db.elsewhere.example', sslMode: 'require' },\n    },\n    billing");
    const out = await report('--project', dir, '--base', 'main');
    expect(out).not.toContain('No access changes.');
    expect(out).toMatch(/\*\*Everything else that deploys \(Terraform JSON paths\)\*\*\n[^]*- `users-orders provider\.postgresql\[0\]\.host`: `"\$\{data\.terraform_remote_state[^`]*` → `"db\.elsewhere\.example"`/);
    expect(out).toContain('- `users-orders provider.postgresql[0].sslmode`: `"verify-full"` → `"require"`');
  });

  test('fails when the pull request turns config.ts into code, naming the line', async () => {
    const { dir, git } = exampleRepository();
    edit(dir, 'config.ts', "      engineVersion: '16',\n      databaseName: 'orders',", "      engineVersion: process.env.CI ? '16' : '15',\n      databaseName: 'orders',");
    git('commit', '-q', '-am', 'pull request');
    await expect(report('--project', dir, '--base', 'main~1', '--head', 'main')).rejects.toThrow(/^main: config\.ts must be plain data[^]*config\.ts:\d+:22: an expression is code, not a value/);
  });
});

