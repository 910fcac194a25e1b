/**
 * The fast path of reading a data file (data-file.ts): one literal (a list or an object of
 * strings, numbers, booleans, null, lists and objects) read straight from the text, without
 * building a syntax tree. Babel's parser takes about 1.9 s and 440 MB for a users.ts of
 * 100,000 people (9 MB); this about 0.2 s and no syntax tree.
 *
 * It reads only a strict subset of what the full reader accepts, and gives up (undefined) at
 * anything else: a spread, a hole, a computed or shorthand key, a method, a duplicate or
 * `__proto__` key, an escape it does not know, a number that is not plain decimal, a
 * parenthesis, any name other than `true`, `false` and `null`, unusual white space. Giving up
 * costs nothing but time: the full reader then reads the file, with its `line:col` messages.
 * So whatever this returns, the full reader would have returned too.
 */

/** What a data file may hold, once read. */
export type DataValue = string | number | boolean | null | readonly DataValue[] | { readonly [key: string]: DataValue };

/** A literal read from the text: its value, where it starts (past blanks and comments) and the index just past it. */
export interface ScannedLiteral {
  readonly value: DataValue;
  readonly start: number;
  readonly end: number;
}

/** The literal at `from` (blanks and comments first are skipped), or undefined where the full reader must read it. */
export function scanLiteral(source: string, from: number): ScannedLiteral | undefined {
  const scanner = new Scanner(source, from);
  try {
    scanner.skipBlank();
    const start = scanner.pos;
    const value = scanner.value();
    return { value, start, end: scanner.pos };
  } catch {
    // GIVE_UP, or anything else (a stack overflow in a list nested 10,000 deep): the full reader decides.
    return undefined;
  }
}

/** Thrown (caught in scanLiteral) where the text leaves the subset: one exit instead of a check after every call. */
const GIVE_UP = new Error('not a plain literal');

// Character codes.
const TAB = 9;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const QUOTE = 34;
const DOLLAR = 36;
const APOSTROPHE = 39;
const STAR = 42;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const A = 65;
const UPPER_E = 69;
const Z = 90;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const UNDERSCORE = 95;
const BACKTICK = 96;
const LOWER_A = 97;
const LOWER_E = 101;
const LOWER_Z = 122;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

const isIdentifierStart = (c: number) => (c >= LOWER_A && c <= LOWER_Z) || (c >= A && c <= Z) || c === UNDERSCORE || c === DOLLAR;
const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isIdentifierPart = (c: number) => isIdentifierStart(c) || isDigit(c);
/** After a name or a number, a character that would make it longer or into something else (`\u0061`, non-ASCII names). */
const continuesWord = (c: number) => isIdentifierPart(c) || c === BACKSLASH || c > 127;

/** Keys an assignment could reach Object.prototype through (a setter, or a frozen prototype's field): defined instead. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Single-character escapes every JavaScript string has (`\0` is checked apart: not before a digit). */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };

class Scanner {
  private readonly keys: string[] = [];

  constructor(private readonly source: string, public pos: number) {}

  private code(): number {
    return this.source.charCodeAt(this.pos);
  }

  /** Spaces, tabs, line breaks and comments. Any other white space (no-break space, U+2028) gives up. */
  skipBlank(): void {
    const { source } = this;
    for (;;) {
      const c = source.charCodeAt(this.pos);
      if (c === SPACE || c === LINE_FEED || c === TAB || c === CARRIAGE_RETURN) {
        this.pos++;
      } else if (c === SLASH && source.charCodeAt(this.pos + 1) === SLASH) {
        // A line comment ends at any line terminator; past U+2028 or U+2029 the blank check gives up.
        let end = this.pos + 2;
        for (let d = source.charCodeAt(end); end < source.length && d !== LINE_FEED && d !== CARRIAGE_RETURN && d !== 0x2028 && d !== 0x2029; d = source.charCodeAt(++end));
        this.pos = end;
      } else if (c === SLASH && source.charCodeAt(this.pos + 1) === STAR) {
        const end = source.indexOf('*/', this.pos + 2);
        if (end < 0) throw GIVE_UP;
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }

  value(): DataValue {
    this.skipBlank();
    const c = this.code();
    switch (c) {
      case OPEN_BRACKET: return this.list();
      case OPEN_BRACE: return this.object();
      case APOSTROPHE: case QUOTE: return this.string(c);
      case BACKTICK: return this.template();
      case MINUS:
        this.pos++;
        this.skipBlank();
        return -this.number();
    }
    if (isDigit(c)) return this.number();
    if (isIdentifierStart(c)) {
      const word = this.word();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
    }
    throw GIVE_UP;
  }

  private list(): DataValue[] {
    const out: DataValue[] = [];
    this.pos++;
    for (;;) {
      this.skipBlank();
      const c = this.code();
      if (c === CLOSE_BRACKET) {
        this.pos++;
        return out;
      }
      if (c === COMMA) throw GIVE_UP; // a hole
      out.push(this.value());
      this.skipBlank();
      const next = this.code();
      this.pos++;
      if (next === CLOSE_BRACKET) return out;
      if (next !== COMMA) throw GIVE_UP;
    }
  }

  private object(): { [key: string]: DataValue } {
    const out: { [key: string]: DataValue } = {};
    this.pos++;
    for (;;) {
      this.skipBlank();
      const c = this.code();
      if (c === CLOSE_BRACE) {
        this.pos++;
        return out;
      }
      const key = c === APOSTROPHE || c === QUOTE ? this.string(c) : isIdentifierStart(c) ? this.key() : undefined;
      // Numeric and computed keys, and the keys the full reader refuses, are left to it.
      if (key === undefined || key === '__proto__' || Object.prototype.hasOwnProperty.call(out, key)) throw GIVE_UP;
      this.skipBlank();
      if (this.code() !== COLON) throw GIVE_UP; // shorthand, method, getter
      this.pos++;
      // As the full reader makes it: a plain own field whatever the key, never a prototype setter.
      if (PROTOTYPE_KEYS.has(key)) Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      else out[key] = this.value();
      this.skipBlank();
      const next = this.code();
      this.pos++;
      if (next === CLOSE_BRACE) return out;
      if (next !== COMMA) throw GIVE_UP;
    }
  }

  /**
   * A name as a key: the same few keys repeat in every entry, so each is made once and reused
   * (a key new to V8 is looked up in its string table at every property store).
   */
  private key(): string {
    const { source } = this;
    const start = this.pos;
    let end = start + 1;
    while (isIdentifierPart(source.charCodeAt(end))) end++;
    if (continuesWord(source.charCodeAt(end))) throw GIVE_UP;
    this.pos = end;
    const { keys } = this;
    for (let k = 0; k < keys.length; k++) {
      const known = keys[k];
      if (known.length !== end - start) continue;
      let i = 0;
      while (i < known.length && known.charCodeAt(i) === source.charCodeAt(start + i)) i++;
      if (i === known.length) return known;
    }
    const key = source.slice(start, end);
    if (this.keys.length < 64) this.keys.push(key);
    return key;
  }

  /** An ASCII name: letters, digits, `_` and `$`. */
  private word(): string {
    const { source } = this;
    const start = this.pos;
    let end = start + 1;
    while (isIdentifierPart(source.charCodeAt(end))) end++;
    if (continuesWord(source.charCodeAt(end))) throw GIVE_UP;
    this.pos = end;
    return source.slice(start, end);
  }

  /** A plain decimal: `0`, `12`, `1.5`, `2e3`; hex, octal, binary, separators, `.5`, `1.` and BigInt give up. */
  private number(): number {
    const { source } = this;
    const start = this.pos;
    let end = start;
    if (source.charCodeAt(end) === ZERO) end++;
    else if (isDigit(source.charCodeAt(end))) while (isDigit(source.charCodeAt(end))) end++;
    else throw GIVE_UP;
    if (source.charCodeAt(end) === DOT) {
      if (!isDigit(source.charCodeAt(++end))) throw GIVE_UP;
      while (isDigit(source.charCodeAt(end))) end++;
    }
    const e = source.charCodeAt(end);
    if (e === LOWER_E || e === UPPER_E) {
      end++;
      const sign = source.charCodeAt(end);
      if (sign === PLUS || sign === MINUS) end++;
      if (!isDigit(source.charCodeAt(end))) throw GIVE_UP;
      while (isDigit(source.charCodeAt(end))) end++;
    }
    if (continuesWord(source.charCodeAt(end)) || source.charCodeAt(end) === DOT) throw GIVE_UP;
    this.pos = end;
    return Number(source.slice(start, end));
  }

  /** A quoted string; a line break in it, or an escape other than the common ones, gives up. */
  private string(quote: number): string {
    const { source } = this;
    const start = this.pos + 1;
    let end = start;
    let c = source.charCodeAt(end);
    while (c !== quote && c !== BACKSLASH && c !== LINE_FEED && c !== CARRIAGE_RETURN && end < source.length) c = source.charCodeAt(++end);
    if (c === quote) {
      this.pos = end + 1;
      return source.slice(start, end);
    }
    if (c !== BACKSLASH) throw GIVE_UP;
    // Escapes: the slow way, one character at a time.
    let out = source.slice(start, end);
    for (;;) {
      c = source.charCodeAt(end);
      if (c === quote) break;
      if (c === LINE_FEED || c === CARRIAGE_RETURN || end >= source.length) throw GIVE_UP;
      if (c !== BACKSLASH) {
        out += source[end++];
        continue;
      }
      const escape = source[end + 1];
      if (Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, escape)) {
        out += SIMPLE_ESCAPES[escape];
        end += 2;
      } else if (escape === '0' && !isDigit(source.charCodeAt(end + 2))) {
        out += '\0';
        end += 2;
      } else if (escape === 'x' && /^[0-9a-fA-F]{2}$/.test(source.slice(end + 2, end + 4))) {
        out += String.fromCharCode(parseInt(source.slice(end + 2, end + 4), 16));
        end += 4;
      } else if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(end + 2, end + 6))) {
        out += String.fromCharCode(parseInt(source.slice(end + 2, end + 6), 16));
        end += 6;
      } else {
        throw GIVE_UP; // `\u{…}`, line continuations, octal, `\8`, and the escapes that stand for themselves
      }
    }
    this.pos = end + 1;
    return out;
  }

  /** A template without `${…}` and without escapes or carriage returns (whose cooked value differs from the text). */
  private template(): string {
    const { source } = this;
    const start = this.pos + 1;
    let end = start;
    for (let c = source.charCodeAt(end); c !== BACKTICK; c = source.charCodeAt(++end)) {
      if (end >= source.length || c === BACKSLASH || c === CARRIAGE_RETURN) throw GIVE_UP;
      if (c === DOLLAR && source.charCodeAt(end + 1) === OPEN_BRACE) throw GIVE_UP;
    }
    this.pos = end + 1;
    return source.slice(start, end);
  }
}
