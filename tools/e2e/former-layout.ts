/**
 * A users stack as releases before people shards synthesized it: one resource per kind for
 * everyone (`postgresql_role.access_users_<hash>`), its people in one local, made from a stack
 * synthesized now by merging each resource's shards back. The real-engine tests apply it to
 * have Terraform write a state of the former layout for `npm run migrate-state` to move.
 */
import { createHash } from 'crypto';
import { LiteralValue, mapExpression, readMapExpression } from '../../lib/terraform/literal';
import { SHARD_LOGICAL_ID } from '../../lib/terraform/shards';
import { StackJson } from '../../lib/terraform/synthesized';

type Body = Record<string, unknown>;

/** A logical id of the former shape: the name, `_`, eight hex digits. */
const formerId = (base: string) => `${base}_${createHash('md5').update(base).digest('hex').slice(0, 8).toUpperCase()}`;

export function formerLayout(stack: StackJson): StackJson {
  const json = JSON.parse(JSON.stringify(stack)) as { resource: Record<string, Record<string, Body>>; locals: Record<string, unknown> };
  const renamed = new Map<string, string>();
  // Locals first: each shard's map joins its former local's.
  const merged = new Map<string, Record<string, LiteralValue>>();
  for (const [name, value] of Object.entries(json.locals ?? {})) {
    const shard = SHARD_LOGICAL_ID.exec(name);
    const map = typeof value === 'string' ? readMapExpression(value) : undefined;
    if (!shard || !map) continue;
    const former = formerId(shard[1]);
    merged.set(former, { ...merged.get(former), ...map });
    renamed.set(`local.${name}`, `local.${former}`);
    delete json.locals[name];
  }
  for (const [name, map] of merged) json.locals[name] = mapExpression(Object.keys(map), (k) => k, (k) => map[k]);
  for (const [type, byName] of Object.entries(json.resource)) {
    for (const [name, body] of Object.entries(byName)) {
      const shard = SHARD_LOGICAL_ID.exec(name);
      if (!shard || body.for_each === undefined) continue;
      const former = formerId(shard[1]);
      delete byName[name];
      renamed.set(`${type}.${name}`, `${type}.${former}`);
      byName[former] = { ...body, for_each: String(body.for_each).replace(/local\.[\w-]+/, (ref) => renamed.get(ref) ?? ref) };
    }
  }
  for (const byName of Object.values(json.resource)) {
    for (const body of Object.values(byName)) {
      if (Array.isArray(body.depends_on)) body.depends_on = [...new Set((body.depends_on as string[]).map((d) => renamed.get(d) ?? d))];
    }
  }
  return json as unknown as StackJson;
}
