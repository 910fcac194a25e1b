import * as fs from 'fs';
import * as path from 'path';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { config } from '../config';
import { users } from '../users';
import { validateInputs } from '../lib/validation/inputs';
import { fleet, NOW } from './fixtures/fleet';
import { projectCopy, runScript } from './fixtures/project';
import { synthApp } from './fixtures/synth';

const run = (dir: string, script: string) => runScript(dir, script, [], { RDS_IAM_NOW: NOW.toISOString() });

describe('the example app', () => {
  const stacks = synthApp({ config, users });

  test('declares a database and a users stack per database, and the Identity Center stack', () => {
    expect(Object.keys(stacks).sort()).toEqual([
      'database-billing', 'database-orders', 'database-sandbox', 'identity-center', 'users-billing', 'users-orders', 'users-sandbox',
    ]);
  });

  test('has a PostgreSQL instance and an Aurora MySQL cluster with IAM auth', () => {
    expect(stacks['database-orders']).toHaveResourceWithProperties(DbInstance, { engine: 'postgres', iam_database_authentication_enabled: true });
    expect(stacks['database-billing']).toHaveResourceWithProperties(RdsCluster, { engine: 'aurora-mysql', iam_database_authentication_enabled: true });
  });
});

describe('main.ts as cdktf runs it', () => {
  test('synthesizes every stack and exits 0', () => {
    const dir = projectCopy(undefined);
    const result = run(dir, 'main.ts');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'cdktf.out', 'stacks')).sort()).toHaveLength(7);
  });

  test('fails when users.ts is bad, naming every bad entry and writing nothing', () => {
    const dir = projectCopy(`
      export const users = [
        { username: 'root', access: { orders: 'read' } },
        { username: 'ok.person', access: { payroll: 'read' } },
        { username: "o'neil", access: { orders: 'owner' } },
      ];`);
    const result = run(dir, 'main.ts');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/users.ts has 4 problems:/);
    expect(result.stderr).toMatch(/users\[0\] \("root"\): username "root" is reserved/);
    expect(result.stderr).toMatch(/users\[1\] \("ok.person"\): unknown database "payroll"/);
    expect(result.stderr).toMatch(/users\[2\] \("o'neil"\): unknown tier "owner"/);
    expect(result.stderr).toMatch(/users\[2\] \("o'neil"\): username contains "'"/);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(fs.existsSync(path.join(dir, 'cdktf.out'))).toBe(false);
  });

  test('fails when users.ts is code, naming the line, and never runs it', () => {
    const dir = projectCopy(`import * as fs from 'fs';
RegExp.prototype.test = () => true;
fs.writeFileSync('ran.txt', 'users.ts ran');
export const users = [{ username: process.argv.length > 2 ? 'eve' : "eve'; x", access: { orders: 'admin' } }];`);
    const check = run(dir, 'cli/validate/main.ts');
    expect(check.status).toBe(1);
    expect(check.stderr).toMatch(/users\.ts must be plain data[^]*users\.ts:1:1: an import that loads code[^]*users\.ts:2:1: only `export const users = \[ … \];`[^]*users\.ts:4:35: an expression is code, not a value/);
    expect(fs.existsSync(path.join(dir, 'ran.txt'))).toBe(false);
  });

  test('npm run validate fails on an expired entry that synth would drop', () => {
    const dir = projectCopy(`
      export const users = [{ username: 'temp.person', access: { orders: 'read' }, expires: '2026-01-31' }];`);
    const check = run(dir, 'cli/validate/main.ts');
    expect(check.status).toBe(1);
    expect(check.stderr).toMatch(/access expired after 2026-01-31/);
    const synth = run(dir, 'main.ts');
    expect(synth.status).toBe(0);
    // A warning annotation on the users stack that drops the user, which cdktf prints as [WARN], not on stderr as an error.
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(manifest.stacks['users-orders'].annotations).toEqual([
      expect.objectContaining({ level: '@cdktf/warn', message: 'Expired: granted nothing, locked out where the engine allows; remove from users.ts: temp.person' }),
    ]);
    expect(manifest.stacks['users-billing'].annotations).toEqual([]);
    expect(synth.stderr).not.toMatch(/Expired/);
  });
});

describe('validateInputs', () => {
  test('fails with the problems of config.ts and users.ts together', () => {
    const config = { ...fleet, databases: { ...fleet.databases, pg: { ...fleet.databases.pg, engineVersion: '9.6' } } };
    const bad = [{ username: 'root', access: { pg: 'read' } }] as const;
    expect(() => validateInputs({ config, users: bad, now: NOW })).toThrow(/config.ts has 1 problem:[\s\S]*engineVersion "9.6"[\s\S]*\n\nusers.ts has 1 problem:[\s\S]*"root" is reserved/);
  });
});
