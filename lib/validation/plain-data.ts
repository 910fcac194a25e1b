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
  const found = problemIn(value);
  return found && { at: at + found.path, problem: found.problem };
}

/** The problem and its path below `value` (`[2].access`); paths are built only on the way out of a problem. */
function problemIn(value: unknown): { path: string; problem: string } | undefined {
  switch (typeof value) {
    case 'string': case 'number': case 'boolean': case 'undefined': return undefined;
    case 'object': break;
    default: return { path: '', problem: `is a ${typeof value}; write a plain value` };
  }
  if (value === null) return undefined;
  if (types.isProxy(value)) return { path: '', problem: 'is a Proxy, which can answer each reader differently; write a plain value' };
  const prototype = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (prototype !== (isArray ? Array.prototype : Object.prototype) && !(prototype === null && !isArray)) {
    return { path: '', problem: 'has a prototype of its own; write a plain object literal' };
  }
  if (Object.getOwnPropertySymbols(value).length > 0) return { path: '', problem: 'has symbol keys; use plain keys' };
  // One descriptor at a time: getOwnPropertyDescriptors of a long list builds an object as large.
  for (const key of Object.getOwnPropertyNames(value)) {
    if (isArray && key === 'length') continue;
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    const step = isArray ? `[${key}]` : `.${key}`;
    if (descriptor.get || descriptor.set) return { path: step, problem: 'is a getter or setter; write the value itself' };
    const inner = problemIn(descriptor.value);
    if (inner) return { path: step + inner.path, problem: inner.problem };
  }
  return undefined;
}
