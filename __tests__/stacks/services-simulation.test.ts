import { simulateConnect } from '../../tools/shared/iam-simulation';
import { fleet, people, services } from '../fixtures/fleet';
import { resourcesOfType, synthApp } from '../fixtures/synth';
import { withResourceIds } from '../../lib/terraform/interpolate';

/**
 * Proof, not snapshots: each service's connect policy exactly as synthesized, its Terraform
 * references replaced by concrete resource IDs, evaluated by an IAM policy simulator for
 * service × database user × database × account. Unlike people's ABAC policy, a service's
 * policy is scoped per database and to one user name.
 */

const RESOURCE_IDS: Record<string, string> = {
  pg: 'db-PGAAAAAAAAAAAAAAAAAAAAAAAA',
  my: 'db-MYAAAAAAAAAAAAAAAAAAAAAAAA',
  apg: 'cluster-APGAAAAAAAAAAAAAAAAAAAAA',
  amy: 'cluster-AMYAAAAAAAAAAAAAAAAAAAAA',
};

/** The connect policy of `service` as IAM would receive it. */
function servicePolicy(stack: string, service: string): object {
  const json = synthApp({ config: fleet, users: people, services })[stack];
  const resource = Object.values(resourcesOfType(json, 'aws_iam_policy')).find((p) => p.name === `rds-iam-${service}-connect`)!;
  return JSON.parse(withResourceIds(resource.policy as string, RESOURCE_IDS));
}

/** Whether the role, holding `policy`, may connect as `dbUser` to database `key` (or to `resourceId` in `account`). */
async function connect(policy: object, dbUser: string, target: { key?: string; resourceId?: string; account?: string }): Promise<string> {
  const key = target.key ?? 'pg';
  const env = fleet.environments[fleet.databases[key].environment];
  const account = target.account ?? env.account;
  const resourceId = target.resourceId ?? RESOURCE_IDS[key];
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
