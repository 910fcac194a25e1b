import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../../cli/access-report/main';
import { config } from '../../../config';
import { commitAll, repositoryOf } from '../../fixtures/git';
import { projectCopy, runScript } from '../../fixtures/project';
import { inProcessSynthesizer } from '../../fixtures/synth';

const ENV = { RDS_IAM_NOW: '2026-06-15T00:00:00Z' };
const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE_USERS = fs.readFileSync(path.join(ROOT, 'users.ts'), 'utf8');
const synth = inProcessSynthesizer(config);

const report = async (...args: string[]) => {
  let out = '';
  await main(args, ENV, (text) => (out += text), synth);
  return out;
};

const edit = (dir: string, file: string, from: string, to: string) => {
  const full = path.join(dir, file);
  const text = fs.readFileSync(full, 'utf8');
  expect(text).toContain(from);
  fs.writeFileSync(full, text.replace(from, to));
};

describe('npm run access-report', () => {
  test('as a process, against a base: what the working tree changes, users.ts and config.ts alike, synthesized by each revision\'s own app, leaving no worktree behind', () => {
    const { dir, git } = commitAll(projectCopy());
    edit(dir, 'users.ts', "access: { billing: 'read' }", "access: { billing: 'write', orders: 'read' }");
    edit(dir, 'config.ts', "schemas: ['public', 'reporting']", "schemas: ['public', 'reporting', 'audit']");
    const result = runScript(dir, 'cli/access-report/main.ts', ['--base', 'main'], ENV);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('**Gains access**\n- `carla.mendes` (Carla Mendes): `orders` read');
    expect(result.stdout).toContain('**Tier changes**\n- `carla.mendes`: `billing` read → write');
    expect(result.stdout).toContain('**Schemas and databases the tiers reach**\n- `orders`: + `schema audit`');
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  test('prints the access matrix of what synth deploys', async () => {
    const out = await report('--project', ROOT);
    expect(out.split('\n')[0]).toBe('| Person | `billing` | `orders` | `sandbox` | Expires | Reason |');
    expect(out).toContain('| `alice.ng` (Alice Ng) | admin | admin | admin |  | DBA on call |');
  });

  test('fails clearly on an unknown base', async () => {
    const { dir } = repositoryOf({ 'users.ts': EXAMPLE_USERS });
    await expect(report('--project', dir, '--base', 'no-such-branch')).rejects.toThrow(/"no-such-branch" is not a commit in this repository/);
  });

  test('fails when --base is an option in disguise, and git never sees it as one', async () => {
    const { dir } = repositoryOf({ 'users.ts': EXAMPLE_USERS });
    await expect(report('--project', dir, '--base=--output=users.ts')).rejects.toThrow(/"--output=users.ts" is not a commit/);
    expect(fs.readFileSync(path.join(dir, 'users.ts'), 'utf8')).toBe(EXAMPLE_USERS);
  });
});
