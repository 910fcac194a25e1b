import { DataAwsCloudcontrolapiResource } from '@cdktf/provider-aws/lib/data-aws-cloudcontrolapi-resource';
import { DataAwsDbInstance } from '@cdktf/provider-aws/lib/data-aws-db-instance';
import { DataAwsRdsCluster } from '@cdktf/provider-aws/lib/data-aws-rds-cluster';
import { TerraformOutput, Testing } from 'cdktf';
import { ExistingDatabase, ExistingDatabaseProps } from '../../modules/existing-database';
import '../fixtures/cdktf-matchers';

const base = { partition: 'aws', region: 'eu-west-1', account: '123456789012', databaseName: 'legacy', masterUsername: 'postgres' };

/** The construct's Terraform JSON, with its connect ARN and master secret as outputs. */
function synth(props: Partial<ExistingDatabaseProps> & Pick<ExistingDatabaseProps, 'existing' | 'engine'>): any {
  return JSON.parse(Testing.synthScope((scope) => {
    const db = new ExistingDatabase(scope, 'db', { ...base, ...props });
    new TerraformOutput(scope, 'arn', { value: db.connectArn('alice') });
    new TerraformOutput(scope, 'endpoint', { value: db.endpoint });
    if (db.masterSecretArn) new TerraformOutput(scope, 'secret', { value: db.masterSecretArn });
    if (db.readerEndpoint) new TerraformOutput(scope, 'reader', { value: db.readerEndpoint });
  }));
}

const conditions = (block: any) => block.lifecycle.postcondition.map((p: any) => p.condition);

describe('ExistingDatabase', () => {
  test('an instance is looked up, never created, and the plan checks IAM auth, engine, master user and secret', () => {
    const json = synth({ existing: { identifier: 'legacy-db' }, engine: 'postgres' });
    expect(json.resource).toBeUndefined();
    const [instance] = Object.values(json.data.aws_db_instance) as any[];
    expect(instance.db_instance_identifier).toBe('legacy-db');
    expect(conditions(instance)).toEqual(['${self.engine == "postgres"}', '${self.master_username == "postgres"}', '${length(self.master_user_secret) > 0}']);
    // aws_db_instance does not report IAM authentication: Cloud Control reads it.
    const [iam] = Object.values(json.data.aws_cloudcontrolapi_resource) as any[];
    expect(iam).toMatchObject({ type_name: 'AWS::RDS::DBInstance', identifier: 'legacy-db' });
    expect(conditions(iam)).toEqual(['${try(jsondecode(self.properties).EnableIAMDatabaseAuthentication, false) == true}']);
    expect(iam.lifecycle.postcondition[0].error_message).toMatch(/^IAM database authentication is off on RDS instance legacy-db.*modify-db-instance --db-instance-identifier legacy-db --enable-iam-database-authentication/);
  });

  test('the connect ARN, endpoint and master secret come from the looked-up instance', () => {
    const json = synth({ existing: { identifier: 'legacy-db' }, engine: 'postgres' });
    expect(json.output.arn.value).toBe('arn:aws:rds-db:eu-west-1:123456789012:dbuser:${data.aws_db_instance.db_instance_5A659807.resource_id}/alice');
    expect(json.output.endpoint.value).toBe('${data.aws_db_instance.db_instance_5A659807.address}');
    expect(json.output.secret.value).toBe('${data.aws_db_instance.db_instance_5A659807.master_user_secret[0].secret_arn}');
  });

  test('a cluster is checked by the cluster lookup itself and offers its reader endpoint', () => {
    const json = synth({ existing: { clusterIdentifier: 'ledger' }, engine: 'aurora-mysql', masterUsername: 'admin' });
    expect(json.resource).toBeUndefined();
    expect(JSON.stringify(json)).toHaveDataSourceWithProperties(DataAwsRdsCluster, { cluster_identifier: 'ledger' });
    expect(JSON.stringify(json)).not.toHaveDataSource(DataAwsCloudcontrolapiResource);
    const [cluster] = Object.values(json.data.aws_rds_cluster) as any[];
    expect(conditions(cluster)).toEqual([
      '${self.iam_database_authentication_enabled == true}', '${self.engine == "aurora-mysql"}', '${self.master_username == "admin"}', '${length(self.master_user_secret) > 0}',
    ]);
    expect(json.output.arn.value).toMatch(/dbuser:\$\{data\.aws_rds_cluster\.[\w-]+\.cluster_resource_id\}\/alice$/);
    expect(json.output.reader.value).toMatch(/\.reader_endpoint\}$/);
  });

  test('without a master-secret login it neither reads nor requires the secret', () => {
    const json = synth({ existing: { identifier: 'legacy-db' }, engine: 'postgres', needsMasterSecret: false });
    expect(json.output.secret).toBeUndefined();
    const [instance] = Object.values(json.data.aws_db_instance) as any[];
    expect(conditions(instance)).not.toContain('${length(self.master_user_secret) > 0}');
    expect(JSON.stringify(json)).toHaveDataSource(DataAwsDbInstance);
  });

  test('every check says what is wrong and how to fix it, as Terraform wants: sentences', () => {
    const json = synth({ existing: { clusterIdentifier: 'ledger' }, engine: 'aurora-postgresql' });
    const [cluster] = Object.values(json.data.aws_rds_cluster) as any[];
    for (const { error_message: message } of cluster.lifecycle.postcondition) expect(message).toMatch(/^[A-Z].*\.$/);
    expect(cluster.lifecycle.postcondition[1].error_message).toBe(
      'Aurora cluster ledger runs engine ${self.engine}, but config.ts declares aurora-postgresql. Correct engine in config.ts if it names one this project supports ' +
        '(postgres, mysql, mariadb, aurora-postgresql, aurora-mysql); other engines cannot be managed here.',
    );
  });
});
