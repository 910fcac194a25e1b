import { parseDataSource, readFully } from '../../../lib/validation/data-file';
import { scanLiteral } from '../../../lib/validation/literal-scan';

/** What reading `source` gives: its value, or the message of what it throws. */
function outcome(read: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: read() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const full = (source: string) => outcome(() => readFully(source, 'users.ts', 'users'));
const either = (source: string) => outcome(() => parseDataSource(source, 'users.ts', 'users'));
const scanned = (literal: string) => scanLiteral(literal, 0)?.value;

const USERS = `/**
 * A header comment that mentions export const users = [ 'not', 'this' ];
 */
import type { DatabaseKey } from './config';
import type { UserEntry } from './lib/model/types';

export type Extra = { readonly x: string };

export const users: readonly UserEntry<DatabaseKey>[] = [
  { username: 'alice.ng', displayName: "Alice \\"Al\\" Ng", access: { orders: 'admin', 'billing-eu': 'read' }, reason: 'DBA\\ton call' },
  // a line comment, then a block one
  /* { username: 'ghost' }, */
  { username: \`bob\`, access: { orders: 'write' }, expires: '2030-01-31', count: -1.5e3, none: null, yes: true, no: false, list: [1, 0, 2.25,] },
  { username: 'carla', access: { constructor: 'read', toString: 'write', default: 'admin', $x_1: 'read' }, text: 'caf\\u00e9 \\x41 \\0 \\\\ \\' end' },
] satisfies readonly UserEntry<DatabaseKey>[];
`;

describe('scanLiteral', () => {
  test('reads lists, objects, strings with the common escapes, templates, numbers, booleans and null', () => {
    expect(scanned("[{ a: 'x', 'b-c': \"y\", d: [1, -2, 3.5e-1, 0], e: true, f: false, g: null, h: `t\n2` }]")).toEqual([
      { a: 'x', 'b-c': 'y', d: [1, -2, 0.35, 0], e: true, f: false, g: null, h: 't\n2' },
    ]);
    expect(scanned("['\\n\\t\\r\\b\\f\\v\\0\\\\\\'\\\"\\x41\\u00e9']")).toEqual(['\n\t\r\b\f\v\0\\'+ "'\"Aé"]);
    expect(scanned('[ /* a */ 1 // b\n , 2 ]')).toEqual([1, 2]);
    expect(scanLiteral('  [1]; rest', 0)).toEqual({ value: [1], start: 2, end: 5 });
  });

  test('makes plain objects whose keys are own fields, even the names Object.prototype has', () => {
    const value = scanned("{ constructor: 'a', toString: 'b', hasOwnProperty: 'c' }") as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(value)).toEqual(['constructor', 'toString', 'hasOwnProperty']);
    expect(value.toString).toBe('b');
  });

  test.each([
    ['a spread', '[...x]'], ['a spread of fields', '{ ...x }'], ['a hole', '[1,,2]'], ['a leading hole', '[,1]'],
    ['a computed key', "{ ['a']: 1 }"], ['a shorthand', '{ a }'], ['a method', '{ a() {} }'], ['a getter', '{ get a() { return 1; } }'],
    ['a numeric key', '{ 1: 2 }'], ['a duplicate key', "{ a: 1, 'a': 2 }"], ['`__proto__`', '{ __proto__: 1 }'], ["`'__proto__'`", "{ '__proto__': 1 }"],
    ['a name', '[x]'], ['a call', '[f()]'], ['a parenthesis', '[(1)]'], ['a unary plus', '[+1]'], ['a double minus', '[--1]'],
    ['a hex number', '[0x1]'], ['a legacy octal', '[017]'], ['a separator', '[1_000]'], ['a BigInt', '[1n]'], ['a bare fraction', '[.5]'], ['a trailing dot', '[1.]'],
    ['a code-point escape', "['\\u{41}']"], ['an octal escape', "['\\1']"], ['`\\0` before a digit', "['\\01']"], ['a line continuation', "['a\\\nb']"],
    ['an identity escape', "['\\q']"], ['a short hex escape', "['\\x4']"], ['a line break in a string', "['a\nb']"],
    ['a template with ${…}', '[`a${b}`]'], ['an escape in a template', '[`a\\n`]'], ['a carriage return in a template', '[`a\rb`]'],
    ['an unterminated string', "['a"], ['an unterminated comment', '[1 /* x'], ['an unterminated list', '[1, 2'],
    ['a no-break space', '[\u00a01]'], ['U+2028 after a line comment', '[1 // x\u2028]'], ['an escaped name', '{ \\u0061: 1 }'], ['a non-ASCII name', '{ é: 1 }'],
    ['a type assertion', "['a' as 'b']"], ['a regular expression', '[/a/]'],
  ])('gives up at %s', (_, literal) => {
    expect(scanLiteral(literal, 0)).toBeUndefined();
  });
});

describe('parseDataSource, fast path', () => {
  test('reads a users.ts as the full reader does', () => {
    expect(either(USERS)).toEqual(full(USERS));
    expect(either(USERS).value).toHaveLength(3);
  });

  test('falls back to the full reader, with its messages, wherever the file is not plain data', () => {
    for (const source of [
      USERS.replace("'2030-01-31'", "'2030-01-31' as string"),
      USERS.replace('satisfies', 'as'),
      `${USERS}const extra = 1;\n`,
      USERS.replace(/^export const users/m, 'import { x } from "./x";\nexport const users'),
      USERS.replace('] satisfies', '].concat([]) satisfies'),
      USERS.replace('[\n  {', '[\n  ...others,\n  {'),
      USERS.replace(/^export const users[^=]*= /m, 'export const users = Object.freeze('),
      USERS.replace("'alice.ng'", '`alice${1}`'),
      `${USERS}export const users = [];\n`,
    ]) {
      expect(either(source)).toEqual(full(source));
      expect(either(source).error).toMatch(/users\.ts:\d+:\d+: /);
    }
  });

  test('a comment or a type that looks like the export is not taken for it', () => {
    for (const source of [
      `// export const users = ['in a comment'];\nexport const users = ['real'];`,
      `const s = "export const users = ['in a string']";\nexport const users = ['real'];`,
      `export const users: { a: 'x=[1]' }[] = [{ a: 'x=[1]' }];`,
      `export const users: (x: number) => [number] = ['b'];`,
    ]) {
      expect(either(source)).toEqual(full(source));
    }
  });

  test('reads what the full reader reads, or fails as it fails, for 200 mutations of a users.ts', () => {
    // Deterministic: a fixed seed, so a failure names a case that fails again.
    let seed = 36;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = [',', '[', ']', '{', '}', "'", '"', '`', '\\', '/*', '*/', '//', '\n', '\r', '...x', 'x', '0x1', '1', '-', '+', '(', ')', ':', '=',
      '__proto__', '${', ' as const', ' satisfies X', '\u2028', '\u00a0', 'é', ' ', 'get ', '.5', 'e5', 'null', 'true', '1n', '\\u{41}', '\\0', '\\x4', '$'];
    const mismatches: string[] = [];
    for (let i = 0; i < 200; i++) {
      let source = USERS;
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(source.length);
        const cut = random(3) === 0 ? random(4) : 0;
        source = source.slice(0, at) + pieces[random(pieces.length)] + source.slice(at + cut);
      }
      // Only a value needs checking: the fast path never throws, so an error is the full reader's own.
      const fast = either(source);
      if ('value' in fast && JSON.stringify(fast) !== JSON.stringify(full(source))) mismatches.push(JSON.stringify(source));
    }
    expect(mismatches).toEqual([]);
  });
});
