import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbOptionGroup } from '@cdktf/provider-aws/lib/db-option-group';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { TerraformOutput, Testing } from 'cdktf';
import { IamDatabase, IamDatabaseProps, parameterGroupFamily } from '../../modules/iam-database';
import '../fixtures/cdktf-matchers';

const base = {
  identifier: 'orders',
  databaseName: 'orders',
  partition: 'aws',
  region: 'eu-west-1',
  account: '123456789012',
  vpcId: 'vpc-0a1b2c3d4e5f67890',
  subnetIds: ['subnet-0a1b2c3d4e5f67891', 'subnet-0a1b2c3d4e5f67892'],
};

const synth = (props: Partial<IamDatabaseProps> & Pick<IamDatabaseProps, 'engine' | 'engineVersion'>) =>
  Testing.synthScope((scope) => {
    new IamDatabase(scope, 'db', { ...base, ...props });
  });

const secureInstance = {
  iam_database_authentication_enabled: true,
  manage_master_user_password: true,
  storage_encrypted: true,
  deletion_protection: true,
  publicly_accessible: false,
  backup_retention_period: 7,
  copy_tags_to_snapshot: true,
  ca_cert_identifier: 'rds-ca-rsa2048-g1',
  auto_minor_version_upgrade: true,
  skip_final_snapshot: false,
  final_snapshot_identifier: 'orders-final',
};
const secureCluster = {
  iam_database_authentication_enabled: true,
  manage_master_user_password: true,
  storage_encrypted: true,
  deletion_protection: true,
  backup_retention_period: 7,
  copy_tags_to_snapshot: true,
  skip_final_snapshot: false,
};

describe('IamDatabase', () => {
  test('PostgreSQL instance: IAM auth, managed secret, encryption, no public access, TLS forced', () => {
    const out = synth({ engine: 'postgres', engineVersion: '16' });
    expect(out).toHaveResourceWithProperties(DbInstance, {
      ...secureInstance,
      engine: 'postgres',
      engine_version: '16',
      username: 'dbmaster',
      db_name: 'orders',
      enabled_cloudwatch_logs_exports: ['iam-db-auth-error', 'postgresql', 'upgrade'],
    });
    expect(out).toHaveResourceWithProperties(DbParameterGroup, {
      family: 'postgres16',
      parameter: expect.arrayContaining([
        { name: 'rds.force_ssl', value: '1', apply_method: 'immediate' },
        { name: 'log_connections', value: '1', apply_method: 'immediate' },
        { name: 'log_statement', value: 'ddl', apply_method: 'immediate' },
      ]),
    });
    expect(out).not.toHaveResource(RdsCluster);
    const [instance] = Object.values(JSON.parse(out).resource.aws_db_instance) as Record<string, unknown>[];
    expect(instance).not.toHaveProperty('password');
  });

  test('MySQL instance: secure transport required and roles active at login', () => {
    const out = synth({ engine: 'mysql', engineVersion: '8.0.39' });
    expect(out).toHaveResourceWithProperties(DbInstance, {
      ...secureInstance,
      engine: 'mysql',
      enabled_cloudwatch_logs_exports: ['error', 'iam-db-auth-error', 'slowquery'],
    });
    expect(out).toHaveResourceWithProperties(DbParameterGroup, {
      family: 'mysql8.0',
      parameter: expect.arrayContaining([
        { name: 'require_secure_transport', value: '1', apply_method: 'immediate' },
        { name: 'activate_all_roles_on_login', value: '1', apply_method: 'immediate' },
      ]),
    });
  });

  test('MariaDB instance: secure transport required, the audit plugin on, and no MySQL-only role setting', () => {
    const out = synth({ engine: 'mariadb', engineVersion: '10.11.9' });
    expect(out).toHaveResourceWithProperties(DbInstance, {
      ...secureInstance,
      engine: 'mariadb',
      engine_version: '10.11.9',
      enabled_cloudwatch_logs_exports: ['audit', 'error', 'iam-db-auth-error', 'slowquery'],
      option_group_name: expect.stringMatching(/^\$\{aws_db_option_group\.db_options_\w+\.name\}$/),
    });
    expect(out).toHaveResourceWithProperties(DbParameterGroup, {
      family: 'mariadb10.11',
      parameter: [
        { name: 'require_secure_transport', value: '1', apply_method: 'immediate' },
        { name: 'slow_query_log', value: '1', apply_method: 'immediate' },
      ],
    });
    expect(out).toHaveResourceWithProperties(DbOptionGroup, {
      name: 'orders-mariadb10-11',
      engine_name: 'mariadb',
      major_engine_version: '10.11',
      option: [{ option_name: 'MARIADB_AUDIT_PLUGIN', option_settings: [{ name: 'SERVER_AUDIT_EVENTS', value: 'CONNECT,QUERY_DCL,QUERY_DDL' }] }],
      lifecycle: { create_before_destroy: true },
    });
    expect(synth({ engine: 'mysql', engineVersion: '8.0.39' })).not.toHaveResource(DbOptionGroup);
  });

  test('Aurora PostgreSQL cluster: cluster settings plus N private instances with a current CA', () => {
    const out = synth({ engine: 'aurora-postgresql', engineVersion: '16.4', instanceCount: 2 });
    expect(out).toHaveResourceWithProperties(RdsCluster, {
      ...secureCluster,
      engine: 'aurora-postgresql',
      master_username: 'dbmaster',
      database_name: 'orders',
      enabled_cloudwatch_logs_exports: ['iam-db-auth-error', 'postgresql'],
    });
    expect(out).toHaveResourceWithProperties(RdsClusterParameterGroup, {
      family: 'aurora-postgresql16',
      parameter: expect.arrayContaining([{ name: 'rds.force_ssl', value: '1', apply_method: 'immediate' }]),
    });
    const instances = JSON.parse(out).resource.aws_rds_cluster_instance;
    expect(Object.keys(instances)).toHaveLength(2);
    expect(out).toHaveResourceWithProperties(RdsClusterInstance, {
      identifier: 'orders-2',
      publicly_accessible: false,
      ca_cert_identifier: 'rds-ca-rsa2048-g1',
      auto_minor_version_upgrade: true,
    });
    expect(out).not.toHaveResource(DbInstance);
  });

  test('Aurora MySQL cluster: secure transport and the audit log in the cluster parameter group', () => {
    const out = synth({ engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.08.0' });
    expect(out).toHaveResourceWithProperties(RdsCluster, {
      ...secureCluster,
      engine: 'aurora-mysql',
      enabled_cloudwatch_logs_exports: ['audit', 'error', 'iam-db-auth-error', 'slowquery'],
    });
    expect(out).toHaveResourceWithProperties(RdsClusterParameterGroup, {
      family: 'aurora-mysql8.0',
      parameter: expect.arrayContaining([
        { name: 'require_secure_transport', value: '1', apply_method: 'immediate' },
        { name: 'server_audit_logging', value: '1', apply_method: 'immediate' },
        { name: 'server_audit_events', value: 'CONNECT,QUERY_DCL,QUERY_DDL', apply_method: 'immediate' },
      ]),
    });
    expect(Object.keys(JSON.parse(out).resource.aws_rds_cluster_instance)).toHaveLength(1);
  });

  test('admits the engine port only from the listed networks, with no egress', () => {
    const out = synth({ engine: 'postgres', engineVersion: '16', allowedCidrs: ['10.0.0.0/16', 'fd00::/8'], allowedSecurityGroupIds: ['sg-0123456789abcdef0'] });
    expect(out).toHaveResourceWithProperties(SecurityGroup, { vpc_id: base.vpcId, egress: [] });
    expect(out).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { cidr_ipv4: '10.0.0.0/16', from_port: 5432, to_port: 5432, ip_protocol: 'tcp' });
    expect(out).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { cidr_ipv6: 'fd00::/8' });
    expect(out).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { referenced_security_group_id: 'sg-0123456789abcdef0', from_port: 5432 });
  });

  test('a public block is admitted only when listed under publicCidrs, and is marked so', () => {
    const out = synth({ engine: 'postgres', engineVersion: '16', publicCidrs: [{ cidr: '203.0.113.0/24', reason: 'office egress' }] });
    expect(out).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { cidr_ipv4: '203.0.113.0/24', description: 'postgres from public 203.0.113.0/24' });
    expect(out).not.toMatch(/office egress/);
  });

  test('a KMS key reaches Terraform escaped even past validation', () => {
    const out = synth({ engine: 'postgres', engineVersion: '16', kmsKeyId: '${file("secret.txt")}' });
    expect(out).toHaveResourceWithProperties(DbInstance, { kms_key_id: '$${file("secret.txt")}' });
  });

  test('turning deletion protection off is explicit', () => {
    expect(synth({ engine: 'postgres', engineVersion: '16', deletionProtection: false }))
      .toHaveResourceWithProperties(DbInstance, { deletion_protection: false });
  });

  test('connectArn names the instance resource id (db-…) or the cluster resource id (cluster-…)', () => {
    const out = JSON.parse(Testing.synthScope((scope) => {
      const instance = new IamDatabase(scope, 'i', { ...base, engine: 'postgres', engineVersion: '16' });
      const cluster = new IamDatabase(scope, 'c', { ...base, identifier: 'c', engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.08.0' });
      new TerraformOutput(scope, 'instance', { value: instance.connectArn('jane') });
      new TerraformOutput(scope, 'cluster', { value: cluster.connectArn('jane') });
    }));
    expect(out.output.instance.value).toMatch(/^arn:aws:rds-db:eu-west-1:123456789012:dbuser:\$\{aws_db_instance\.[\w-]+\.resource_id\}\/jane$/);
    expect(out.output.cluster.value).toMatch(/^arn:aws:rds-db:eu-west-1:123456789012:dbuser:\$\{aws_rds_cluster\.[\w-]+\.cluster_resource_id\}\/jane$/);
  });

  test.each([
    ['postgres', '16.4', 'postgres16'],
    ['aurora-postgresql', '15', 'aurora-postgresql15'],
    ['mysql', '8.4.3', 'mysql8.4'],
    ['aurora-mysql', '8.0.mysql_aurora.3.08.0', 'aurora-mysql8.0'],
  ] as const)('parameter group family of %s %s is %s', (engine, version, family) => {
    expect(parameterGroupFamily(engine, version)).toBe(family);
  });
});
