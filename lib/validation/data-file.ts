import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ValidationError } from './problems';

/**
 * users.ts (and any file like it) read as data, never run: the file stays TypeScript so
 * the type checker helps whoever edits it, but synth, validation and the access report
 * take its value from the syntax tree. Code in it (a call, a getter, a variable, an
 * import with side effects) could give each reader a different answer, or switch the
 * checks off, so anything but a literal is refused with its line and what to write.
 */

/** What a data file may hold, once read. */
export type DataValue = string | number | boolean | null | readonly DataValue[] | { readonly [key: string]: DataValue };

/** Reads `exportName` from the data file at `file`; throws a ValidationError naming every line that is not data. */
export function readDataFile(file: string, exportName: string): unknown {
  return parseDataSource(fs.readFileSync(file, 'utf8'), path.basename(file), exportName);
}

/** `readDataFile` on source text; `fileName` is what messages call the file. */
export function parseDataSource(source: string, fileName: string, exportName: string): DataValue {
  const sourceFile = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const reader = new Reader(sourceFile, fileName);
  const syntax = (sourceFile as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  for (const diagnostic of syntax) {
    reader.refuseAt(diagnostic.start ?? 0, `${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ').replace(/\.$/, '')}; fix the syntax`);
  }
  const value = syntax.length === 0 ? reader.readModule(exportName) : undefined;
  reader.throwIfAny();
  return value as DataValue;
}

const TYPE_ONLY_FIX = 'only types may be imported (`import type { … }`); write the values here instead';

class Reader {
  private readonly problems: string[] = [];

  constructor(private readonly sourceFile: ts.SourceFile, private readonly fileName: string) {}

  refuseAt(position: number, message: string): void {
    const { line, character } = this.sourceFile.getLineAndCharacterOfPosition(position);
    this.problems.push(`${this.fileName}:${line + 1}:${character + 1}: ${message}`);
  }

  private refuse(node: ts.Node, message: string): undefined {
    this.refuseAt(node.getStart(this.sourceFile), message);
    return undefined;
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    throw new ValidationError(
      `${this.fileName} must be plain data (literals only; it is read, never run):\n${this.problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }

  readModule(exportName: string): DataValue | undefined {
    let value: DataValue | undefined;
    let found = false;
    for (const statement of this.sourceFile.statements) {
      if (ts.isImportDeclaration(statement)) {
        this.checkImport(statement);
      } else if (!found && this.isExport(statement, exportName)) {
        found = true;
        const declaration = (statement as ts.VariableStatement).declarationList.declarations[0];
        value = this.read(declaration.initializer!);
      } else {
        this.refuse(statement, `only \`export const ${exportName} = [ … ];\` and type imports may be here; move this ${describe(statement)} to another file`);
      }
    }
    if (!found && this.problems.length === 0) {
      this.refuseAt(0, `no \`export const ${exportName} = [ … ];\`; declare the list as one exported constant`);
    }
    return value;
  }

  private checkImport(statement: ts.ImportDeclaration): void {
    const clause = statement.importClause;
    const typeOnly = clause !== undefined && (clause.isTypeOnly || (
      clause.name === undefined &&
      clause.namedBindings !== undefined &&
      ts.isNamedImports(clause.namedBindings) &&
      clause.namedBindings.elements.every((e) => e.isTypeOnly)
    ));
    if (!typeOnly) this.refuse(statement, `an import that loads code; ${TYPE_ONLY_FIX}`);
  }

  private isExport(statement: ts.Statement, exportName: string): boolean {
    if (!ts.isVariableStatement(statement)) return false;
    const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
    const list = statement.declarationList;
    const [declaration] = list.declarations;
    return exported && (list.flags & ts.NodeFlags.Const) !== 0 && list.declarations.length === 1 &&
      ts.isIdentifier(declaration.name) && declaration.name.text === exportName && declaration.initializer !== undefined;
  }

  /** The value of a literal expression, or undefined after refusing what is not one. */
  private read(node: ts.Expression): DataValue | undefined {
    if (ts.isParenthesizedExpression(node) || ts.isSatisfiesExpression(node)) return this.read(node.expression);
    if (ts.isAsExpression(node)) {
      const isConst = ts.isTypeReferenceNode(node.type) && ts.isIdentifier(node.type.typeName) && node.type.typeName.text === 'const';
      return isConst
        ? this.read(node.expression)
        : this.refuse(node.type, 'a type assertion (`as …`) hides a wrong value from the type checker; remove it, or use `satisfies …`');
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isNumericLiteral(node)) return Number(node.text);
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) {
      return -Number(node.operand.text);
    }
    if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (node.kind === ts.SyntaxKind.NullKeyword) return null;
    if (ts.isArrayLiteralExpression(node)) return this.readArray(node);
    if (ts.isObjectLiteralExpression(node)) return this.readObject(node);
    return this.refuse(node, `${describe(node)} is code, not a value; write the value itself (a string like 'read', a list [ … ] or an object { … })`);
  }

  private readArray(node: ts.ArrayLiteralExpression): DataValue[] {
    const out: DataValue[] = [];
    for (const element of node.elements) {
      if (ts.isSpreadElement(element)) {
        this.refuse(element, 'a spread (`...x`) takes its values from elsewhere; write the entries here');
      } else if (ts.isOmittedExpression(element)) {
        this.refuse(node, 'a hole in the list (`[a, , b]`); remove the extra comma');
      } else {
        const value = this.read(element);
        if (value !== undefined) out.push(value);
      }
    }
    return out;
  }

  private readObject(node: ts.ObjectLiteralExpression): { [key: string]: DataValue } {
    const out: { [key: string]: DataValue } = {};
    const seen = new Set<string>();
    for (const property of node.properties) {
      if (!ts.isPropertyAssignment(property)) {
        const fix = ts.isShorthandPropertyAssignment(property)
          ? `\`{ ${property.name.text} }\` takes a variable's value; write \`${property.name.text}: 'value'\``
          : ts.isSpreadAssignment(property)
            ? 'a spread (`...x`) takes its fields from elsewhere; write the fields here'
            : `${describe(property)} runs code when read; write \`name: 'value'\``;
        this.refuse(property, fix);
        continue;
      }
      const key = this.keyOf(property.name);
      const value = this.read(property.initializer);
      if (key === undefined || value === undefined) continue;
      if (seen.has(key)) {
        this.refuse(property.name, `${JSON.stringify(key)} is written twice; keep one`);
        continue;
      }
      seen.add(key);
      // defineProperty: a plain own field whatever the key, never a prototype setter.
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  private keyOf(name: ts.PropertyName): string | undefined {
    if (ts.isComputedPropertyName(name)) {
      return this.refuse(name, 'a computed key (`[x]: …`) is worked out when run; write the key itself, e.g. `orders: \'read\'`');
    }
    if (ts.isPrivateIdentifier(name)) return this.refuse(name, 'a private name; write a plain key');
    const key = name.text;
    if (key === '__proto__') return this.refuse(name, '`__proto__` sets an object\'s prototype; use another key');
    return key;
  }
}

/** A few words for a syntax node in an error message. */
function describe(node: ts.Node): string {
  if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node)) return 'a function call';
  if (ts.isIdentifier(node)) return `the name \`${node.text}\``;
  if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) return 'a property read';
  if (ts.isTemplateExpression(node)) return 'a template with `${…}`';
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node)) return 'a function';
  if (ts.isGetAccessor(node) || ts.isSetAccessor(node)) return 'a getter or setter';
  if (ts.isMethodDeclaration(node)) return 'a method';
  if (ts.isBinaryExpression(node) || ts.isConditionalExpression(node) || ts.isPrefixUnaryExpression(node)) return 'an expression';
  if (ts.isVariableStatement(node)) return 'declaration';
  if (ts.isExpressionStatement(node)) return 'statement';
  if (ts.isClassDeclaration(node)) return 'class';
  return ts.SyntaxKind[node.kind].replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The `users` list of `<projectRoot>/users.ts`, read as data (unchecked: validateUsers checks it). */
export function readUsersFile(projectRoot: string): unknown {
  return readDataFile(path.join(projectRoot, 'users.ts'), 'users');
}
