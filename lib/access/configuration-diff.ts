import { byCodeUnit } from '../model/order';
import { StackJson } from '../terraform/synthesized';

/**
 * Everything the stacks declare that the access model does not read, compared path by path:
 * providers and their connection settings (host, port, TLS mode, login), required providers
 * with source and version, backends, data and ephemeral blocks, outputs, and every setting of
 * the database stacks (parameters, TLS, IAM auth, encryption, deletion protection). What
 * deployedAccess models is left out here only where it is reported in full there, so every
 * difference between two synths shows in one place or the other, never in neither.
 */

/** One changed place: `<stack> <block>.<key>…` with its JSON before and after (absent side: not there). */
export interface ConfigurationChange {
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
}

/** Stacks whose resources deployedAccess reads in full (anything it does not know goes to its `other`). */
const MODELLED_RESOURCES = /^(users-|identity-center$|connect-policy-|services-)/;
/** Resource types of the database stacks that the report's network section lists in full. */
const MODELLED_DATABASE_RESOURCES: ReadonlySet<string> = new Set(['aws_vpc_security_group_ingress_rule']);
/** Where a stack's own or cross-stack blocks end and a resource's configuration starts: an added resource shows whole. */
const WHOLE_AT_DEPTH = 3;

type Json = unknown;

/** The locals a stack's resources iterate over (`for_each = "${local.x}"`): read, resolved, by the access model. */
function forEachLocals(stack: StackJson): Set<string> {
  const names = new Set<string>();
  for (const byName of Object.values(stack.resource ?? {})) {
    for (const body of Object.values(byName)) {
      const ref = /^\$\{local\.([\w-]+)\}$/.exec(String(body.for_each ?? ''));
      if (ref) names.add(ref[1]);
    }
  }
  return names;
}

/** True where the access model reports the place in full. */
function modelled(stackName: string, stack: StackJson | undefined, keys: readonly string[]): boolean {
  if (keys[0] === '//') return true; // construct metadata: where a resource was declared, not what deploys
  if (MODELLED_RESOURCES.test(stackName)) {
    if (keys[0] === 'resource') return true;
    if (keys[0] === 'locals' && keys.length > 1 && stack !== undefined && forEachLocals(stack).has(keys[1])) return true;
  }
  if (stackName.startsWith('database-') && keys[0] === 'resource' && keys.length > 1 && MODELLED_DATABASE_RESOURCES.has(keys[1])) return true;
  return keys[keys.length - 1] === '//';
}

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: Json) => JSON.stringify(v);
const pathOf = (keys: readonly string[]) => keys.join('.').replace(/\.\[/g, '[');

/** Every path where the two synths' stacks differ, outside what the access model reports, sorted by path. */
export function configurationChanges(base: Readonly<Record<string, StackJson>>, head: Readonly<Record<string, StackJson>>): ConfigurationChange[] {
  const out: ConfigurationChange[] = [];
  for (const stackName of [...new Set([...Object.keys(base), ...Object.keys(head)])].sort(byCodeUnit)) {
    const a = base[stackName];
    const b = head[stackName];
    const skip = (keys: readonly string[]) => modelled(stackName, a, keys) || modelled(stackName, b, keys);
    compare(a as Json, b as Json, [], skip, (keys, before, after) => {
      out.push({ path: `${stackName} ${pathOf(keys)}`, ...(before !== undefined ? { before: text(before) } : {}), ...(after !== undefined ? { after: text(after) } : {}) });
    });
  }
  return out;
}

function compare(
  a: Json,
  b: Json,
  keys: readonly string[],
  skip: (keys: readonly string[]) => boolean,
  emit: (keys: readonly string[], before: Json, after: Json) => void,
): void {
  if (keys.length > 0 && skip(keys)) return;
  if (text(a) === text(b)) return;
  // Into objects on both sides, and into a whole stack or block that one side lacks, down to its resources.
  const descend = (isObject(a) || a === undefined) && (isObject(b) || b === undefined) && (keys.length < WHOLE_AT_DEPTH || (a !== undefined && b !== undefined));
  if (descend) {
    const ao = (a ?? {}) as Record<string, Json>;
    const bo = (b ?? {}) as Record<string, Json>;
    for (const key of [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort(byCodeUnit)) compare(ao[key], bo[key], [...keys, key], skip, emit);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => compare(item, b[i], [...keys, `[${i}]`], skip, emit));
    return;
  }
  emit(keys, a, b);
}
