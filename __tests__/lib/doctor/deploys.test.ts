import { checkDeploys, EntryPoint } from '../../../lib/doctor/deploys';
import { checkLists, Listed } from '../../../lib/doctor/lists';
import { simulateConnect } from '../../../lib/iam/simulate';
import type { AppConfig } from '../../../lib/model/types';
import type { StackJson } from '../../../lib/terraform/synthesized';
import { FLEET_RESOURCE_IDS, fleet, fleetWithProxyAndReplicas, NOW, people, services } from '../../fixtures/fleet';
import { synthApp } from '../../fixtures/synth';
import { runLink } from './helpers';

const stacks: Record<string, StackJson> = Object.fromEntries(Object.entries(synthApp({ config: fleet, users: people, services })).map(([id, text]) => [id, JSON.parse(text)]));

async function listed(user: string, database: string): Promise<Listed> {
  return (await runLink('lists', (link) => checkLists(link, { data: { config: fleet, users: people, services }, database, user, now: NOW, env: {} }))).value!;
}

const deploys = async (user: string, database: string, change: Record<string, StackJson> = {}, resourceIds: Record<string, string> = FLEET_RESOURCE_IDS) =>
  runLink('deploys', async (link) => checkDeploys(link, { listed: await listed(user, database), database, stacks: { ...stacks, ...change }, resourceIds, simulate: simulateConnect }));

/** The identity-center stack with its inline policy's text changed by `edit`. */
function identityCenterWith(edit: (policy: string) => string): Record<string, StackJson> {
  const ic = JSON.parse(JSON.stringify(stacks['identity-center']));
  for (const p of Object.values(ic.resource.aws_ssoadmin_permission_set_inline_policy) as { inline_policy: string }[]) p.inline_policy = edit(p.inline_policy);
  return { 'identity-center': ic };
}

/** A policy edit: pg's resource left out of every statement. */
const withoutDatabase = (key: string) => (text: string): string => {
  const policy = JSON.parse(text) as { Statement: { Resource: string | string[] }[] };
  for (const s of policy.Statement) if (Array.isArray(s.Resource)) s.Resource = s.Resource.filter((r) => !r.includes(`database-${key}`));
  return JSON.stringify(policy);
};

describe('the deploys link', () => {
  test("holds for a person: the users stack declares them in their tier, and the permission set's policy allows exactly their name", async () => {
    const { checks, broken, value, notes } = await deploys('alice', 'apg');
    expect(broken).toBeUndefined();
    expect(checks.map((c) => `${c.name}: ${c.detail}`)).toEqual([
      'database user: users-apg declares alice in iam_admin',
      "policy: the permission set DatabaseAccess's policy, with the session tag username=alice, allows rds-db:connect on arn:aws:rds-db:us-east-1:210987654321:dbuser:cluster-APGAAAAAAAAAAAAAAAAAAAAA/alice, for that name exactly (IAM policy simulator)",
    ]);
    expect(notes).toEqual([]);
    expect(value).toMatchObject({ role: { prefix: 'AWSReservedSSO_DatabaseAccess_' }, account: '210987654321', region: 'us-east-1', attributeKey: 'username' });
  });

  test("holds for a service: its own connect policy, on its role", async () => {
    const { broken, value } = await deploys('etl', 'amy');
    expect(broken).toBeUndefined();
    expect(value).toMatchObject({ role: { name: 'etl' }, account: '210987654321' });
    expect((await deploys('reports-api', 'pg')).value).toMatchObject({ role: { name: 'rds-iam-reports-api' } });
  });

  test('without the resource id in the outputs, simulates with a stand-in and says so', async () => {
    const { broken, notes } = await deploys('bob', 'pg', {}, {});
    expect(broken).toBeUndefined();
    expect(notes).toEqual([expect.stringMatching(/pg's resource id is not in the outputs file.*db-STANDINPG/)]);
  });

  test('holds where a database has a proxy and replicas, whose ids the policies name too', async () => {
    const config = { ...fleet, databases: { ...fleet.databases, pg: { ...fleet.databases.pg, proxy: {}, replicas: { count: 2 } } } };
    const withProxy: Record<string, StackJson> = Object.fromEntries(Object.entries(synthApp({ config, users: people, services })).map(([id, text]) => [id, JSON.parse(text)]));
    const listedBob = (await runLink('lists', (link) => checkLists(link, { data: { config, users: people, services }, database: 'pg', user: 'bob', now: NOW, env: {} }))).value!;
    const { broken } = await runLink('deploys', async (link) => checkDeploys(link, { listed: listedBob, database: 'pg', stacks: withProxy, resourceIds: FLEET_RESOURCE_IDS, simulate: simulateConnect }));
    expect(broken).toBeUndefined();
  });

  describe('through a proxy or a read replica', () => {
    const config: AppConfig = fleetWithProxyAndReplicas;
    const wayStacks: Record<string, StackJson> = Object.fromEntries(Object.entries(synthApp({ config, users: people, services })).map(([id, text]) => [id, JSON.parse(text)]));
    const ids = { ...FLEET_RESOURCE_IDS, 'pg/proxy': 'prx-0123456789abcdef0', 'pg/replica-1': 'db-PGREPLICA1AAAAAAAAAAAAAAA', 'my/replica-2': 'db-MYREPLICA2AAAAAAAAAAAAAAA' };
    const through = async (user: string, database: string, entryPoint: EntryPoint, change: Record<string, StackJson> = {}, resourceIds: Record<string, string> = ids) => {
      const who = (await runLink('lists', (link) => checkLists(link, { data: { config, users: people, services }, database, user, now: NOW, env: {} }))).value!;
      return runLink('deploys', async (link) => checkDeploys(link, { listed: who, database, stacks: { ...wayStacks, ...change }, resourceIds, simulate: simulateConnect, entryPoint }));
    };
    const proxy: EntryPoint = { name: 'proxy', label: 'the proxy' };

    test("--proxy simulates rds-db:connect on the proxy's prx- id, for that name exactly", async () => {
      const { checks, broken, value, notes } = await through('bob', 'pg', proxy);
      expect(broken).toBeUndefined();
      expect(checks.find((c) => c.name === 'policy')?.detail).toMatch(/allows rds-db:connect on arn:aws:rds-db:eu-west-1:123456789012:dbuser:prx-0123456789abcdef0\/bob \(pg's proxy\), for that name exactly/);
      expect(notes).toEqual([]);
      expect(value).toMatchObject({ region: 'eu-west-1', resourceId: 'prx-0123456789abcdef0', entryPoint: 'the proxy' });
    });

    test("a service's policy names the proxy too", async () => {
      const { broken, checks } = await through('reports-api', 'pg', proxy);
      expect(broken).toBeUndefined();
      expect(checks.find((c) => c.name === 'policy')?.detail).toMatch(/dbuser:prx-0123456789abcdef0\/reports-api/);
    });

    test("--replica n simulates on that replica's db- id, in the region config.ts puts it in", async () => {
      const elsewhere = await through('bob', 'pg', { name: 'replica-1', label: 'replica 1', environment: 'dr' });
      expect(elsewhere.broken).toBeUndefined();
      expect(elsewhere.checks.find((c) => c.name === 'policy')?.detail).toMatch(/on arn:aws:rds-db:eu-central-1:123456789012:dbuser:db-PGREPLICA1AAAAAAAAAAAAAAA\/bob \(pg's replica 1\)/);
      expect(elsewhere.value).toMatchObject({ region: 'eu-central-1', entryPoint: 'replica 1' });
      const beside = await through('bob', 'my', { name: 'replica-2', label: 'replica 2' });
      expect(beside.broken).toBeUndefined();
      expect(beside.value).toMatchObject({ region: 'eu-west-1', resourceId: 'db-MYREPLICA2AAAAAAAAAAAAAAA' });
    });

    test("without the proxy's or replica's id in the outputs, simulates with a stand-in and names the output", async () => {
      expect((await through('bob', 'pg', proxy, {}, FLEET_RESOURCE_IDS)).notes).toEqual([expect.stringMatching(/the resource id of pg's proxy is not in the outputs file \(proxy_resource_id\).*stand-in id \(db-STANDINPGPROXY\)/)]);
      expect((await through('bob', 'my', { name: 'replica-1', label: 'replica 1' }, {}, FLEET_RESOURCE_IDS)).notes)
        .toEqual([expect.stringMatching(/the resource id of my's replica 1 is not in the outputs file \(replica_resource_ids\)/)]);
    });

    test('fails when the policy that deploys names the database but not its proxy', async () => {
      const ic = JSON.parse(JSON.stringify(wayStacks['identity-center']));
      for (const p of Object.values(ic.resource.aws_ssoadmin_permission_set_inline_policy) as { inline_policy: string }[]) {
        const policy = JSON.parse(p.inline_policy) as { Statement: { Resource: string | string[] }[] };
        for (const s of policy.Statement) if (Array.isArray(s.Resource)) s.Resource = s.Resource.filter((r) => !r.includes('proxy_resource_id'));
        p.inline_policy = JSON.stringify(policy);
      }
      expect((await through('bob', 'pg', proxy, { 'identity-center': ic })).broken).toMatchObject({
        check: 'policy',
        wrong: expect.stringMatching(/does not allow rds-db:connect on arn:aws:rds-db:eu-west-1:123456789012:dbuser:prx-0123456789abcdef0\/bob \(pg's proxy\) \(IAM policy simulator: ImplicitlyDenied\)/),
        fix: expect.stringMatching(/^deploy database-pg \(it makes the proxy\), then the identity-center stack .* so the policy names pg's proxy/),
      });
    });

    test('fails when the policy would let the session connect through the proxy as another name', async () => {
      const ic = JSON.parse(JSON.stringify(wayStacks['identity-center']));
      for (const p of Object.values(ic.resource.aws_ssoadmin_permission_set_inline_policy) as { inline_policy: string }[]) p.inline_policy = p.inline_policy.split('$${aws:PrincipalTag/username}').join('*');
      expect((await through('bob', 'pg', proxy, { 'identity-center': ic })).broken).toMatchObject({ check: 'policy', wrong: expect.stringMatching(/also allows BOB/) });
    });
  });

  test('fails when the policy that deploys does not name the database', async () => {
    const { broken } = await deploys('alice', 'pg', identityCenterWith(withoutDatabase('pg')));
    expect(broken).toMatchObject({ check: 'policy', wrong: expect.stringMatching(/does not allow rds-db:connect on arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-PG\w+\/alice \(IAM policy simulator: ImplicitlyDenied\)/) });
    expect(broken?.fix).toMatch(/npm run deploy -- identity-center/);
  });

  test('fails when the policy would let the session connect as another name (a wildcard instead of the tag)', async () => {
    const { broken } = await deploys('alice', 'pg', identityCenterWith((p) => p.split('$${aws:PrincipalTag/username}').join('*')));
    expect(broken).toMatchObject({ check: 'policy', wrong: expect.stringMatching(/also allows ALICE: the policy does not name exactly one database user/) });
  });

  test('fails when the users stack does not declare the database user', async () => {
    const users = JSON.parse(JSON.stringify(stacks['users-pg']));
    users.locals = JSON.parse(JSON.stringify(users.locals ?? {}).split('bob').join('bobby'));
    users.resource = JSON.parse(JSON.stringify(users.resource).split('"bob"').join('"bobby"'));
    expect((await deploys('bob', 'pg', { 'users-pg': users })).broken).toMatchObject({ check: 'database user', wrong: 'the users-pg stack does not declare bob, though users.ts grants it' });
  });
});
