import { PEOPLE_SHARDS, shardOf } from '../../../lib/terraform/shards';

describe('shardOf', () => {
  test('a key’s shard is fixed forever: it is part of every person’s state address', () => {
    // Changing these moves every deployed person to a new address: a state migration.
    expect(['jane', 'alice', 'bob', 'jane.doe', 'é', ''].map(shardOf)).toEqual(['11', '07', '14', '0b', '04', '05']);
    expect(PEOPLE_SHARDS).toBe(32);
  });

  test('1,000 people spread over all 32 shards, none much fuller than the rest', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const shard = shardOf(`user${String(i).padStart(6, '0')}`);
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0')));
    expect(Math.max(...counts.values())).toBeLessThan(50);
  });
});
