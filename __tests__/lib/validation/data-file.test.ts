import * as fs from 'fs';
import * as path from 'path';
import { parseDataSource, readConfigFile, readUsersFile } from '../../../lib/validation/data-file';
import { plainDataProblem } from '../../../lib/validation/plain-data';
import { validateUsers } from '../../../lib/validation/validate-users';
import { fleet, NOW } from '../../fixtures/fleet';

const read = (source: string) => parseDataSource(source, 'users.ts', 'users');
const header = "import type { UserEntry } from './lib/model/types';\n";

describe('parseDataSource', () => {
  test('reads the list a typed users.ts declares, without running it', () => {
    const value = read(`${header}
      // comments stay comments
      export const users: readonly UserEntry[] = [
        { username: 'jane.doe', access: { orders: 'read', 'billing-eu': "write" }, expires: \`2030-01-31\` },
        { username: 'sam', access: { orders: 'admin' } } satisfies UserEntry,
      ] as const;`);
    expect(value).toEqual([
      { username: 'jane.doe', access: { orders: 'read', 'billing-eu': 'write' }, expires: '2030-01-31' },
      { username: 'sam', access: { orders: 'admin' } },
    ]);
  });

  test('reads the example users.ts', () => {
    const value = readUsersFile(path.join(__dirname, '../../..')) as { username: string }[];
    expect(value.map((u) => u.username)).toContain('alice.ng');
  });

  test('keeps `__proto__`-like text a plain string and objects plain', () => {
    const [entry] = read("export const users = [{ username: 'constructor', access: { toString: 'read' } }];") as Record<string, unknown>[];
    expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
    expect(plainDataProblem(entry, 'users[0]')).toBeUndefined();
  });

  test('fails when users.ts calls a function, naming the line', () => {
    expect(() => read(`${header}
export const users = [
  { username: process.argv.includes('--report') ? 'a' : 'b', access: { orders: 'read' } },
  { username: 'sam', access: { orders: pick() } },
];`)).toThrow(/users\.ts:4:15: an expression is code, not a value[^\n]*\n.*users\.ts:5:40: a function call is code, not a value; write the value itself/);
  });

  test('fails when users.ts has a getter, a method, a computed key, a shorthand or a spread', () => {
    const attempt = () => read(`export const users = [
  { username: 'a', access: { get orders() { return 'read'; } } },
  { username: 'b', access: { ['ord' + 'ers']: 'read' } },
  { username, access: {} },
  { ...base, access: { orders: 'read' } },
  ...more,
  { username: 'c', access: { orders() { return 1; } } },
];`);
    expect(attempt).toThrow(/users\.ts:2:30: a getter or setter runs code when read/);
    expect(attempt).toThrow(/users\.ts:3:30: a computed key \(`\[x\]: …`\) is worked out when run/);
    expect(attempt).toThrow(/users\.ts:4:5: `\{ username \}` takes a variable's value; write `username: 'value'`/);
    expect(attempt).toThrow(/users\.ts:5:5: a spread \(`\.\.\.x`\) takes its fields from elsewhere/);
    expect(attempt).toThrow(/users\.ts:6:3: a spread \(`\.\.\.x`\) takes its values from elsewhere/);
    expect(attempt).toThrow(/users\.ts:7:30: a method runs code when read/);
  });

  test('fails when users.ts imports a value or runs a statement', () => {
    const attempt = () => read(`import { config } from './config';
import './patch-regexp';
import type { UserEntry } from './lib/model/types';
RegExp.prototype.test = () => true;
const admins = ['root'];
export const users: UserEntry[] = [];`);
    expect(attempt).toThrow(/users\.ts:1:1: an import that loads code; only types may be imported \(`import type \{ … \}`\)/);
    expect(attempt).toThrow(/users\.ts:2:1: an import that loads code/);
    expect(attempt).toThrow(/users\.ts:4:1: only `export const users = …;`, types and type imports may be here; move this statement/);
    expect(attempt).toThrow(/users\.ts:5:1: only `export const users = …;`, types and type imports may be here; move this declaration/);
    expect(attempt).not.toThrow(/users\.ts:3:/);
  });

  test('fails when a type assertion or a template with ${…} stands in for a value', () => {
    const attempt = () => read("export const users = [{ username: `x${1}`, access: { orders: 'owner' as 'read' } }];");
    expect(attempt).toThrow(/users\.ts:1:35: a template with `\$\{…\}` is code, not a value/);
    expect(attempt).toThrow(/users\.ts:1:73: a type assertion \(`as …`\) hides a wrong value from the type checker/);
  });

  test('fails when a key is written twice or sets the prototype', () => {
    const attempt = () => read("export const users = [{ username: 'a', access: { orders: 'read', orders: 'admin' }, __proto__: { reason: 'x' } }];");
    expect(attempt).toThrow(/users\.ts:1:66: "orders" is written twice; keep one/);
    expect(attempt).toThrow(/users\.ts:1:85: `__proto__` sets an object's prototype; use another key/);
  });

  test('fails when the export is missing or the syntax is broken', () => {
    expect(() => read('export const people = [];')).toThrow(/users\.ts:1:1: only `export const users = …;`/);
    expect(() => read('// nothing here')).toThrow(/users\.ts:1:1: no `export const users = …;`/);
    expect(() => read("export const users = [{ username: 'a' ];")).toThrow(/users\.ts:1:39: Unexpected token, expected ","; fix the syntax/);
  });
});

describe('validateUsers on values handed in by code', () => {
  const check = (users: unknown) => validateUsers(users, { databases: fleet.databases, now: NOW });

  test('fails when a tier is a getter', () => {
    let reads = 0;
    const access = { get pg() { reads += 1; return reads === 1 ? 'read' : 'admin'; } };
    expect(() => check([{ username: 'eve', access }])).toThrow(/users\[0\]\.access\.pg: is a getter or setter; write the value itself/);
  });

  test('fails when an access map has a prototype, a symbol key or is a Proxy', () => {
    const inherited = Object.create({ pg: 'admin' }) as object;
    expect(() => check([{ username: 'eve', access: inherited }])).toThrow(/users\[0\]\.access: has a prototype of its own/);
    expect(() => check([{ username: 'eve', access: { pg: 'read', [Symbol('x')]: 'admin' } }])).toThrow(/users\[0\]\.access: has symbol keys/);
    expect(() => check([{ username: 'eve', access: new Proxy({ pg: 'read' }, {}) }])).toThrow(/users\[0\]\.access: is a Proxy/);
  });
});

test('the data files are read by synth, validate and the report, never imported', () => {
  for (const file of ['main.ts', 'stacks/compose.ts', 'cli/validate/main.ts', 'cli/access-report/main.ts', 'cli/shared/revision.ts', 'tools/shared/synth-fleets.ts']) {
    expect(fs.readFileSync(path.join(__dirname, '../../..', file), 'utf8')).not.toMatch(/^import (?!type )[^;]*from '(\.\.\/)*\.?\/?(users|services|config)'/m);
  }
});

describe('readConfigFile', () => {
  test('reads the example config.ts, its types left out', () => {
    const config = readConfigFile(path.join(__dirname, '../../..')) as { databases: Record<string, unknown> };
    expect(Object.keys(config.databases)).toEqual(['orders', 'billing', 'sandbox']);
  });

  test('fails when config.ts runs code, naming each line', () => {
    const attempt = () => parseDataSource(`import type { AppConfig } from './lib/model/types';
import { hostFor } from './lib/hosts';
export const config = { environments: {}, databases: { orders: { host: hostFor('orders') } } } satisfies AppConfig;
export type DatabaseKey = keyof typeof config.databases;
export interface Extra { readonly x: string }`, 'config.ts', 'config');
    expect(attempt).toThrow(/config\.ts:2:1: an import that loads code[^]*config\.ts:3:72: a function call is code, not a value/);
    expect(attempt).not.toThrow(/config\.ts:[45]:/);
  });
});
