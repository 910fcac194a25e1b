import { types } from 'util';

/** Where a value stops being plain data, and why. */
export interface NotPlainData {
  /** The path to the offending part, e.g. `users[2].access`. */
  readonly at: string;
  readonly problem: string;
}

/**
 * Where `value` is not plain data (a getter, a Proxy, a symbol key, an object with a prototype other
 * than Object's, a function), or undefined when it is. Values handed in by code rather than
 * read from a data file are checked with this, so every reader sees the same fields.
 */
export function plainDataProblem(value: unknown, at: string): NotPlainData | undefined {
  if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) return undefined;
  if (typeof value !== 'object') return { at, problem: `is a ${typeof value}; write a plain value` };
  if (types.isProxy(value)) return { at, problem: 'is a Proxy, which can answer each reader differently; write a plain value' };
  const prototype = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (prototype !== (isArray ? Array.prototype : Object.prototype) && !(prototype === null && !isArray)) {
    return { at, problem: 'has a prototype of its own; write a plain object literal' };
  }
  if (Object.getOwnPropertySymbols(value).length > 0) return { at, problem: 'has symbol keys; use plain keys' };
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
    if (isArray && key === 'length') continue;
    const where = isArray ? `${at}[${key}]` : `${at}.${key}`;
    if (descriptor.get || descriptor.set) return { at: where, problem: 'is a getter or setter; write the value itself' };
    const inner = plainDataProblem(descriptor.value, where);
    if (inner) return inner;
  }
  return undefined;
}
