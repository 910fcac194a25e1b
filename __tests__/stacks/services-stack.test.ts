import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { withResourceIds } from '../../lib/terraform/interpolate';
import { simulateConnect } from '../../tools/shared/iam-simulation';
import { fleet, FLEET_RESOURCE_IDS, people, services } from '../fixtures/fleet';
import { forEachMaps, resourcesOfType, synthApp } from '../fixtures/synth';
import '../fixtures/cdktf-matchers';

describe('ServicesStack', () => {
  const stacks = () => synthApp({ config: fleet, users: people, services });

  test('one stack per account with services, in its first environment', () => {
    expect(Object.keys(stacks()).filter((id) => id.startsWith('services-')).sort()).toEqual(['services-production', 'services-staging']);
  });

  test("each connect policy names the service's own user on exactly its databases", () => {
    const [policy] = Object.values(resourcesOfType(stacks()['services-production'], 'aws_iam_policy'));
    const resources = JSON.parse(policy.policy as string).Statement[0].Resource as string[];
    expect(resources).toEqual([
      expect.stringMatching(/^arn:aws:rds-db:eu-west-1:123456789012:dbuser:\$\{.*database-my.*resource_id\}\/reports-api$/),
      expect.stringMatching(/^arn:aws:rds-db:eu-west-1:123456789012:dbuser:\$\{.*database-pg.*resource_id\}\/reports-api$/),
    ]);
    expect(stacks()['services-staging']).toHaveResourceWithProperties(IamPolicy, { name: 'rds-iam-etl-connect' });
  });

  test('a created role for the ECS service, none for the existing role, and each role named in the outputs', () => {
    expect(stacks()['services-production']).toHaveResourceWithProperties(IamRole, { name: 'rds-iam-reports-api' });
    expect(stacks()['services-staging']).not.toHaveResource(IamRole);
    expect(JSON.parse(stacks()['services-staging']).output.roles.value).toEqual({ etl: 'etl' });
  });

  test('the users stacks give services database users like people, in name order', () => {
    // dave's entry expired: his role stays, locked, after those with access.
    expect(Object.keys(forEachMaps(stacks()['users-pg'], 'postgresql_role')[0] as object)).toEqual(['alice', 'bob', 'reports-api', 'dave']);
    expect(forEachMaps(stacks()['users-amy'], 'mysql_user')[0]).toHaveProperty('etl');
  });

  test('without services.ts entries there is no services stack', () => {
    expect(Object.keys(synthApp()).some((id) => id.startsWith('services-'))).toBe(false);
  });

  test.each(['services-production', 'services-staging'])('%s matches its snapshot', (id) => {
    expect(stacks()[id]).toMatchSnapshot();
  });
});

/**
 * Proof, not snapshots: each service's connect policy exactly as synthesized, its Terraform
 * references replaced by concrete resource IDs, evaluated by an IAM policy simulator for
 * service × database user × database × account. Unlike people's ABAC policy, a service's
 * policy is scoped per database and to one user name.
 */

/** The connect policy of `service` as IAM would receive it. */
function servicePolicy(stack: string, service: string): object {
  const json = synthApp({ config: fleet, users: people, services })[stack];
  const resource = Object.values(resourcesOfType(json, 'aws_iam_policy')).find((p) => p.name === `rds-iam-${service}-connect`)!;
  return JSON.parse(withResourceIds(resource.policy as string, FLEET_RESOURCE_IDS));
}

/** Whether the role, holding `policy`, may connect as `dbUser` to database `key` (or to `resourceId` in `account`). */
async function connect(policy: object, dbUser: string, target: { key?: string; resourceId?: string; account?: string }): Promise<string> {
  const key = target.key ?? 'pg';
  const env = fleet.environments[fleet.databases[key].environment];
  const account = target.account ?? env.account;
  const resourceId = target.resourceId ?? FLEET_RESOURCE_IDS[key];
  return simulateConnect({
    principalArn: `arn:aws:sts::${account}:assumed-role/rds-iam-reports-api/task`,
    account,
    resource: `arn:aws:rds-db:${env.region}:${account}:dbuser:${resourceId}/${dbUser}`,
    tags: {},
    policies: [{ name: 'connect', document: policy }],
  });
}

describe('service connect policies, simulated', () => {
  const reportsApi = servicePolicy('services-production', 'reports-api');
  const etl = servicePolicy('services-staging', 'etl');

  test('a service may connect as itself to each of its databases', async () => {
    for (const key of ['pg', 'my']) expect([key, await connect(reportsApi, 'reports-api', { key })]).toEqual([key, 'Allowed']);
    for (const key of ['apg', 'amy']) expect([key, await connect(etl, 'etl', { key })]).toEqual([key, 'Allowed']);
  });

  test("a service may not connect as another service's user, a person or the master", async () => {
    for (const user of ['etl', 'alice', 'dbmaster', 'reports-api2', 'reports']) {
      expect([user, await connect(reportsApi, user, { key: 'pg' })]).toEqual([user, 'ImplicitlyDenied']);
    }
  });

  test('a service may not connect to a database it is not given, in its account or another', async () => {
    expect(await connect(reportsApi, 'reports-api', { resourceId: 'db-OTHERAAAAAAAAAAAAAAAAAAAAA' })).toBe('ImplicitlyDenied');
    expect(await connect(reportsApi, 'reports-api', { key: 'apg' })).toBe('ImplicitlyDenied');
    expect(await connect(etl, 'etl', { key: 'pg' })).toBe('ImplicitlyDenied');
  });

  test('a service may not connect to its own database id in another account', async () => {
    expect(await connect(reportsApi, 'reports-api', { key: 'pg', account: '999999999999' })).toBe('ImplicitlyDenied');
  });
});
