import { checkDeploys } from '../../../lib/doctor/deploys';
import { checkLists, Listed } from '../../../lib/doctor/lists';
import { simulateConnect } from '../../../lib/iam/simulate';
import type { StackJson } from '../../../lib/terraform/synthesized';
import { FLEET_RESOURCE_IDS, fleet, NOW, people, services } from '../../fixtures/fleet';
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
