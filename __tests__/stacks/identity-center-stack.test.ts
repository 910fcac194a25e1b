import { DataAwsIdentitystoreGroup } from '@cdktf/provider-aws/lib/data-aws-identitystore-group';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IdentitystoreGroup } from '@cdktf/provider-aws/lib/identitystore-group';
import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { SsoadminCustomerManagedPolicyAttachment } from '@cdktf/provider-aws/lib/ssoadmin-customer-managed-policy-attachment';
import { SsoadminInstanceAccessControlAttributes } from '@cdktf/provider-aws/lib/ssoadmin-instance-access-control-attributes';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { AppConfig, UserEntry } from '../../lib/model/types';
import { withResourceIds } from '../../lib/terraform/interpolate';
import { simulateConnect } from '../../tools/shared/iam-simulation';
import { existingFleet, existingPeople, fleet, FLEET_RESOURCE_IDS, onlyDatabases, people } from '../fixtures/fleet';
import { addresses, forEachMaps, instances, LOCAL_FOR_EACH, resourcesOfType, synthApp } from '../fixtures/synth';
import '../fixtures/cdktf-matchers';

const withIdentityCenter = (overrides: Partial<NonNullable<AppConfig['identityCenter']>>): AppConfig => ({
  ...fleet,
  identityCenter: { ...fleet.identityCenter!, ...overrides },
});

/** One database and its people, with Identity Center settings changed: enough where a test reads only how Identity Center is set up. */
const oneDatabaseWith = (overrides: Partial<NonNullable<AppConfig['identityCenter']>>) => {
  const { config, users } = onlyDatabases('pg');
  return { users, config: { ...config, identityCenter: { ...config.identityCenter!, ...overrides } } };
};

const inlinePolicyOf = (json: string): string => {
  const [policy] = Object.values(resourcesOfType(json, 'aws_ssoadmin_permission_set_inline_policy'));
  return policy.inline_policy as string;
};

describe('IdentityCenterStack', () => {
  const stacks = synthApp();
  const sso = stacks['identity-center'];

  test('maps the username attribute from ${path:userName}, escaped for Terraform', () => {
    expect(sso).toHaveResourceWithProperties(SsoadminInstanceAccessControlAttributes, {
      attribute: [{ key: 'username', value: [{ source: ['$${path:userName}'] }] }],
    });
    expect(sso).toContain('"$${path:userName}"');
  });

  test('the inline policy names $${aws:PrincipalTag/username} on each database’s live resource id', () => {
    const policy = inlinePolicyOf(sso);
    const resources = JSON.parse(policy.split('$${').join('<tag>{')).Statement[0].Resource as string[];
    expect(resources).toEqual([
      expect.stringMatching(/^arn:aws:rds-db:us-east-1:210987654321:dbuser:\$\{data\.terraform_remote_state\.cross-stack-reference-input-database-amy\.outputs\.cross-stack-output-aws_rds_cluster.*cluster_resource_id\}\/<tag>\{aws:PrincipalTag\/username\}$/),
      expect.stringMatching(/^arn:aws:rds-db:us-east-1:210987654321:dbuser:\$\{.*database-apg.*cluster_resource_id\}\/<tag>\{aws:PrincipalTag\/username\}$/),
      expect.stringMatching(/^arn:aws:rds-db:eu-west-1:123456789012:dbuser:\$\{.*database-my.*aws_db_instance.*resource_id\}\/<tag>\{aws:PrincipalTag\/username\}$/),
      expect.stringMatching(/^arn:aws:rds-db:eu-west-1:123456789012:dbuser:\$\{.*database-pg.*aws_db_instance.*resource_id\}\/<tag>\{aws:PrincipalTag\/username\}$/),
    ]);
    // The exact text Terraform receives for one statement resource.
    expect(policy).toMatch(/"arn:aws:rds-db:eu-west-1:123456789012:dbuser:\$\{data\.terraform_remote_state\.cross-stack-reference-input-database-pg\.outputs\.cross-stack-output-aws_db_instancedatabase_instance_[0-9A-F]{8}resource_id\}\/\$\$\{aws:PrincipalTag\/username\}"/);
    expect(JSON.parse(policy.split('$${').join('{')).Statement).toHaveLength(1);
  });

  test('a permission set with the configured session, assigned to the group in every database account', () => {
    expect(sso).toHaveResourceWithProperties(SsoadminPermissionSet, { name: 'DatabaseAccess', session_duration: 'PT1H' });
    const assignments = Object.values(resourcesOfType(sso, 'aws_ssoadmin_account_assignment'));
    expect(assignments.map((a) => a.target_id)).toEqual(['123456789012', '210987654321']);
    expect(sso).toHaveResourceWithProperties(SsoadminAccountAssignment, {
      principal_type: 'GROUP',
      principal_id: expect.stringMatching(/aws_identitystore_group\..*\.group_id/),
      target_type: 'AWS_ACCOUNT',
      depends_on: [expect.stringMatching(/^aws_ssoadmin_permission_set_inline_policy\./)],
    });
  });

  test('looks up the Identity Center instance unless given', () => {
    expect(JSON.parse(sso).data.aws_ssoadmin_instances).toBeDefined();
    const given = synthApp(oneDatabaseWith({ instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef', identityStoreId: 'd-1234567890' }))['identity-center'];
    expect(JSON.parse(given).data?.aws_ssoadmin_instances).toBeUndefined();
    expect(given).toHaveResourceWithProperties(SsoadminPermissionSet, { instance_arn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef' });
  });

  test('everyone with access today is a member, their user ID looked up by UserName', () => {
    const json = JSON.parse(sso);
    const [users] = Object.keys(json.data.aws_identitystore_users);
    const local = Object.keys(json.locals).find((name) => name.includes('user_ids_by_name'))!;
    expect(json.locals[local]).toBe(`\${{ for key, val in toset(data.aws_identitystore_users.${users}.users): val.user_name => val.user_id }}`);
    const [membership] = Object.values(resourcesOfType(sso, 'aws_identitystore_group_membership'));
    expect(membership.for_each).toEqual(LOCAL_FOR_EACH);
    expect(forEachMaps(sso, 'aws_identitystore_group_membership')).toEqual([{ alice: 'alice', bob: 'bob', 'carol.x@example.com': 'carol.x@example.com' }]);
    expect(membership.member_id).toBe(`\${local.${local}[each.key]}`);
  });

  test('per-person resources stay constant and the policy does not grow with people', () => {
    const many: UserEntry[] = Array.from({ length: 50 }, (_, i) => ({ username: `user${String(i).padStart(3, '0')}`, access: { pg: 'read' } }));
    const big = synthApp({ users: [...people, ...many] })['identity-center'];
    expect(instances(big).size - instances(sso).size).toBe(50);
    expect(addresses(big)).toEqual(addresses(sso));
    expect(inlinePolicyOf(big)).toBe(inlinePolicyOf(sso));
  });

  test('an existing group is looked up by name instead of created', () => {
    const out = synthApp(oneDatabaseWith({ group: { name: 'Engineering', existing: true } }))['identity-center'];
    expect(out).not.toHaveResource(IdentitystoreGroup);
    expect(out).toHaveDataSourceWithProperties(DataAwsIdentitystoreGroup, {
      alternate_identifier: { unique_attribute: { attribute_path: 'DisplayName', attribute_value: 'Engineering' } },
    });
  });

  test('free text from config.ts reaches Terraform escaped', () => {
    const evil = '${file("secret.txt")} %{ if true }x%{ endif }';
    const created = synthApp(oneDatabaseWith({ group: { name: evil }, permissionSetDescription: evil }))['identity-center'];
    const escaped = '$${file("secret.txt")} %%{ if true }x%%{ endif }';
    expect(created).toHaveResourceWithProperties(IdentitystoreGroup, { display_name: escaped });
    expect(created).toHaveResourceWithProperties(SsoadminPermissionSet, { description: escaped });
    const looked = synthApp(oneDatabaseWith({ group: { name: evil, existing: true } }))['identity-center'];
    expect(looked).toHaveDataSourceWithProperties(DataAwsIdentitystoreGroup, {
      alternate_identifier: { unique_attribute: { attribute_path: 'DisplayName', attribute_value: escaped } },
    });
  });

  test('attributes owned elsewhere are left alone', () => {
    const out = synthApp(oneDatabaseWith({ manageAttributes: false }))['identity-center'];
    expect(out).not.toHaveResource(SsoadminInstanceAccessControlAttributes);
  });

  test('customer-managed: the permission set references a policy created in each database account', () => {
    const out = synthApp({ config: withIdentityCenter({ policy: 'customer-managed', allowDescribe: true }) });
    expect(out['identity-center']).not.toHaveResource(SsoadminPermissionSetInlinePolicy);
    expect(out['identity-center']).toHaveResourceWithProperties(SsoadminCustomerManagedPolicyAttachment, {
      customer_managed_policy_reference: { name: 'rds-iam-access-connect', path: '/' },
    });
    expect(Object.keys(out).filter((id) => id.startsWith('connect-policy-')).sort()).toEqual(['connect-policy-production', 'connect-policy-staging']);
    expect(out['connect-policy-production']).toHaveResourceWithProperties(IamPolicy, { name: 'rds-iam-access-connect' });
    const [policy] = Object.values(resourcesOfType(out['connect-policy-production'], 'aws_iam_policy'));
    const statements = JSON.parse((policy.policy as string).split('$${').join('{')).Statement;
    expect(statements[0].Resource).toHaveLength(2);
    expect(statements[0].Resource.every((r: string) => r.includes('123456789012'))).toBe(true);
    expect(statements[1].Action).toEqual(['rds:DescribeDBClusters', 'rds:DescribeDBInstances']);
  });

  test('fails when identityCenter config is bad, listing every problem', () => {
    const config = withIdentityCenter({
      instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
      sessionDuration: 'PT24H',
      permissionSetName: 'Database Access',
      customerManagedPolicyName: 'x',
      attributeSource: 'userName',
    });
    expect(() => synthApp({ config })).toThrow(/config.ts has 5 problems[\s\S]*give both instanceArn and identityStoreId[\s\S]*attributeSource "userName"[\s\S]*permissionSetName "Database Access"[\s\S]*sessionDuration "PT24H"[\s\S]*customerManagedPolicyName applies only/);
  });

  test('fails when attributeSource is an attribute people may edit, unless config.ts says why it is unique', () => {
    // A tag from a name or nickname a person can set would let them take another's username.
    expect(() => synthApp({ config: withIdentityCenter({ attributeSource: '${path:name.givenName}' }) }))
      .toThrow(/attributeSource "\$\{path:name\.givenName\}" is not \$\{path:userName\}, the one attribute Identity Center keeps unique and people cannot edit/);
    expect(() => synthApp({ config: withIdentityCenter({ attributeSourceReason: 'x' }) })).toThrow(/attributeSourceReason without another attributeSource; remove it/);
    expect(() => synthApp({ config: withIdentityCenter({ attributeSource: '${path:enterprise.employeeNumber}', attributeSourceReason: 'set by HR sync only, SEC-4' }) })).not.toThrow();
  });

  test('identity-center matches its snapshot', () => {
    expect(sso).toMatchSnapshot();
  });
});

describe('IdentityCenterStack with existing databases', () => {
  test('the policy names each existing database by its looked-up resource id, beside the created ones', () => {
    const policy = inlinePolicyOf(synthApp({ config: existingFleet, users: existingPeople })['identity-center']);
    const resources = JSON.parse(policy.split('$${').join('<tag>{')).Statement[0].Resource as string[];
    expect(resources).toHaveLength(6);
    expect(resources).toContainEqual(expect.stringMatching(/^arn:aws:rds-db:eu-west-1:123456789012:dbuser:\$\{.*database-legacy.*dataaws_db_instance.*resource_id\}\/<tag>\{aws:PrincipalTag\/username\}$/));
    expect(resources).toContainEqual(expect.stringMatching(/^arn:aws:rds-db:us-east-1:210987654321:dbuser:\$\{.*database-ledger.*dataaws_rds_cluster.*cluster_resource_id\}\/<tag>\{aws:PrincipalTag\/username\}$/));
  });
});

/**
 * Proof, not snapshots: the permission set policy exactly as synthesized, its Terraform
 * references replaced by concrete resource IDs as Terraform would, evaluated by an IAM
 * policy simulator for people × database users × databases.
 */

function deployedPolicy(keepEscape = false): object {
  const json = synthApp()['identity-center'];
  const [resource] = Object.values(resourcesOfType(json, 'aws_ssoadmin_permission_set_inline_policy'));
  // keepEscape: what IAM would get if `$${` were escaped twice (the Fn.jsonencode trap).
  const source = keepEscape ? (resource.inline_policy as string).split('$${').join('$$${') : (resource.inline_policy as string);
  return JSON.parse(withResourceIds(source, FLEET_RESOURCE_IDS));
}

interface Target {
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly resourceId: string;
}

const inScope: Target[] = Object.entries(FLEET_RESOURCE_IDS).map(([key, resourceId]) => {
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
  const usernames = ['alice', 'bob', 'carol.x@example.com'];

  test('the policy Terraform delivers to IAM holds the variable, not an escape', () => {
    const text = JSON.stringify(policy);
    expect(text).toContain('/${aws:PrincipalTag/username}');
    expect(text).not.toContain('$$');
  });

  test.each(usernames)('%s may connect as themselves to every managed database', async (person) => {
    for (const target of inScope) {
      expect([target.name, await connect(policy, person, person, target)]).toEqual([target.name, 'Allowed']);
    }
  });

  test.each(usernames)('%s may not connect as anyone else', async (person) => {
    for (const other of usernames.filter((p) => p !== person)) {
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
