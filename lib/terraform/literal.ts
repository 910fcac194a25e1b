/**
 * A free string (a tag, a description, a path, a user name) as Terraform must read it:
 * verbatim. Terraform evaluates `${…}` and `%{…}` in every JSON string at apply, so a value
 * like `${file("secret.txt")}` would run; doubling the opener (`$${`, `%%{`) is Terraform's
 * own escape. Every string from config.ts, users.ts or the environment that reaches a
 * synthesized stack goes through here.
 */
export function terraformLiteral(value: string): string;
/** An optional setting stays unset. */
export function terraformLiteral(value: string | undefined): string | undefined;
export function terraformLiteral(value: string | undefined): string | undefined {
  if (value === undefined || (!value.includes('${') && !value.includes('%{'))) return value;
  // split/join: in a replace() pattern `$$` would itself be an escape.
  return value.split('${').join('$${').split('%{').join('%%{');
}

/** `terraformLiteral` on every key and value of a string map (tags). */
export function terraformLiteralMap(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [terraformLiteral(k), terraformLiteral(v)]));
}

/** A value a map expression holds: what people's for_each maps are made of. */
export type LiteralValue = string | boolean | readonly LiteralValue[] | { readonly [key: string]: LiteralValue };

/**
 * The map of `items` (key and value of each) as one Terraform expression in one string,
 * `${zipmap(["jane","li"],["iam_read","iam_admin"])}`, for a local holding a map of people.
 * cdktf resolves an object key by key and value by value, twice per synth (100,000 people:
 * most of the synth time); a string it checks once. Two lists rather than an object: each is
 * one JSON.stringify of an array, with a fraction of the garbage of an object of n keys. The
 * lists are JSON, which Terraform reads as the same values; strings are escaped as
 * terraformLiteral does, and JSON's `\b` and `\f` (unknown to Terraform) become `\u` escapes.
 * Keys must be unique (validation sees to user names). readMapExpression reads it back.
 */
export function mapExpression<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => LiteralValue): string {
  return `\${zipmap(${list(items.map(key))},${list(items.map(value))})}`;
}

function list(values: readonly LiteralValue[]): string {
  const json = JSON.stringify(values);
  // Nothing escaped and nothing Terraform would interpolate (names and tiers): the JSON is the expression.
  return !json.includes('\\') && !json.includes('${') && !json.includes('%{') ? json : encode(values);
}

function encode(value: LiteralValue): string {
  if (typeof value === 'string') {
    return JSON.stringify(terraformLiteral(value)).replace(/\\[bf]/g, (escape) => (escape === '\\b' ? '\\u0008' : '\\u000c'));
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(encode).join(',')}]`;
  return `{${Object.entries(value as Record<string, LiteralValue>).map(([k, v]) => `${encode(k)}:${encode(v)}`).join(',')}}`;
}

/**
 * The map a string mapExpression wrote, or undefined for any other string: it must encode
 * back to exactly the same text, so a hand-written expression that Terraform might read
 * otherwise (duplicate keys, other escapes, other functions) is never taken for a map.
 */
export function readMapExpression(text: string): Readonly<Record<string, LiteralValue>> | undefined {
  if (!text.startsWith('${zipmap(') || !text.endsWith(')}')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(`[${text.slice('${zipmap('.length, -')}'.length)}]`);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [keys, values] = parsed.map(unescapeAll);
  if (!Array.isArray(keys) || !Array.isArray(values) || keys.length !== values.length) return undefined;
  if (!keys.every((k): k is string => typeof k === 'string') || new Set(keys).size !== keys.length) return undefined;
  if (mapExpression(keys.map((_, i) => i), (i) => keys[i], (i) => values[i]) !== text) return undefined;
  const map: Record<string, LiteralValue> = {};
  // defineProperty: a `__proto__` key stays a key.
  keys.forEach((k, i) => Object.defineProperty(map, k, { value: values[i], enumerable: true, writable: true, configurable: true }));
  return map;
}

const unescapeString = (text: string): string => text.split('$${').join('${').split('%%{').join('%{');

function unescapeAll(value: unknown): LiteralValue | undefined {
  if (typeof value === 'string') return unescapeString(value);
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    const items = value.map(unescapeAll);
    return items.every((i) => i !== undefined) ? (items as LiteralValue[]) : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const out: Record<string, LiteralValue> = {};
  for (const [k, v] of Object.entries(value)) {
    const item = unescapeAll(v);
    if (item === undefined) return undefined;
    Object.defineProperty(out, unescapeString(k), { value: item, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
