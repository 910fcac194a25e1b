import { SHARD_LOGICAL_ID, shardOf } from './shards';
import { forEachValue, StackJson } from './synthesized';

/**
 * Moving a deployed users stack's state from one resource per kind for everyone
 * (`postgresql_role.access_users_4002F1D5["jane"]`) to people spread over shards
 * (`postgresql_role.access_users-11_<hash>["jane"]`, see modules/for-each-map.ts), so the
 * first deploy after the upgrade changes nothing in the database. Terraform's `moved` blocks
 * would need one block per person per resource in every synth, and Terraform pairs them with
 * each other (n²); this rewrites the state once instead: each instance keeps everything it
 * holds, under its new address.
 */

/** A Terraform state, format version 4 (Terraform 0.12 and later), as `terraform state pull` prints it. */
export interface StateV4 {
  readonly version: number;
  readonly serial: number;
  readonly lineage: string;
  readonly resources?: readonly StateResource[];
  readonly [other: string]: unknown;
}

export interface StateResource {
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly module?: string;
  readonly provider: string;
  readonly instances: readonly StateInstance[];
}

export interface StateInstance {
  readonly index_key?: string | number;
  readonly dependencies?: readonly string[];
  readonly [other: string]: unknown;
}

/** Why a state cannot be moved: it is not one this was made for. Nothing was changed. */
export class StateMigrationError extends Error {}

/** One instance's move: `type.name["key"]` addresses. */
export interface ShardMove {
  readonly from: string;
  readonly to: string;
}

export interface ShardMigration {
  readonly moves: readonly ShardMove[];
  /** The state to push (serial one higher), or undefined when nothing moves. */
  readonly state?: StateV4;
}

/** cdktf's logical id: the construct path joined, then `_` and eight hex digits of its hash. */
const LOGICAL_ID = /^(.+)_[0-9A-F]{8}$/;

const address = (type: string, name: string, key?: string | number) => `${type}.${name}${key === undefined ? '' : `[${JSON.stringify(key)}]`}`;

/**
 * What moves in `state` for `stack` (its synthesized JSON): each instance of a resource the
 * stack no longer has, whose name is a sharded resource's without the shard
 * (`access_users_<hash>` for `access_users-11_<hash>`), goes to the shard resource of the same
 * type whose `for_each` holds its key. One the stack no longer holds stays where it is, so
 * Terraform destroys it as the removal it is. Refuses (throws) when a destination is already
 * in the state: that state is not the one this was made for.
 */
export function shardMigration(state: StateV4, stack: StackJson): ShardMigration {
  if (state.version !== 4) throw new StateMigrationError(`state format version ${state.version} is not 4: upgrade with a current Terraform first`);
  if (!Array.isArray(state.resources ?? []) || typeof state.serial !== 'number') throw new StateMigrationError('not a Terraform state: no resources list or serial');
  const configured = new Set<string>();
  /** `type base` → shard → [resource name, its keys]. */
  const shards = new Map<string, Map<string, [string, Set<string>]>>();
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      configured.add(address(type, name));
      const id = SHARD_LOGICAL_ID.exec(name);
      if (!id || body.for_each === undefined) continue;
      const map = forEachValue(body.for_each, stack.locals ?? {});
      if (typeof map !== 'object' || map === null) continue;
      const byShard = shards.get(`${type} ${id[1]}`) ?? new Map<string, [string, Set<string>]>();
      byShard.set(id[2], [name, new Set(Object.keys(map))]);
      shards.set(`${type} ${id[1]}`, byShard);
    }
  }
  const inState = new Set((state.resources ?? []).flatMap((r) => r.instances.map((i) => address(r.type, r.name, i.index_key))));
  const moves: ShardMove[] = [];
  /** Former resource address → the shard resource addresses its instances went to. */
  const replaced = new Map<string, Set<string>>();
  const resources: StateResource[] = [];
  const added = new Map<string, { resource: StateResource; instances: StateInstance[] }>();
  for (const resource of state.resources ?? []) {
    const former = LOGICAL_ID.exec(resource.name);
    const byShard = former && resource.mode === 'managed' && resource.module === undefined && !configured.has(address(resource.type, resource.name))
      ? shards.get(`${resource.type} ${former[1]}`)
      : undefined;
    if (!byShard) {
      resources.push(resource);
      continue;
    }
    const staying: StateInstance[] = [];
    for (const instance of resource.instances) {
      const key = instance.index_key;
      const target = typeof key === 'string' ? byShard.get(shardOf(key)) : undefined;
      if (!target || !target[1].has(key as string)) {
        staying.push(instance);
        continue;
      }
      const to = address(resource.type, target[0], key);
      if (inState.has(to)) throw new StateMigrationError(`${to} is already in the state: it was migrated, or written, by something else; nothing was changed`);
      moves.push({ from: address(resource.type, resource.name, key), to });
      const entry = added.get(target[0]) ?? { resource: { ...resource, name: target[0], instances: [] }, instances: [] };
      entry.instances.push(instance);
      added.set(target[0], entry);
      const fromResource = address(resource.type, resource.name);
      replaced.set(fromResource, (replaced.get(fromResource) ?? new Set()).add(address(resource.type, target[0])));
    }
    if (staying.length > 0) {
      resources.push({ ...resource, instances: staying });
      // Still there for the people who left: what depended on it still does (their destroy order).
      replaced.get(address(resource.type, resource.name))?.add(address(resource.type, resource.name));
    }
  }
  if (moves.length === 0) return { moves };
  for (const { resource, instances } of added.values()) {
    const existing = resources.findIndex((r) => r.type === resource.type && r.name === resource.name && r.module === undefined);
    if (existing >= 0) resources[existing] = { ...resources[existing], instances: [...resources[existing].instances, ...instances] };
    else resources.push({ ...resource, instances });
  }
  // What waited for a former resource now waits for its shards (Terraform orders destroys by these).
  const rewired = resources.map((r) => ({
    ...r,
    instances: r.instances.map((i) => (i.dependencies?.some((d) => replaced.has(d))
      ? { ...i, dependencies: [...new Set(i.dependencies.flatMap((d) => [...(replaced.get(d) ?? [d])]))].sort() }
      : i)),
  }));
  return { moves, state: { ...state, serial: state.serial + 1, resources: rewired } };
}
