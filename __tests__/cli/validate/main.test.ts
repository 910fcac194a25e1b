import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../../cli/validate/main';
import { EXAMPLE_FILES, exampleRepository, folderOf } from '../../fixtures/git';
import { runScript } from '../../fixtures/project';
import { synthesizeInProcess } from '../../fixtures/synth';

const ENV = { RDS_IAM_NOW: '2026-06-15T00:00:00Z' };
const ROOT = path.resolve(__dirname, '..', '..', '..');

const edit = (dir: string, file: string, from: string, to: string) => {
  const full = path.join(dir, file);
  const text = fs.readFileSync(full, 'utf8');
  expect(text).toContain(from);
  fs.writeFileSync(full, text.replace(from, to));
};

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
    const dir = folderOf({ 'config.ts': EXAMPLE_FILES['config.ts'], 'users.ts': `import * as fs from 'fs';
RegExp.prototype.test = () => true;
fs.writeFileSync('ran.txt', 'users.ts ran');
export const users = [{ username: process.argv.length > 2 ? 'eve' : "eve'; x", access: { orders: 'admin' } }];` });
    await expect(validate(dir)).rejects.toThrow(/users\.ts must be plain data[^]*users\.ts:1:1: an import that loads code[^]*users\.ts:2:1: only `export const users = …;`[^]*users\.ts:4:35: an expression is code, not a value/);
    expect(fs.existsSync(path.join(dir, 'ran.txt'))).toBe(false);
    expect(fs.existsSync('ran.txt')).toBe(false);
  });

  test('--project validates another checkout\'s data with this code', async () => {
    const dir = folderOf({ 'config.ts': EXAMPLE_FILES['config.ts'], 'users.ts': "export const users = [{ username: 'root', access: { orders: 'read' } }];\n" });
    await expect(validate(ROOT, ['--project', dir])).rejects.toThrow(/users\[0\] \("root"\): username "root" is reserved/);
  });

  test.each(['users.ts', 'services.ts', 'config.ts'] as const)('fails when %s becomes a symbolic link, in git and on disk', async (file) => {
    const { dir, git } = exampleRepository();
    fs.rmSync(path.join(dir, file));
    fs.symlinkSync(EXAMPLE_FILES[file], path.join(dir, file));
    const refused = new RegExp(`${file.replace('.', '\\.')} is a symbolic link, not a regular file`);
    await expect(validate(dir, ['--base', 'main'])).rejects.toThrow(refused);
    git('add', '-A');
    git('commit', '-q', '-m', 'pull request');
    await expect(validate(dir, ['--base', 'main~1', '--head', 'main'])).rejects.toThrow(refused);
  });

  test('fails on an expired entry that synth would only lock', async () => {
    const dir = folderOf({ 'config.ts': EXAMPLE_FILES['config.ts'], 'users.ts': "export const users = [{ username: 'temp.person', access: { orders: 'read' }, expires: '2026-01-31' }];\n" });
    await expect(validate(dir)).rejects.toThrow(/access expired after 2026-01-31/);
  });

  test('--base fails when more than 3 people lose all access, until exactly that removal is acknowledged', async () => {
    const { dir } = exampleRepository();
    fs.writeFileSync(path.join(dir, 'users.ts'), "export const users = [{ username: 'alice.ng', access: { orders: 'admin' } }];\n");
    const refused = await validate(dir, ['--base', 'main']).then(() => undefined, (error: Error) => error.message);
    expect(refused).toMatch(/^mass removal against main:\n {2}- 4 of 5 people lose all database access \(more than 3\): bob\.kowalski, carla\.mendes, dev\.patel, erin\.contractor/);
    const code = /RDS_IAM_ACKNOWLEDGE_REMOVAL=(remove-5-0-[0-9a-f]{32})/.exec(refused ?? '')?.[1];
    expect(code).toBeDefined();
    const acknowledged = await validate(dir, ['--base', 'main'], { RDS_IAM_ACKNOWLEDGE_REMOVAL: code! });
    expect(acknowledged).toContain(`Mass removal against main acknowledged (${code}).`);
  });

  test('--base fails when expiries brought forward remove 4 of 5 people within the window', async () => {
    const { dir } = exampleRepository();
    let users = fs.readFileSync(path.join(dir, 'users.ts'), 'utf8');
    for (const name of ['bob.kowalski', 'carla.mendes', 'dev.patel']) users = users.replace(`username: '${name}',`, `username: '${name}', expires: '2026-06-16',`);
    users = users.replace("expires: '2030-06-30'", "expires: '2026-06-17'");
    fs.writeFileSync(path.join(dir, 'users.ts'), users);
    const refused = await validate(dir, ['--base', 'main']).then(() => undefined, (error: Error) => error.message);
    expect(refused).toMatch(/^mass removal against main:\n {2}- 4 of 5 people lose all database access at once or within 7 days \(more than 3\): bob\.kowalski \(expiry brought forward\), carla\.mendes \(expiry brought forward\), dev\.patel \(expiry brought forward\), erin\.contractor \(expiry brought forward\)/);
    // A window that ends before the expiries lets the same change through.
    await expect(validate(dir, ['--base', 'main', '--removal-window-days', '0'])).resolves.toContain('are valid');
  });

  test('--base fails on a code change until a code owner acknowledges exactly those contents', async () => {
    const { dir, git } = exampleRepository();
    fs.mkdirSync(path.join(dir, 'stacks'));
    fs.writeFileSync(path.join(dir, 'stacks/users-stack.ts'), '// grants admin to everyone\n');
    const refused = await validate(dir, ['--base', 'main']).then(() => undefined, (error: Error) => error.message);
    expect(refused).toMatch(/^1 file changed besides the data files \(the access report cannot say what code does\):\n {2}- stacks\/users-stack\.ts \(A\)\n/);
    const code = /RDS_IAM_ACKNOWLEDGE_CODE=(code-1-[0-9a-f]{32})/.exec(refused ?? '')?.[1];
    expect(code).toBeDefined();
    await expect(validate(dir, ['--base', 'main'], { RDS_IAM_ACKNOWLEDGE_CODE: code! })).resolves.toContain(`Code changes against main acknowledged (${code}): stacks/users-stack.ts.`);
    // Pushed again with other contents, the old acknowledgement covers nothing.
    fs.writeFileSync(path.join(dir, 'stacks/users-stack.ts'), '// grants admin to everyone, and more\n');
    await expect(validate(dir, ['--base', 'main'], { RDS_IAM_ACKNOWLEDGE_CODE: code! })).rejects.toThrow(/The acknowledgement given \("code-1-[0-9a-f]{32}"\) is for another set of code changes/);
    expect(git('status', '--porcelain')).toContain('stacks/');
    // Every approving review's code is passed: a stale or bogus one beside it hides nothing.
    const fresh = /RDS_IAM_ACKNOWLEDGE_CODE=(code-1-[0-9a-f]{32})/.exec(await validate(dir, ['--base', 'main']).then(() => '', (error: Error) => error.message))![1];
    await expect(validate(dir, ['--base', 'main'], { RDS_IAM_ACKNOWLEDGE_CODE: `code-1-bogus ${code} ${fresh}` })).resolves.toContain('Code changes against main acknowledged');
  });

  test('--base --head validates the data files of the head commit, not of the working tree', async () => {
    const { dir, git } = exampleRepository();
    edit(dir, 'users.ts', "access: { billing: 'read' }", "access: { billing: 'owner' }");
    git('commit', '-q', '-am', 'pull request');
    git('checkout', '-q', 'main~1');
    await expect(validate(dir, ['--base', 'main~1', '--head', 'main'])).rejects.toThrow(/unknown tier "owner"/);
  });
});

