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
    expect(out).toContain('| `orders-api` (service) | — | write | — |  | Order service, PLAT-500 |');
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
});
