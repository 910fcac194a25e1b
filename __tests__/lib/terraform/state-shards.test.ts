import { ShardMove, shardMigration, StateInstance, StateResource, StateV4 } from '../../../lib/terraform/state-shards';
import { shardOf } from '../../../lib/terraform/shards';
import { forEachValue } from '../../../lib/terraform/synthesized';
import { fleet, people } from '../../fixtures/fleet';
import { synthStacks } from '../../fixtures/synth';

/** The stack as synthesized now: people spread over shard resources (`access_users-07_<hash>`). */
const stack = synthStacks({ config: fleet, users: people })['users-pg'];

const SHARD_ID = /^(.+)-([0-9a-f]{2})_[0-9A-F]{8}$/;
/** The hash the former layout's resources carry here: any eight hex digits will do. */
const FORMER_HASH = '0123ABCD';
const POSTGRESQL = 'provider["example/cyrilgdn/postgresql"]';
const BUILTIN = 'provider["example/builtin/terraform"]';

interface Shard {
  readonly type: string;
  readonly name: string;
  /** The resource's name in the former layout: `access_users_0123ABCD` for `access_users-07_<hash>`. */
  readonly former: string;
  readonly keys: readonly string[];
}

const resources = stack.resource ?? {};
const shards: Shard[] = Object.entries(resources).flatMap(([type, byName]) => Object.entries(byName).flatMap(([name, body]) => {
  const id = SHARD_ID.exec(name);
  if (!id || body.for_each === undefined) return [];
  return [{ type, name, former: `${id[1]}_${FORMER_HASH}`, keys: Object.keys(forEachValue(body.for_each, stack.locals ?? {}) as Record<string, unknown>) }];
}));
const barrier = `terraform_data.${Object.keys(resources.terraform_data ?? {}).find((name) => name.startsWith('access_users-ready_'))}`;
const tierRole = Object.keys(resources.postgresql_role ?? {}).find((name) => name.startsWith('access_tier-read_'))!;

/** A shard resource's address as the former layout named it; any other address as it is. */
const formerAddress = (address: string) => address.replace(/-[0-9a-f]{2}_[0-9A-F]{8}$/, `_${FORMER_HASH}`);

/**
 * The dependencies Terraform records in the state for an instance of the stack's resource at
 * `address`: every resource it depends on, directly or through others, sorted (the people's
 * resources depend on others through depends_on alone). `rename` gives them the former layout's names.
 */
function recorded(address: string, rename: (address: string) => string = (a) => a): string[] {
  const seen = new Set<string>();
  const visit = (from: string) => {
    const [type, name] = from.split('.');
    for (const to of (resources[type]?.[name]?.depends_on as string[] | undefined) ?? []) {
      if (seen.has(to)) continue;
      seen.add(to);
      visit(to);
    }
  };
  visit(address);
  return [...new Set([...seen].map(rename))].sort();
}

const instance = (type: string, base: string, key: string | undefined, dependencies: readonly string[]): StateInstance => ({
  ...(key === undefined ? {} : { index_key: key }),
  schema_version: 0,
  attributes: { id: key ?? base, marker: `${type}.${base}${key === undefined ? '' : ` ${key}`}` },
  sensitive_attributes: [],
  dependencies: [...dependencies],
});

/** Resources a migration must leave as they are, though some carry a former resource's name. */
const UNRELATED: StateResource[] = [
  { mode: 'managed', type: 'postgresql_role', name: tierRole, provider: POSTGRESQL, instances: [instance('postgresql_role', tierRole, undefined, recorded(`postgresql_role.${tierRole}`))] },
  // A data source and a module's resource of the former name and keys: neither is this stack's.
  { mode: 'data', type: 'postgresql_role', name: `access_users_${FORMER_HASH}`, provider: POSTGRESQL, instances: [instance('postgresql_role', 'data', 'alice', [])] },
  { mode: 'managed', type: 'postgresql_role', name: `access_users_${FORMER_HASH}`, module: 'module.former', provider: POSTGRESQL, instances: [instance('postgresql_role', 'module', 'alice', [])] },
];

/**
 * A state of the former layout, as Terraform wrote it for this stack's people (and `extra`
 * keys): one resource per kind holding everyone. Roles depend on the tier roles, the barrier
 * on the former role resource (and so the tier roles), grants on the barrier (and so on).
 */
function formerState(extra: readonly string[] = []): StateV4 {
  const byFormer = new Map<string, StateResource>();
  for (const shard of shards) {
    const address = `${shard.type}.${shard.former}`;
    const dependencies = recorded(`${shard.type}.${shard.name}`, formerAddress);
    const held = byFormer.get(address)?.instances ?? [];
    byFormer.set(address, {
      mode: 'managed', type: shard.type, name: shard.former, provider: POSTGRESQL,
      instances: [...held, ...shard.keys.map((key) => instance(shard.type, shard.former, key, dependencies))],
    });
  }
  for (const [address, resource] of byFormer) {
    byFormer.set(address, { ...resource, instances: [...resource.instances, ...extra.map((key) => instance(resource.type, resource.name, key, resource.instances[0].dependencies ?? []))] });
  }
  const [barrierType, barrierName] = barrier.split('.');
  const ready: StateResource = {
    mode: 'managed', type: barrierType, name: barrierName, provider: BUILTIN,
    instances: [instance(barrierType, barrierName, undefined, recorded(barrier, formerAddress))],
  };
  return {
    version: 4, terraform_version: '1.9.8', serial: 41, lineage: '5b2f0c1e-7d3a-4e8b-9c6f-0a1b2c3d4e5f', outputs: {},
    resources: [UNRELATED[0], ...byFormer.values(), ready, ...UNRELATED.slice(1)],
    check_results: null,
  };
}

const find = (state: StateV4, type: string, name: string, mode = 'managed') => state.resources?.find((r) => r.mode === mode && r.type === type && r.name === name && r.module === undefined);
const keyed = (resource: StateResource | undefined, key: string) => resource?.instances.find((i) => i.index_key === key);

describe('shardMigration', () => {
  test('moves every person’s instances to the shard resource of the same type whose for_each holds their key', () => {
    const { moves } = shardMigration(formerState(), stack);
    const expected = shards.flatMap((s) => s.keys.map((key) => ({ from: `${s.type}.${s.former}["${key}"]`, to: `${s.type}.${s.name}["${key}"]` })));
    const byFrom = (a: ShardMove, b: ShardMove) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0);
    expect([...moves].sort(byFrom)).toEqual(expected.sort(byFrom));
    for (const { to } of moves) {
      const [, shard, key] = /-([0-9a-f]{2})_[0-9A-F]{8}\[(".+")\]$/.exec(to)!;
      expect(shard).toBe(shardOf(JSON.parse(key) as string));
    }
    // Alice, bob and dave have roles; alice and bob memberships too (dave's access expired).
    expect(moves).toHaveLength(7);
  });

  test('each moved instance keeps what it held, its dependencies named as for the sharded stack', () => {
    const former = formerState();
    const { moves, state } = shardMigration(former, stack);
    for (const shard of shards) {
      const moved = find(state!, shard.type, shard.name);
      expect(moved).toMatchObject({ mode: 'managed', provider: POSTGRESQL });
      expect(moved!.instances.map((i) => i.index_key)).toEqual(shard.keys);
      for (const key of shard.keys) {
        expect(keyed(moved, key)).toEqual({ ...keyed(find(former, shard.type, shard.former), key), dependencies: recorded(`${shard.type}.${shard.name}`) });
      }
    }
    expect(shards.reduce((n, s) => n + find(state!, s.type, s.name)!.instances.length, 0)).toBe(moves.length);
  });

  test('leaves every other resource as it was, and no former resource behind once all its people moved', () => {
    const { state } = shardMigration(formerState(), stack);
    expect(state!.resources!.filter((r) => !shards.some((s) => r.mode === 'managed' && r.module === undefined && r.type === s.type && r.name === s.name) && `${r.type}.${r.name}` !== barrier)).toEqual(UNRELATED);
    expect(state!.resources!.filter((r) => r.mode === 'managed' && r.module === undefined && r.name.endsWith(`_${FORMER_HASH}`))).toEqual([]);
  });

  test('the migrated state is the next serial of the same lineage', () => {
    const former = formerState();
    const { state } = shardMigration(former, stack);
    expect(state).toMatchObject({ version: 4, serial: 42, lineage: former.lineage, terraform_version: '1.9.8', outputs: {}, check_results: null });
  });

  test('the barrier now depends on the shard role resources instead of the former one', () => {
    const former = formerState();
    const { state } = shardMigration(former, stack);
    const [type, name] = barrier.split('.');
    // As Terraform records them for the sharded stack: sorted, once each, the tier roles kept.
    expect(find(state!, type, name)!.instances[0].dependencies).toEqual(recorded(barrier));
    expect(find(former, type, name)!.instances[0].dependencies).toContain(`postgresql_role.access_users_${FORMER_HASH}`);
    expect(recorded(barrier).filter((d) => SHARD_ID.test(d.split('.')[1]))).toHaveLength(3);
  });

  test('a person no longer in the stack stays at the former address, for Terraform to destroy as removed', () => {
    // gone.person's shard (05) has no resource left; left.person's (07) holds alice.
    const { moves, state } = shardMigration(formerState(['gone.person', 'left.person']), stack);
    expect(moves.filter((m) => /gone\.person|left\.person/.test(m.from))).toEqual([]);
    for (const address of new Set(shards.map((s) => `${s.type}.${s.former}`))) {
      const [type, name] = address.split('.');
      expect(find(state!, type, name)!.instances.map((i) => i.index_key)).toEqual(['gone.person', 'left.person']);
    }
    expect(moves).toHaveLength(7);
    expect([shardOf('gone.person'), shardOf('left.person')]).toEqual(['05', '07']);
  });

  test('what depended on a former resource that keeps people still depends on it, so their memberships go before their role', () => {
    const { state } = shardMigration(formerState(['gone.person']), stack);
    const grant = shards.find((s) => s.type === 'postgresql_grant_role')!;
    const gone = find(state!, grant.type, grant.former)!.instances.find((i) => i.index_key === 'gone.person')!;
    expect(gone.dependencies).toContain(`postgresql_role.access_users_${FORMER_HASH}`);
    expect(gone.dependencies!.filter((d) => d.startsWith('postgresql_role.access_users-'))).not.toHaveLength(0);
  });

  test('a state already in the sharded layout has nothing to move', () => {
    // gone.person stays at the former address, and still moves nowhere.
    const migrated = shardMigration(formerState(['gone.person']), stack).state!;
    expect(shardMigration(migrated, stack)).toEqual({ moves: [] });
  });

  test('fails when a destination address is already in the state, and changes nothing', () => {
    const alice = shards.find((s) => s.type === 'postgresql_role' && s.keys.includes('alice'))!;
    const former = formerState();
    const state: StateV4 = {
      ...former,
      resources: [...former.resources!, { mode: 'managed', type: alice.type, name: alice.name, provider: POSTGRESQL, instances: [instance(alice.type, alice.name, 'alice', [])] }],
    };
    const before = JSON.parse(JSON.stringify(state)) as StateV4;
    expect(() => shardMigration(state, stack)).toThrow(/already in the state/);
    expect(state).toEqual(before);
  });

  test('fails when the state is not format version 4', () => {
    expect(() => shardMigration({ ...formerState(), version: 3 }, stack)).toThrow(/not 4/);
  });
});
