import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { projectCopy, runScript } from '../../fixtures/project';

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const ENV = { RDS_IAM_NOW: '2026-06-15T00:00:00Z' };

/** A git repository of the project with one commit on main, for `--base`. */
function repository(): { dir: string; git: (...args: string[]) => string } {
  const dir = projectCopy();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\ncdktf.out\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  return { dir, git };
}

describe('npm run access-report', () => {
  const { dir, git } = repository();
  const report = (...args: string[]) => runScript(dir, 'cli/access-report/main.ts', args, ENV);
  const edit = (file: string, from: string, to: string) => {
    const full = path.join(dir, file);
    const text = fs.readFileSync(full, 'utf8');
    expect(text).toContain(from);
    fs.writeFileSync(full, text.replace(from, to));
  };

  test('prints the access matrix of what synth deploys', () => {
    const result = report();
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')[0]).toBe('| Person | `billing` | `orders` | `sandbox` | Expires | Reason |');
    expect(result.stdout).toContain('| `alice.ng` (Alice Ng) | admin | admin | admin |  | DBA on call |');
  });

  test('against a base shows what the working tree changes, users.ts and config.ts alike, and leaves no worktree behind', () => {
    edit('users.ts', "access: { billing: 'read' }", "access: { billing: 'write', orders: 'read' }");
    edit('config.ts', "schemas: ['public', 'reporting']", "schemas: ['public', 'reporting', 'audit']");
    const result = report('--base', 'main');
    git('checkout', '-q', '--', 'users.ts', 'config.ts');
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('**Gains access**\n- `carla.mendes` (Carla Mendes): `orders` read');
    expect(result.stdout).toContain('**Tier changes**\n- `carla.mendes`: `billing` read → write');
    expect(result.stdout).toContain('**Schemas and databases the tiers reach**\n- `orders`: + `schema audit`');
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  test('fails clearly on an unknown base', () => {
    const result = report('--base', 'no-such-branch');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/access-report: "no-such-branch" is not a commit in this repository/);
  });

  test('fails when --base is an option in disguise, and git never sees it as one', () => {
    const before = fs.readFileSync(path.join(dir, 'users.ts'), 'utf8');
    const result = report('--base=--output=users.ts');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/"--output=users.ts" is not a commit/);
    expect(fs.readFileSync(path.join(dir, 'users.ts'), 'utf8')).toBe(before);
  });
});

describe('npm run validate -- --base', () => {
  const { dir } = repository();
  fs.writeFileSync(path.join(dir, 'users.ts'), "export const users = [{ username: 'alice.ng', access: { orders: 'admin' } }];\n");
  const validate = (env: Record<string, string> = {}) => runScript(dir, 'cli/validate/main.ts', ['--base', 'main'], { ...ENV, ...env });

  test('fails when more than 3 people lose all access, until exactly that removal is acknowledged', () => {
    const refused = validate();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/validate: mass removal against main:\n {2}- 4 of 5 people lose all database access \(more than 3\): bob\.kowalski, carla\.mendes, dev\.patel, erin\.contractor/);
    const code = /RDS_IAM_ACKNOWLEDGE_REMOVAL=(remove-4-0-[0-9a-f]{8})/.exec(refused.stderr)?.[1];
    expect(code).toBeDefined();
    const acknowledged = validate({ RDS_IAM_ACKNOWLEDGE_REMOVAL: code! });
    expect(acknowledged.stderr).toBe('');
    expect(acknowledged.stdout).toContain(`Mass removal against main acknowledged (${code}).`);
    expect(acknowledged.status).toBe(0);
  });
});
