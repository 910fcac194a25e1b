import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { projectCopy, runScript } from '../../fixtures/project';

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

describe('npm run access-report', () => {
  const dir = projectCopy();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  const report = (...args: string[]) => runScript(dir, 'cli/access-report/main.ts', args, { RDS_IAM_NOW: '2026-06-15T00:00:00Z' });

  test('prints the access matrix of users.ts', () => {
    const result = report();
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('| Person | `billing` | `orders` | `sandbox` | Expires | Reason |');
    expect(result.stdout).toContain('| `alice.ng` (Alice Ng) | admin | admin | admin |  | DBA on call |');
  });

  test('against an unchanged base says there are no access changes', () => {
    const result = report('--base', 'main');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('## Database access changes against `main`\n\nNo access changes.\n');
  });

  test('against a base shows what the working tree changes', () => {
    const usersFile = path.join(dir, 'users.ts');
    const original = fs.readFileSync(usersFile, 'utf8');
    fs.writeFileSync(usersFile, original.replace("access: { billing: 'read' }", "access: { billing: 'write', orders: 'read' }"));
    const result = report('--base', 'main');
    fs.writeFileSync(usersFile, original);
    expect(result.stdout).toContain('**Gains access**\n- `carla.mendes` (Carla Mendes): `orders` read');
    expect(result.stdout).toContain('**Tier changes**\n- `carla.mendes`: `billing` read → write');
  });

  test('fails clearly on an unknown base', () => {
    const result = report('--base', 'no-such-branch');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Cannot read users.ts at "no-such-branch": not a commit in this repository/);
  });

  test('fails when --base is an option in disguise, and git never sees it as one', () => {
    const before = fs.readFileSync(path.join(dir, 'users.ts'), 'utf8');
    const result = report('--base=--output=users.ts');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Cannot read users.ts at "--output=users.ts": not a commit/);
    expect(fs.readFileSync(path.join(dir, 'users.ts'), 'utf8')).toBe(before);
  });
});
