import { simulateConnect } from '../../tools/shared/iam-simulation';
import { fleet } from '../fixtures/fleet';
import { resourcesOfType, synthApp } from '../fixtures/synth';
import { withResourceIds } from '../../lib/terraform/interpolate';

/**
 * Proof, not snapshots: the permission set policy exactly as synthesized, its Terraform
 * references replaced by concrete resource IDs as Terraform would, evaluated by an IAM
 * policy simulator for people × database users × databases.
 */

// Concrete resource IDs RDS would have assigned: db-… for instances, cluster-… for Aurora.
const RESOURCE_IDS: Record<string, string> = {
  pg: 'db-PGAAAAAAAAAAAAAAAAAAAAAAAA',
  my: 'db-MYAAAAAAAAAAAAAAAAAAAAAAAA',
  apg: 'cluster-APGAAAAAAAAAAAAAAAAAAAAA',
  amy: 'cluster-AMYAAAAAAAAAAAAAAAAAAAAA',
};

function deployedPolicy(keepEscape = false): object {
  const json = synthApp()['identity-center'];
  const [resource] = Object.values(resourcesOfType(json, 'aws_ssoadmin_permission_set_inline_policy'));
  // keepEscape: what IAM would get if `$${` were escaped twice (the Fn.jsonencode trap).
  const source = keepEscape ? (resource.inline_policy as string).split('$${').join('$$${') : (resource.inline_policy as string);
  return JSON.parse(withResourceIds(source, RESOURCE_IDS));
}

interface Target {
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly resourceId: string;
}

const inScope: Target[] = Object.entries(RESOURCE_IDS).map(([key, resourceId]) => {
  const env = fleet.environments[fleet.databases[key].environment];
  return { name: key, region: env.region, account: env.account, resourceId };
});
// Same account and region as `pg`, but a database this project does not manage.
const outOfScope: Target = { name: 'other', region: 'eu-west-1', account: '123456789012', resourceId: 'db-OTHERAAAAAAAAAAAAAAAAAAAAA' };

async function connect(policy: object, tag: string | undefined, dbUser: string, target: Target): Promise<string> {
  return simulateConnect({
    principalArn: `arn:aws:sts::${target.account}:assumed-role/AWSReservedSSO_DatabaseAccess_0123456789abcdef/${tag ?? 'someone'}`,
    account: target.account,
    resource: `arn:aws:rds-db:${target.region}:${target.account}:dbuser:${target.resourceId}/${dbUser}`,
    tags: tag === undefined ? {} : { username: tag },
    policies: [{ name: 'DatabaseAccess', document: policy }],
  });
}

describe('permission set policy, simulated', () => {
  const policy = deployedPolicy();
  const people = ['alice', 'bob', 'carol.x@example.com'];

  test('the policy Terraform delivers to IAM holds the variable, not an escape', () => {
    const text = JSON.stringify(policy);
    expect(text).toContain('/${aws:PrincipalTag/username}');
    expect(text).not.toContain('$$');
  });

  test.each(people)('%s may connect as themselves to every managed database', async (person) => {
    for (const target of inScope) {
      expect([target.name, await connect(policy, person, person, target)]).toEqual([target.name, 'Allowed']);
    }
  });

  test.each(people)('%s may not connect as anyone else', async (person) => {
    for (const other of people.filter((p) => p !== person)) {
      for (const target of inScope) {
        expect([other, target.name, await connect(policy, person, other, target)]).toEqual([other, target.name, 'ImplicitlyDenied']);
      }
    }
  });

  test('a session without the username tag is denied', async () => {
    for (const target of inScope) expect(await connect(policy, undefined, 'alice', target)).toBe('ImplicitlyDenied');
  });

  test.each([
    ['*', 'alice'],
    ['?????', 'alice'],
    ['al*', 'alice'],
    ['Alice', 'alice'],
    ['ALICE', 'alice'],
    ['alice', 'Alice'],
  ])('tag %j cannot connect as database user %j', async (tag, dbUser) => {
    for (const target of inScope) expect(await connect(policy, tag, dbUser, target)).toBe('ImplicitlyDenied');
  });

  test('a database outside the fleet is denied, even to its own user', async () => {
    expect(await connect(policy, 'alice', 'alice', outOfScope)).toBe('ImplicitlyDenied');
  });

  test('control: had the escape reached IAM, even the owner would be locked out', async () => {
    const broken = deployedPolicy(true);
    expect(JSON.stringify(broken)).toContain('$${aws:PrincipalTag/username}');
    expect(await connect(broken, 'alice', 'alice', inScope[0])).toBe('ImplicitlyDenied');
  });

  test('a managed resource id in another account or region is denied', async () => {
    const pg = inScope.find((t) => t.name === 'pg')!;
    expect(await connect(policy, 'alice', 'alice', { ...pg, account: '444455556666' })).toBe('ImplicitlyDenied');
    expect(await connect(policy, 'alice', 'alice', { ...pg, region: 'us-west-2' })).toBe('ImplicitlyDenied');
  });
});
