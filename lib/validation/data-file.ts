import * as fs from 'fs';
import * as path from 'path';
import { parse } from '@babel/parser';
import type * as t from '@babel/types';
import { ValidationError } from './problems';
import { DataValue, scanLiteral, ScannedLiteral } from './literal-scan';

/**
 * users.ts (and any file like it) read as data, never run: the file stays TypeScript so
 * the type checker helps whoever edits it, but synth, validation and the access report
 * take its value from the syntax tree (Babel's TypeScript parser: a tenth of the load time
 * of TypeScript's own, which every command would pay). Code in it (a call, a getter, a
 * variable, an import with side effects) could give each reader a different answer, or
 * switch the checks off, so anything but a literal is refused with its line and what to write.
 * The exported literal itself is read by literal-scan.ts where it can (see readFast): a syntax
 * tree of 100,000 people costs seconds.
 */

export type { DataValue } from './literal-scan';

/** Reads `exportName` from the data file at `file`; throws a ValidationError naming every line that is not data. */
export function readDataFile(file: string, exportName: string): unknown {
  return parseDataSource(fs.readFileSync(file, 'utf8'), path.basename(file), exportName);
}

/** `readDataFile` on source text; `fileName` is what messages call the file. */
export function parseDataSource(source: string, fileName: string, exportName: string): DataValue {
  return readFast(source, fileName, exportName) ?? readFully(source, fileName, exportName);
}

/**
 * The fast path (a users.ts of 100,000 people: about 0.2 s instead of 1.9 s): the exported literal
 * read by literal-scan.ts, the rest of the file (imports, types, `satisfies …`) by Babel with
 * an empty literal in its place, through the same Reader. Undefined, for readFully to read
 * the file and name every problem where it is, unless the literal is in the scanner's subset,
 * the rest has no problem, and the empty literal is exactly the exported value.
 */
function readFast(source: string, fileName: string, exportName: string): DataValue | undefined {
  const literal = exportedLiteral(source, exportName);
  if (!literal) return undefined;
  const skeleton = `${source.slice(0, literal.start)}${source[literal.start]}${source[literal.end - 1]}${source.slice(literal.end)}`;
  let program: t.Program;
  try {
    const file = parse(skeleton, { sourceType: 'module', plugins: ['typescript'], errorRecovery: true });
    if (file.errors?.length) return undefined;
    program = file.program;
  } catch {
    return undefined;
  }
  const reader = new Reader(fileName, literal);
  const value = reader.readModule(program, exportName);
  return reader.clean && reader.substituted ? value : undefined;
}

/**
 * The list or object after the first `export const <exportName> … =` that the scanner reads
 * whole. Only a guess at where the value is (the text could be in a comment): readFast has
 * Babel confirm it.
 */
function exportedLiteral(source: string, exportName: string): ScannedLiteral | undefined {
  const declaration = new RegExp(`\\bexport\\s+const\\s+${exportName}\\b`, 'g');
  for (let match = declaration.exec(source); match; match = declaration.exec(source)) {
    let equals = source.indexOf('=', declaration.lastIndex);
    while (equals >= 0 && source[equals + 1] === '>') equals = source.indexOf('=', equals + 2);
    if (equals < 0) return undefined;
    const literal = scanLiteral(source, equals + 1);
    if (literal && (source[literal.start] === '[' || source[literal.start] === '{')) return literal;
  }
  return undefined;
}

/**
 * Babel's syntax tree of the whole file, read by the Reader: every problem, each with its line
 * and column. What parseDataSource falls back to; exported for the bench and the tests that
 * hold the fast path to it.
 */
export function readFully(source: string, fileName: string, exportName: string): DataValue {
  const reader = new Reader(fileName);
  let program: t.Program | undefined;
  try {
    const file = parse(source, { sourceType: 'module', plugins: ['typescript'], errorRecovery: true });
    for (const error of file.errors ?? []) reader.refuseSyntax(error);
    program = file.errors?.length ? undefined : file.program;
  } catch (error) {
    reader.refuseSyntax(error as SyntaxErrorAt);
  }
  const value = program ? reader.readModule(program, exportName) : undefined;
  reader.throwIfAny();
  return value as DataValue;
}

const TYPE_ONLY_FIX = 'only types may be imported (`import type { … }`); write the values here instead';

/** A parse error as Babel reports it: the message ends in `(line:column)`, which `loc` holds. */
interface SyntaxErrorAt {
  readonly message: string;
  readonly loc?: { readonly line: number; readonly column: number };
}

class Reader {
  private readonly problems: string[] = [];
  /** Whether `literal`'s value stood in for the empty literal at its place. */
  substituted = false;

  /** `literal`: a value read by the scanner, for the empty literal Babel read at its start. */
  constructor(private readonly fileName: string, private readonly literal?: ScannedLiteral) {}

  get clean(): boolean {
    return this.problems.length === 0;
  }

  private refuseAtLine(line: number, column: number, message: string): void {
    this.problems.push(`${this.fileName}:${line}:${column + 1}: ${message}`);
  }

  refuseSyntax(error: SyntaxErrorAt): void {
    const message = error.message.replace(/ \(\d+:\d+\)$/, '').replace(/\.$/, '');
    this.refuseAtLine(error.loc?.line ?? 1, error.loc?.column ?? 0, `${message}; fix the syntax`);
  }

  private refuse(node: t.Node, message: string): undefined {
    this.refuseAtLine(node.loc?.start.line ?? 1, node.loc?.start.column ?? 0, message);
    return undefined;
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    throw new ValidationError(
      `${this.fileName} must be plain data (literals only; it is read, never run):\n${this.problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }

  readModule(program: t.Program, exportName: string): DataValue | undefined {
    let value: DataValue | undefined;
    let found = false;
    for (const statement of program.body) {
      const declaration = exportedConst(statement, exportName);
      if (statement.type === 'ImportDeclaration') {
        this.checkImport(statement);
      } else if (isTypeOnly(statement)) {
        // Types are erased: `export type DatabaseKey = keyof typeof config.databases;` runs nothing.
      } else if (!found && declaration) {
        found = true;
        value = this.read(declaration);
      } else {
        this.refuse(statement, `only \`export const ${exportName} = …;\`, types and type imports may be here; move this ${describe(statement)} to another file`);
      }
    }
    if (!found && this.problems.length === 0) {
      this.refuseAtLine(1, 0, `no \`export const ${exportName} = …;\`; declare the value as one exported constant`);
    }
    return value;
  }

  private checkImport(statement: t.ImportDeclaration): void {
    // `import './x'` and `import {} from './x'` load the module too: at least one name, every one a type.
    const typeOnly = statement.importKind === 'type' || (
      statement.specifiers.length > 0 &&
      statement.specifiers.every((s) => s.type === 'ImportSpecifier' && s.importKind === 'type')
    );
    if (!typeOnly) this.refuse(statement, `an import that loads code; ${TYPE_ONLY_FIX}`);
  }

  /** The value of a literal expression, or undefined after refusing what is not one. */
  private read(node: t.Node): DataValue | undefined {
    if (this.literal && node.start === this.literal.start && (node.type === 'ArrayExpression' || node.type === 'ObjectExpression')) {
      this.substituted = true;
      return this.literal.value;
    }
    switch (node.type) {
      case 'TSSatisfiesExpression':
        return this.read(node.expression);
      case 'TSAsExpression': {
        const type = node.typeAnnotation;
        const isConst = type.type === 'TSTypeReference' && type.typeName.type === 'Identifier' && type.typeName.name === 'const';
        return isConst
          ? this.read(node.expression)
          : this.refuse(type, 'a type assertion (`as …`) hides a wrong value from the type checker; remove it, or use `satisfies …`');
      }
      case 'StringLiteral':
      case 'NumericLiteral':
      case 'BooleanLiteral':
        return node.value;
      case 'NullLiteral':
        return null;
      case 'TemplateLiteral':
        return node.expressions.length === 0 ? (node.quasis[0].value.cooked ?? undefined) : this.refuse(node, `${describe(node)} is code, not a value; write the value itself`);
      case 'UnaryExpression':
        if (node.operator === '-' && node.argument.type === 'NumericLiteral') return -node.argument.value;
        break;
      case 'ArrayExpression':
        return this.readArray(node);
      case 'ObjectExpression':
        return this.readObject(node);
    }
    return this.refuse(node, `${describe(node)} is code, not a value; write the value itself (a string like 'read', a list [ … ] or an object { … })`);
  }

  private readArray(node: t.ArrayExpression): DataValue[] {
    const out: DataValue[] = [];
    for (const element of node.elements) {
      if (element === null) {
        this.refuse(node, 'a hole in the list (`[a, , b]`); remove the extra comma');
      } else if (element.type === 'SpreadElement') {
        this.refuse(element, 'a spread (`...x`) takes its values from elsewhere; write the entries here');
      } else {
        const value = this.read(element);
        if (value !== undefined) out.push(value);
      }
    }
    return out;
  }

  private readObject(node: t.ObjectExpression): { [key: string]: DataValue } {
    const out: { [key: string]: DataValue } = {};
    const seen = new Set<string>();
    for (const property of node.properties) {
      if (property.type !== 'ObjectProperty' || property.shorthand) {
        const name = property.type === 'ObjectProperty' && property.key.type === 'Identifier' ? property.key.name : '';
        const fix = property.type === 'ObjectProperty'
          ? `\`{ ${name} }\` takes a variable's value; write \`${name}: 'value'\``
          : property.type === 'SpreadElement'
            ? 'a spread (`...x`) takes its fields from elsewhere; write the fields here'
            : `${describe(property)} runs code when read; write \`name: 'value'\``;
        this.refuse(property, fix);
        continue;
      }
      const key = this.keyOf(property);
      const value = this.read(property.value);
      if (key === undefined || value === undefined) continue;
      if (seen.has(key)) {
        this.refuse(property.key, `${JSON.stringify(key)} is written twice; keep one`);
        continue;
      }
      seen.add(key);
      // defineProperty: a plain own field whatever the key, never a prototype setter.
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  private keyOf(property: t.ObjectProperty): string | undefined {
    const { key } = property;
    if (property.computed) {
      return this.refuse(property, 'a computed key (`[x]: …`) is worked out when run; write the key itself, e.g. `orders: \'read\'`');
    }
    const text = key.type === 'Identifier' ? key.name
      : key.type === 'StringLiteral' ? key.value
        : key.type === 'NumericLiteral' ? String(key.value)
          : undefined;
    if (text === undefined) return this.refuse(key, 'a key that is not a name, string or number; write a plain key');
    if (text === '__proto__') return this.refuse(key, '`__proto__` sets an object\'s prototype; use another key');
    return text;
  }
}

/** A statement that declares only types (`type`, `interface`, `export type …`): erased, never run. */
function isTypeOnly(statement: t.Statement): boolean {
  const declaration = statement.type === 'ExportNamedDeclaration' ? statement.declaration : statement;
  if (statement.type === 'ExportNamedDeclaration' && declaration === null) return statement.exportKind === 'type' && statement.source == null;
  return declaration?.type === 'TSTypeAliasDeclaration' || declaration?.type === 'TSInterfaceDeclaration';
}

/** The initializer of `export const <exportName> = …;` (one declaration), if `statement` is that. */
function exportedConst(statement: t.Statement, exportName: string): t.Expression | undefined {
  if (statement.type !== 'ExportNamedDeclaration' || statement.declaration?.type !== 'VariableDeclaration') return undefined;
  const list = statement.declaration;
  const [declaration] = list.declarations;
  return list.kind === 'const' && list.declarations.length === 1 && declaration.id.type === 'Identifier' && declaration.id.name === exportName
    ? (declaration.init ?? undefined)
    : undefined;
}

/** A few words for a syntax node in an error message. */
function describe(node: t.Node): string {
  switch (node.type) {
    case 'CallExpression': case 'OptionalCallExpression': case 'NewExpression': case 'TaggedTemplateExpression': return 'a function call';
    case 'Identifier': return `the name \`${node.name}\``;
    case 'MemberExpression': case 'OptionalMemberExpression': return 'a property read';
    case 'TemplateLiteral': return 'a template with `${…}`';
    case 'ArrowFunctionExpression': case 'FunctionExpression': case 'FunctionDeclaration': return 'a function';
    case 'ObjectMethod': return node.kind === 'method' ? 'a method' : 'a getter or setter';
    case 'BinaryExpression': case 'LogicalExpression': case 'AssignmentExpression': case 'ConditionalExpression': case 'UnaryExpression': return 'an expression';
    case 'VariableDeclaration': case 'ExportNamedDeclaration': return 'declaration';
    case 'ExpressionStatement': return 'statement';
    case 'ClassDeclaration': return 'class';
  }
  return node.type.replace(/^TS/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The data files a revision's access is computed from: read as data, never run, whoever wrote them. */
export const DATA_FILES = { config: 'config.ts', users: 'users.ts', services: 'services.ts' } as const;

/** What the data files of one revision hold, unchecked (validateInputs checks them). */
export interface ProjectData {
  readonly config: unknown;
  readonly users: unknown;
  readonly services: unknown;
}

/**
 * The three data files of a revision, each read from `sourceOf(fileName)` (undefined when the
 * file does not exist: only services.ts may be missing, a fork from before services).
 * Every file's problems are named in one ValidationError.
 */
export function parseProjectData(sourceOf: (fileName: string) => string | undefined): ProjectData {
  const failures: string[] = [];
  const read = (fileName: string, exportName: string, missing?: DataValue): unknown => {
    const source = sourceOf(fileName);
    if (source === undefined) {
      if (missing !== undefined) return missing;
      failures.push(`${fileName} is missing; every revision needs one`);
      return undefined;
    }
    try {
      return parseDataSource(source, fileName, exportName);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      failures.push(error.message);
      return undefined;
    }
  };
  const data = { config: read(DATA_FILES.config, 'config'), users: read(DATA_FILES.users, 'users'), services: read(DATA_FILES.services, 'services', []) };
  if (failures.length > 0) throw new ValidationError(failures.join('\n\n'));
  return data;
}

/** The data files of the checkout at `projectRoot`, as they are on disk. */
export function readProjectData(projectRoot: string): ProjectData {
  // Only regular files: review reads a symlink's own text from git, a checkout follows it.
  const links = Object.values(DATA_FILES).filter((fileName) => fs.lstatSync(path.join(projectRoot, fileName), { throwIfNoEntry: false })?.isSymbolicLink());
  if (links.length > 0) throw new ValidationError(links.map((f) => `${f} is a symbolic link, not a regular file; a data file must be the file itself`).join('\n'));
  return parseProjectData((fileName) => {
    const file = path.join(projectRoot, fileName);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  });
}

/**
 * The `config` of `<projectRoot>/config.ts`, read as data like users.ts (unchecked:
 * validateConfig checks it). config.ts is never imported by what synthesizes or reviews, so
 * a change to it is a change of data the report shows, never code that decides what it shows.
 */
export function readConfigFile(projectRoot: string): unknown {
  return readDataFile(path.join(projectRoot, DATA_FILES.config), 'config');
}

/** The `users` list of `<projectRoot>/users.ts`, read as data (unchecked: validateUsers checks it). */
export function readUsersFile(projectRoot: string): unknown {
  return readDataFile(path.join(projectRoot, 'users.ts'), 'users');
}

/**
 * The `services` list of `<projectRoot>/services.ts`, read as data (unchecked: validateServices
 * checks it); an empty list where the file does not exist (a fork from before services).
 */
export function readServicesFile(projectRoot: string): unknown {
  const file = path.join(projectRoot, 'services.ts');
  return fs.existsSync(file) ? readDataFile(file, 'services') : [];
}
