import { MapTerraformIterator, TerraformIterator, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { mapExpression } from '../lib/terraform/literal';

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
