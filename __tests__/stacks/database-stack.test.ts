import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbOptionGroup } from '@cdktf/provider-aws/lib/db-option-group';
import { existingFleet, existingPeople, mariadbFleet, mariadbPeople } from '../fixtures/fleet';
import { synthApp } from '../fixtures/synth';
import '../fixtures/cdktf-matchers';

describe('DatabaseStack', () => {
  const stacks = synthApp();

  test('outputs what people and other stacks need, each described', () => {
    const all = JSON.parse(stacks['database-pg']).output;
    // cdktf adds cross-stack-output-* for the users stack; the named ones are ours.
    const outputs = Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith('cross-stack-output-')));
    expect(Object.keys(outputs).sort()).toEqual(['database_name', 'endpoint', 'engine', 'master_secret_arn', 'port', 'region', 'resource_id']);
    for (const output of Object.values(outputs) as { description?: string }[]) {
      expect(output.description).toEqual(expect.any(String));
    }
    expect((outputs.resource_id as { value: string }).value).toMatch(/aws_db_instance\..*\.resource_id/);
    const cluster = JSON.parse(stacks['database-amy']).output;
    expect(cluster.resource_id.value).toMatch(/aws_rds_cluster\..*\.cluster_resource_id/);
    expect(cluster.reader_endpoint.value).toMatch(/aws_rds_cluster\..*\.reader_endpoint/);
  });

  test('the AWS provider refuses any account but the environment’s', () => {
    expect(stacks['database-pg']).toHaveProviderWithProperties(AwsProvider, {
      region: 'eu-west-1',
      allowed_account_ids: ['123456789012'],
    });
    expect(stacks['database-apg']).toHaveProviderWithProperties(AwsProvider, {
      assume_role: [{ role_arn: 'arn:aws:iam::210987654321:role/terraform', session_name: 'rds-iam-access' }],
    });
  });

  test('state is local by default, relative to the project root', () => {
    expect(JSON.parse(stacks['database-pg']).terraform.backend).toEqual({ local: { path: '../../../terraform.database-pg.tfstate' } });
  });

  test('state goes to S3 with native locking when configured', () => {
    const terraform = JSON.parse(stacks['database-apg']).terraform;
    expect(terraform.backend.s3).toEqual({
      bucket: 'acme-terraform-state',
      key: 'rds-iam-access/database-apg.tfstate',
      region: 'us-east-1',
      encrypt: true,
      use_lockfile: true,
    });
    expect(terraform.required_version).toBe('>= 1.10');
  });

  test.each(['database-pg', 'database-my', 'database-apg', 'database-amy'])('%s matches its snapshot', (id) => {
    expect(stacks[id]).toMatchSnapshot();
  });
});

describe('DatabaseStack for RDS for MariaDB', () => {
  const maria = () => synthApp({ config: mariadbFleet, users: mariadbPeople })['database-maria'];

  test('an instance with IAM auth, TLS forced, the audit plugin and the same outputs as MySQL', () => {
    expect(maria()).toHaveResourceWithProperties(DbInstance, { engine: 'mariadb', engine_version: '10.11', iam_database_authentication_enabled: true, publicly_accessible: false });
    expect(maria()).toHaveResourceWithProperties(DbOptionGroup, { engine_name: 'mariadb', major_engine_version: '10.11' });
    const outputs = JSON.parse(maria()).output;
    expect(outputs.engine.value).toBe('mariadb');
    expect(outputs.port.value).toBe(3306);
  });

  test('database-maria matches its snapshot', () => {
    expect(maria()).toMatchSnapshot();
  });
});

describe('DatabaseStack for an existing database', () => {
  const stacks = () => synthApp({ config: existingFleet, users: existingPeople });

  test('creates nothing, and outputs what a created one does, from the lookup', () => {
    for (const id of ['database-legacy', 'database-ledger']) expect(JSON.parse(stacks()[id]).resource).toBeUndefined();
    const legacy = JSON.parse(stacks()['database-legacy']).output;
    expect(legacy.resource_id.value).toMatch(/^\$\{data\.aws_db_instance\.[\w-]+\.resource_id\}$/);
    expect(legacy.master_secret_arn.value).toMatch(/^\$\{data\.aws_db_instance\.[\w-]+\.master_user_secret\[0\]\.secret_arn\}$/);
    expect(legacy.database_name).toEqual({ value: 'legacy', description: 'Database granted to users' });
    const ledger = JSON.parse(stacks()['database-ledger']).output;
    expect(ledger.reader_endpoint.value).toMatch(/^\$\{data\.aws_rds_cluster\.[\w-]+\.reader_endpoint\}$/);
    // Its users stack logs in over IAM: the secret is neither read nor required.
    expect(ledger.master_secret_arn).toBeUndefined();
  });

  test.each(['database-legacy', 'database-ledger'])('%s matches its snapshot', (id) => {
    expect(stacks()[id]).toMatchSnapshot();
  });
});
