import { DataAwsDbProxy } from '@cdktf/provider-aws/lib/data-aws-db-proxy';
import { DbProxy } from '@cdktf/provider-aws/lib/db-proxy';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbProxyTarget } from '@cdktf/provider-aws/lib/db-proxy-target';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { deployedAccess } from '../../lib/access/deployed-access';
import { AppConfig, ManagedDatabaseConfig, ServiceEntry, UserEntry } from '../../lib/model/types';
import { withResourceIds } from '../../lib/terraform/interpolate';
import { simulateConnect } from '../../lib/iam/simulate';
import { existingFleet, fleet, FLEET_RESOURCE_IDS } from '../fixtures/fleet';
import { resourcesOfType, synthApp, synthStacks } from '../fixtures/synth';
import '../fixtures/cdktf-matchers';

/**
 * The fleet with an RDS Proxy in front of `pg` (created) and of `amy` (an existing one),
 * and read replicas of `my` (two, in its region); alice and bob on pg, a service on pg and my.
 */
const pg = fleet.databases.pg as ManagedDatabaseConfig;
const proxyFleet: AppConfig = {
  ...fleet,
  databases: {
    pg: { ...pg, proxy: {}, publicCidrs: [{ cidr: '203.0.113.0/24', reason: 'office egress, ticket OPS-12' }] },
    my: { ...(fleet.databases.my as ManagedDatabaseConfig), allowedCidrs: ['10.1.0.0/16'], replicas: { count: 2 } },
    amy: { ...fleet.databases.amy, proxy: { existing: 'billing-proxy' } },
  },
};
const users: readonly UserEntry[] = [
  { username: 'alice', access: { pg: 'admin', my: 'read', amy: 'read' } },
  { username: 'bob', access: { pg: 'write' } },
];
const services: readonly ServiceEntry[] = [{ name: 'orders-api', role: { trust: 'ecs-tasks' }, access: { pg: 'write', my: 'read' }, owner: 'team-orders' }];
const stacks = () => synthApp({ config: proxyFleet, users, services });

/** Resource ids RDS would assign: the databases', and their proxies' and replicas' (`<key>/proxy`, `<key>/replica-<n>`). */
const IDS: Readonly<Record<string, string>> = {
  ...FLEET_RESOURCE_IDS,
  'pg/proxy': 'prx-0123456789abcdef0',
  'amy/proxy': 'prx-0fedcba9876543210',
  'my/replica-1': 'db-MYREPLICA1AAAAAAAAAAAAAAA',
  'my/replica-2': 'db-MYREPLICA2AAAAAAAAAAAAAAA',
  'pg/replica-1': 'db-PGREPLICA1AAAAAAAAAAAAAAA',
};

/** pg with one replica in another region of its account (`dr`), with its own network there. */
const crossRegion: AppConfig = {
  ...proxyFleet,
  environments: {
    ...proxyFleet.environments,
    dr: { account: '123456789012', region: 'eu-central-1', vpcId: 'vpc-0b1b2c3d4e5f67890', subnetIds: ['subnet-0b1b2c3d4e5f67891', 'subnet-0b1b2c3d4e5f67892'] },
  },
  databases: { ...proxyFleet.databases, pg: { ...(proxyFleet.databases.pg as ManagedDatabaseConfig), replicas: { count: 1, environment: 'dr' } } },
};

describe('RDS Proxy (created)', () => {
  test('end-to-end IAM, TLS required, in the database’s subnets, never debug-logging', () => {
    expect(stacks()['database-pg']).toHaveResourceWithProperties(DbProxy, {
      name: 'pg',
      engine_family: 'POSTGRESQL',
      default_auth_scheme: 'IAM_AUTH',
      require_tls: true,
      debug_logging: false,
      idle_client_timeout: 1800,
      vpc_subnet_ids: fleet.environments.production.subnetIds,
      vpc_security_group_ids: [expect.stringMatching(/^\$\{aws_security_group\.proxy_security-group_\w+\.id\}$/)],
    });
    expect(JSON.parse(stacks()['database-pg']).resource.aws_db_proxy[Object.keys(resourcesOfType(stacks()['database-pg'], 'aws_db_proxy'))[0]].auth).toBeUndefined();
    expect(stacks()['database-pg']).toHaveResourceWithProperties(DbProxyTarget, { db_instance_identifier: expect.stringMatching(/aws_db_instance\..*\.identifier/) });
  });

  test('its security group admits what the database admits, and it reaches only the database’s engine port', () => {
    const json = stacks()['database-pg'];
    expect(json).toHaveResourceWithProperties(SecurityGroup, { name: 'pg-proxy', egress: [] });
    const rules = Object.values(resourcesOfType(json, 'aws_vpc_security_group_ingress_rule'));
    const onProxy = rules.filter((r) => String(r.security_group_id).includes('proxy_security-group'));
    expect(onProxy.map((r) => r.cidr_ipv4).sort()).toEqual(['10.0.0.0/16', '203.0.113.0/24']);
    expect(onProxy.every((r) => r.from_port === 5432 && r.to_port === 5432)).toBe(true);
    expect(json).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, {
      from_port: 5432, to_port: 5432, referenced_security_group_id: expect.stringMatching(/database_security-group/),
    });
    expect(json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      security_group_id: expect.stringMatching(/database_security-group/), referenced_security_group_id: expect.stringMatching(/proxy_security-group/),
    });
  });

  test('its role is trusted by RDS alone and may log in to this one database only', () => {
    const json = stacks()['database-pg'];
    expect(json).toHaveResourceWithProperties(IamRole, { name: 'pg-rds-proxy' });
    const [role] = Object.values(resourcesOfType(json, 'aws_iam_role'));
    expect(JSON.parse(role.assume_role_policy as string).Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'rds.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    const [policy] = Object.values(resourcesOfType(json, 'aws_iam_role_policy'));
    expect(JSON.parse(policy.policy as string).Statement[0].Resource).toMatch(/^arn:aws:rds-db:eu-west-1:123456789012:dbuser:\$\{aws_db_instance\.database_instance_\w+\.resource_id\}\/\*$/);
  });

  test('outputs its endpoint and its prx- resource id, taken from its ARN', () => {
    const json = JSON.parse(stacks()['database-pg']);
    expect(json.output.proxy_endpoint.value).toMatch(/^\$\{aws_db_proxy\.proxy_\w+\.endpoint\}$/);
    expect(json.output.proxy_resource_id.value).toMatch(/^\$\{local\.proxy_resource_id_\w+\}$/);
    expect(Object.values(json.locals)).toContainEqual(expect.stringMatching(/^\$\{element\(split\(":", aws_db_proxy\.proxy_\w+\.arn\), 6\)\}$/));
    expect(JSON.parse(stacks()['database-my']).output.proxy_endpoint).toBeUndefined();
  });

  test('database-pg with a proxy matches its snapshot', () => {
    expect(stacks()['database-pg']).toMatchSnapshot();
  });
});

describe('RDS Proxy (existing)', () => {
  test('is looked up by name and checked at plan for end-to-end IAM, TLS and the engine family', () => {
    const json = stacks()['database-amy'];
    expect(json).toHaveDataSourceWithProperties(DataAwsDbProxy, { name: 'billing-proxy' });
    const [lookup] = Object.values(JSON.parse(json).data.aws_db_proxy) as { lifecycle: { postcondition: { condition: string; error_message: string }[] } }[];
    expect(lookup.lifecycle.postcondition.map((c) => c.condition)).toEqual([
      '${self.default_auth_scheme == "IAM_AUTH"}',
      '${self.require_tls == true}',
      '${self.engine_family == "MYSQL"}',
    ]);
    expect(lookup.lifecycle.postcondition[0].error_message).toMatch(/^RDS Proxy billing-proxy does not use end-to-end IAM.*--default-auth-scheme IAM_AUTH\) and plan again\.$/);
    expect(json).not.toHaveResource(DbProxy);
  });

  test('an existing database may name its existing proxy', () => {
    const config: AppConfig = { ...existingFleet, databases: { legacy: { ...existingFleet.databases.legacy, proxy: { existing: 'legacy-proxy' } } } };
    const json = synthApp({ config, users: [{ username: 'alice', access: { legacy: 'read' } }] })['database-legacy'];
    expect(json).toHaveDataSourceWithProperties(DataAwsDbProxy, { name: 'legacy-proxy' });
  });
});

/** The policy as IAM would receive it, every reference replaced by the ids RDS would assign. */
function resolved(text: string): object {
  return JSON.parse(withResourceIds(text, IDS));
}

function permissionSetPolicy(): object {
  const [policy] = Object.values(resourcesOfType(stacks()['identity-center'], 'aws_ssoadmin_permission_set_inline_policy'));
  return resolved(policy.inline_policy as string);
}

function servicePolicy(): object {
  const policy = Object.values(resourcesOfType(stacks()['services-production'], 'aws_iam_policy')).find((p) => p.name === 'rds-iam-orders-api-connect')!;
  return resolved(policy.policy as string);
}

const arn = (resourceId: string, user: string, region = 'eu-west-1', account = '123456789012') => `arn:aws:rds-db:${region}:${account}:dbuser:${resourceId}/${user}`;

async function asPerson(policy: object, tag: string, resource: string): Promise<string> {
  const account = resource.split(':')[4];
  return simulateConnect({
    principalArn: `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_DatabaseAccess_0123456789abcdef/${tag}`,
    account,
    resource,
    tags: { username: tag },
    policies: [{ name: 'DatabaseAccess', document: policy }],
  });
}

describe('policies name the proxy for each person’s and service’s own user', () => {
  test('the permission set names each proxy by its prx- id, for the principal tag only', () => {
    const resources = (permissionSetPolicy() as { Statement: { Resource: string[] }[] }).Statement[0].Resource;
    expect(resources).toContain(arn('prx-0123456789abcdef0', '${aws:PrincipalTag/username}'));
    expect(resources).toContain(arn('prx-0fedcba9876543210', '${aws:PrincipalTag/username}', 'us-east-1', '210987654321'));
    expect(resources.every((r) => r.endsWith('/${aws:PrincipalTag/username}'))).toBe(true);
  });

  test.each(['alice', 'bob'])('%s may connect through the proxy as themselves, and as nobody else', async (person) => {
    const policy = permissionSetPolicy();
    expect(await asPerson(policy, person, arn('prx-0123456789abcdef0', person))).toBe('Allowed');
    for (const other of ['alice', 'bob', 'Alice', 'orders-api', 'dbmaster'].filter((u) => u !== person)) {
      expect([other, await asPerson(policy, person, arn('prx-0123456789abcdef0', other))]).toEqual([other, 'ImplicitlyDenied']);
    }
  });

  test('another proxy in the same account and region is denied', async () => {
    expect(await asPerson(permissionSetPolicy(), 'alice', arn('prx-0aaaaaaaaaaaaaaaa', 'alice'))).toBe('ImplicitlyDenied');
  });

  test('a service may connect through the proxy as its own user only', async () => {
    const policy = servicePolicy();
    const resources = (policy as { Statement: { Resource: string[] }[] }).Statement[0].Resource;
    expect(resources).toContain(arn('prx-0123456789abcdef0', 'orders-api'));
    const as = (user: string) => simulateConnect({
      principalArn: 'arn:aws:sts::123456789012:assumed-role/rds-iam-orders-api/task',
      account: '123456789012',
      resource: arn('prx-0123456789abcdef0', user),
      tags: {},
      policies: [{ name: 'connect', document: policy }],
    });
    expect(await as('orders-api')).toBe('Allowed');
    expect(await as('alice')).toBe('ImplicitlyDenied');
  });
});

describe('the access report shows the proxy as a way in', () => {
  test('its network, its auth, its ARN and its role', () => {
    const access = deployedAccess(synthStacks({ config: proxyFleet, users, services }));
    const network = access.databases.pg.network;
    expect(network).toEqual(expect.arrayContaining([
      'proxy pg: end-to-end IAM (no secret), TLS required',
      'proxy pg: a way in as arn:aws:rds-db:eu-west-1:123456789012:dbuser:<prx- id of proxy pg>/<user>',
      'proxy: tcp 5432-5432 from 10.0.0.0/16',
      'proxy: tcp 5432-5432 from 203.0.113.0/24',
      'proxy: out tcp 5432-5432 to security group pg-db',
      'tcp 5432-5432 from security group pg-proxy',
    ]));
    expect(access.databases.amy.network).toContain('existing proxy billing-proxy: a way in, checked at plan for end-to-end IAM and TLS; network managed outside this project');
    const policy = Object.entries(access.identityCenter!.policies)[0][1];
    expect(policy).toContain('dbuser:<resource_id of database-pg proxy>/${aws:PrincipalTag/username}');
  });
});

describe('read replicas', () => {
  test('each replicates the instance with IAM auth on, encrypted, private, in its subnet and security groups', () => {
    const json = stacks()['database-my'];
    for (const n of [1, 2]) {
      expect(json).toHaveResourceWithProperties(DbInstance, {
        identifier: `my-replica-${n}`,
        replicate_source_db: expect.stringMatching(/^\$\{aws_db_instance\.database_instance_\w+\.identifier\}$/),
        iam_database_authentication_enabled: true,
        storage_encrypted: true,
        publicly_accessible: false,
        deletion_protection: true,
        skip_final_snapshot: true,
        parameter_group_name: expect.stringMatching(/database_parameters/),
        vpc_security_group_ids: [expect.stringMatching(/database_security-group/)],
      });
    }
    const replica = Object.values(resourcesOfType(json, 'aws_db_instance')).find((r) => r.identifier === 'my-replica-1')!;
    // Inherited from the source: setting them on a replica is refused or ignored.
    for (const field of ['username', 'manage_master_user_password', 'db_name', 'engine']) expect(replica[field]).toBeUndefined();
  });

  test('outputs their endpoints and resource ids, replica 1 first', () => {
    const outputs = JSON.parse(stacks()['database-my']).output;
    expect(outputs.replica_endpoints.value).toEqual([expect.stringMatching(/replica-1_\w+\.address/), expect.stringMatching(/replica-2_\w+\.address/)]);
    expect(outputs.replica_resource_ids.value).toEqual([expect.stringMatching(/replica-1_\w+\.resource_id/), expect.stringMatching(/replica-2_\w+\.resource_id/)]);
  });

  test('in another region: a provider for it in the same account, copies of the groups there, its AWS managed key, the source by ARN', () => {
    const json = synthApp({ config: crossRegion, users, services })['database-pg'];
    const providers = JSON.parse(json).provider.aws as Record<string, unknown>[];
    expect(providers).toContainEqual(expect.objectContaining({ alias: 'replicas', region: 'eu-central-1', allowed_account_ids: ['123456789012'] }));
    expect(json).toHaveResourceWithProperties(DbInstance, {
      identifier: 'pg-replica-1',
      provider: 'aws.replicas',
      replicate_source_db: expect.stringMatching(/aws_db_instance\.database_instance_\w+\.arn/),
      kms_key_id: expect.stringMatching(/^\$\{data\.aws_kms_alias\.database_replica-region_rds-key_\w+\.target_key_arn\}$/),
      db_subnet_group_name: expect.stringMatching(/replica-region_subnets/),
      iam_database_authentication_enabled: true,
    });
    expect(json).toHaveResourceWithProperties(DbSubnetGroup, { provider: 'aws.replicas', subnet_ids: ['subnet-0b1b2c3d4e5f67891', 'subnet-0b1b2c3d4e5f67892'] });
    expect(json).toHaveResourceWithProperties(SecurityGroup, { provider: 'aws.replicas', vpc_id: 'vpc-0b1b2c3d4e5f67890', egress: [] });
    const there = Object.values(resourcesOfType(json, 'aws_vpc_security_group_ingress_rule')).filter((r) => r.provider === 'aws.replicas');
    expect(there.map((r) => r.cidr_ipv4 ?? r.referenced_security_group_id).sort()).toEqual(['10.0.0.0/16', '203.0.113.0/24']);
  });

  test('the access report shows each replica as a way in', () => {
    expect(deployedAccess(synthStacks({ config: proxyFleet, users, services })).databases.my.network).toEqual(expect.arrayContaining([
      'replica my-replica-1 (eu-west-1): a way in, IAM database authentication on',
      'replica my-replica-2 (eu-west-1): a way in, IAM database authentication on',
    ]));
    const network = deployedAccess(synthStacks({ config: crossRegion, users, services })).databases.pg.network;
    expect(network).toEqual(expect.arrayContaining(['replica pg-replica-1 (eu-central-1): a way in, IAM database authentication on', 'replicas in eu-central-1: tcp 5432-5432 from 10.0.0.0/16']));
  });

  test('database-my with replicas matches its snapshot', () => {
    expect(stacks()['database-my']).toMatchSnapshot();
  });
});

describe('policies name every replica for each person’s and service’s own user', () => {
  test.each(['my-replica-1', 'my-replica-2'])('alice may connect to %s as herself, and as nobody else', async (name) => {
    const id = IDS[`my/${name.slice('my-'.length)}`];
    const policy = permissionSetPolicy();
    expect(await asPerson(policy, 'alice', arn(id, 'alice'))).toBe('Allowed');
    for (const other of ['bob', 'Alice', 'orders-api', 'dbmaster']) expect([other, await asPerson(policy, 'alice', arn(id, other))]).toEqual([other, 'ImplicitlyDenied']);
  });

  test('a replica in another region is named in that region, and only there', async () => {
    const [policy] = Object.values(resourcesOfType(synthApp({ config: crossRegion, users, services })['identity-center'], 'aws_ssoadmin_permission_set_inline_policy'));
    const document = resolved(policy.inline_policy as string);
    expect(await asPerson(document, 'bob', arn(IDS['pg/replica-1'], 'bob', 'eu-central-1'))).toBe('Allowed');
    expect(await asPerson(document, 'bob', arn(IDS['pg/replica-1'], 'bob', 'eu-west-1'))).toBe('ImplicitlyDenied');
    expect(await asPerson(document, 'bob', arn(IDS['pg/replica-1'], 'alice', 'eu-central-1'))).toBe('ImplicitlyDenied');
  });

  test('a service reaches each replica of its databases as its own user only', async () => {
    const policy = servicePolicy();
    const as = (user: string, id: string) => simulateConnect({
      principalArn: 'arn:aws:sts::123456789012:assumed-role/rds-iam-orders-api/task', account: '123456789012', resource: arn(id, user), tags: {},
      policies: [{ name: 'connect', document: policy }],
    });
    for (const id of [IDS['my/replica-1'], IDS['my/replica-2']]) {
      expect(await as('orders-api', id)).toBe('Allowed');
      expect(await as('alice', id)).toBe('ImplicitlyDenied');
    }
  });
});
