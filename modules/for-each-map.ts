import { MapTerraformIterator, TerraformIterator, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { mapExpression } from '../lib/terraform/literal';
import { shardOf } from '../lib/terraform/shards';

/**
 * A `for_each` over `items`, one instance per `key(item)` holding `value(item)`, with the map
 * held in a Terraform local.
 * Terraform evaluates a resource's `for_each` expression again for every instance, so a
 * literal map of n people costs n² (1,000 people: 33 s of planning); a reference to a local
 * is evaluated once (4.6 s). The local holds the map as one expression string, which cdktf
 * passes through instead of resolving each person (see mapExpression). Measured in `npm run bench`.
 */
export function forEachMap<T>(
  scope: Construct,
  id: string,
  items: readonly T[],
  key: (item: T) => string,
  value: (item: T) => ForEachValue,
): MapTerraformIterator {
  const local = new TerraformLocal(scope, id, mapExpression(items, key, value));
  return TerraformIterator.fromMap(local.asAnyMap);
}

/** One instance's value: a string (`each.value`) or flat attributes (`each.value.<name>`). */
export type ForEachValue = string | Readonly<Record<string, string | boolean>>;

/** The for_each of one shard: its label (`shardOf`) and the iterator over its part of the map. */
export interface ForEachShard {
  readonly shard: string;
  readonly iterator: MapTerraformIterator;
}

/**
 * `forEachMap` split by `shardOf(key)` into up to `PEOPLE_SHARDS` (32) maps (locals `<id>-<shard>`),
 * one per shard that has items, in shard order; a resource per shard iterates over each.
 * Terraform's planning cost per instance grows with the size of its resource (it re-evaluates
 * the whole `for_each` and copies the resource's state for each instance): one resource of
 * 1,000 people planned in 16 s, 32 of about 31 each in 7 s (`npm run bench`). A person's
 * shard depends on their key alone, so adding or removing others never moves them; a shard
 * left empty disappears, and Terraform treats its people as removed, as they are.
 */
export function forEachShards<T>(
  scope: Construct,
  id: string,
  items: readonly T[],
  key: (item: T) => string,
  value: (item: T) => ForEachValue,
): ForEachShard[] {
  const byShard = new Map<string, T[]>();
  for (const item of items) {
    const shard = shardOf(key(item));
    const group = byShard.get(shard);
    if (group) group.push(item);
    else byShard.set(shard, [item]);
  }
  return [...byShard.keys()].sort().map((shard) => ({ shard, iterator: forEachMap(scope, `${id}-${shard}`, byShard.get(shard)!, key, value) }));
}
