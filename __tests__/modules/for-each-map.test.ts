import { Testing, TerraformStack } from 'cdktf';
import { forEachShards } from '../../modules/for-each-map';
import { shardOf } from '../../lib/terraform/shards';
import { readMapExpression } from '../../lib/terraform/literal';

describe('forEachShards', () => {
  test('each key is in exactly one shard, a local per shard that has keys, in shard order; others never move it', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const names = ['jane', 'alice', 'bob', 'zed'];
    const shards = forEachShards(stack, 'people', names, (n) => n, (n) => `tier-of-${n}`);
    expect(shards.map((s) => s.shard)).toEqual(['07', '11', '14']);
    const locals = JSON.parse(Testing.synth(stack)).locals as Record<string, string>;
    expect(Object.values(locals).map(readMapExpression)).toEqual([{ alice: 'tier-of-alice' }, { jane: 'tier-of-jane' }, { bob: 'tier-of-bob', zed: 'tier-of-zed' }]);
    const alone = forEachShards(new TerraformStack(Testing.app(), 'alone'), 'people', ['zed'], (n) => n, (n) => n);
    expect(alone.map((s) => s.shard)).toEqual([shardOf('zed')]);
  });
});
