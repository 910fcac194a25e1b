import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../../cli/validate/main';
import { exampleRepository, folderOf } from '../../fixtures/git';
import { runScript } from '../../fixtures/project';
import { synthesizeInProcess } from '../../fixtures/synth';

const ENV = { RDS_IAM_NOW: '2026-06-15T00:00:00Z' };
const ROOT = path.resolve(__dirname, '..', '..', '..');

const validate = async (project: string, argv: string[] = [], env: NodeJS.ProcessEnv = {}) => {
  let out = '';
  await main(argv, { ...ENV, ...env }, (text) => (out += text), { project, synthesize: synthesizeInProcess });
  return out;
};

describe('npm run validate', () => {
  test('as a process: passes the example and exits 0', () => {
    const result = runScript(ROOT, 'cli/validate/main.ts', [], ENV);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^users\.ts, services\.ts and config\.ts are valid: \d+ people, \d+ services, 3 databases\.\n$/);
    expect(result.status).toBe(0);
  });

  test('fails when users.ts is code, naming the line, and never runs it', async () => {
    const dir = folderOf({ 'users.ts': `import * as fs from 'fs';
RegExp.prototype.test = () => true;
fs.writeFileSync('ran.txt', 'users.ts ran');
export const users = [{ username: process.argv.length > 2 ? 'eve' : "eve'; x", access: { orders: 'admin' } }];` });
    await expect(validate(dir)).rejects.toThrow(/users\.ts must be plain data[^]*users\.ts:1:1: an import that loads code[^]*users\.ts:2:1: only `export const users = \[ … \];`[^]*users\.ts:4:35: an expression is code, not a value/);
    expect(fs.existsSync(path.join(dir, 'ran.txt'))).toBe(false);
    expect(fs.existsSync('ran.txt')).toBe(false);
  });

  test('fails on an expired entry that synth would only lock', async () => {
    const dir = folderOf({ 'users.ts': "export const users = [{ username: 'temp.person', access: { orders: 'read' }, expires: '2026-01-31' }];\n" });
    await expect(validate(dir)).rejects.toThrow(/access expired after 2026-01-31/);
  });

  test('--base fails when more than 3 people lose all access, until exactly that removal is acknowledged', async () => {
    const { dir } = exampleRepository();
    fs.writeFileSync(path.join(dir, 'users.ts'), "export const users = [{ username: 'alice.ng', access: { orders: 'admin' } }];\n");
    const refused = await validate(dir, ['--base', 'main']).then(() => undefined, (error: Error) => error.message);
    expect(refused).toMatch(/^mass removal against main:\n {2}- 4 of 7 people lose all database access \(more than 3\): bob\.kowalski, carla\.mendes, dev\.patel, erin\.contractor/);
    const code = /RDS_IAM_ACKNOWLEDGE_REMOVAL=(remove-4-0-[0-9a-f]{8})/.exec(refused ?? '')?.[1];
    expect(code).toBeDefined();
    const acknowledged = await validate(dir, ['--base', 'main'], { RDS_IAM_ACKNOWLEDGE_REMOVAL: code! });
    expect(acknowledged).toContain(`Mass removal against main acknowledged (${code}).`);
  });
});
