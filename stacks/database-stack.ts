import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ExistingDatabase } from '../modules/existing-database';
import { IamDatabase, ReplicasProps } from '../modules/iam-database';
import { ExistingRdsProxy } from '../modules/existing-rds-proxy';
import { RdsDatabase } from '../modules/rds-database';
import { RdsProxy } from '../modules/rds-proxy';
import { DatabaseConfig, EnvironmentConfig, isExisting, ReplicasConfig } from '../lib/model/types';
import { terraformLiteralMap } from '../lib/terraform/literal';
import { EnvironmentStack, EnvironmentStackProps } from './environment-stack';

export interface DatabaseStackProps extends EnvironmentStackProps {
  readonly environment: EnvironmentConfig;
  /** Key of the database in config.ts; the RDS identifier. */
  readonly databaseKey: string;
  readonly database: DatabaseConfig;
  /**
   * Whether the users stack logs in with the RDS-managed master secret. For an existing
   * database the plan then requires RDS to keep one.
   * @default true
   */
  readonly needsMasterSecret?: boolean;
  /**
   * The environment config.ts puts the database's read replicas in (`replicas.environment`),
   * by key: another region of the same account.
   * @default - the database's own environment
   */
  readonly replicaEnvironment?: { readonly key: string; readonly environment: EnvironmentConfig };
}

/**
 * One database of the fleet, with the outputs people and other stacks need: created with
 * every security default on, or, for `existing`, only looked up and checked.
 */
export class DatabaseStack extends EnvironmentStack {
  readonly database: RdsDatabase;

  constructor(scope: Construct, id: string, props: DatabaseStackProps) {
    super(scope, id, props);
    const { database: db, environment: env } = props;
    const location = { partition: env.partition ?? 'aws', region: env.region, account: env.account };
    if (isExisting(db)) {
      this.database = new ExistingDatabase(this, 'database', {
        ...location,
        existing: db.existing,
        engine: db.engine,
        databaseName: db.databaseName,
        masterUsername: db.masterUsername,
        needsMasterSecret: props.needsMasterSecret,
      });
    } else {
      const { environment: _environment, schemas: _schemas, connection: _connection, existing: _existing, proxy: _proxy, replicas, ...settings } = db;
      this.database = new IamDatabase(this, 'database', {
        ...settings,
        ...location,
        identifier: props.databaseKey,
        vpcId: env.vpcId,
        subnetIds: env.subnetIds,
        ...(replicas ? { replicas: { count: replicas.count, instanceClass: replicas.instanceClass, elsewhere: this.replicaRegion(replicas, props) } } : {}),
      });
    }
    const d = this.database;
    const proxy = db.proxy;
    if (proxy?.existing !== undefined) {
      d.addEntryPoint(new ExistingRdsProxy(this, 'proxy', { ...location, name: proxy.existing, family: d.family, port: d.port }));
    } else if (proxy !== undefined && d instanceof IamDatabase && !isExisting(db)) {
      d.addEntryPoint(new RdsProxy(this, 'proxy', {
        ...location,
        name: props.databaseKey,
        family: d.family,
        port: d.port,
        vpcId: env.vpcId,
        subnetIds: env.subnetIds,
        target: d.target,
        databaseResourceId: d.resourceId,
        databaseSecurityGroupId: d.securityGroupId,
        allowedCidrs: db.allowedCidrs,
        publicCidrs: db.publicCidrs,
        allowedSecurityGroupIds: db.allowedSecurityGroupIds,
        idleClientTimeout: proxy.idleClientTimeout,
      }));
    }
    const outputs: Record<string, { value: string | number | string[]; description: string }> = {
      endpoint: { value: d.endpoint, description: 'Host name to connect to (the writer endpoint for Aurora)' },
      port: { value: d.port, description: 'Engine port' },
      engine: { value: d.engine, description: 'RDS engine: postgres, mysql, mariadb, aurora-postgresql or aurora-mysql' },
      database_name: { value: d.databaseName, description: isExisting(db) ? 'Database granted to users' : 'Database created at launch, granted to users' },
      ...(d.masterSecretArn
        ? { master_secret_arn: { value: d.masterSecretArn, description: 'Secrets Manager secret holding the master password (managed by RDS)' } }
        : {}),
      resource_id: { value: d.resourceId, description: 'Resource ID used in rds-db:connect ARNs (db-… or cluster-…)' },
      region: { value: env.region, description: 'AWS region, for generate-db-auth-token' },
    };
    if (d.readerEndpoint) {
      outputs.reader_endpoint = { value: d.readerEndpoint, description: 'Aurora reader endpoint, for read-only connections (same IAM user and token rules)' };
    }
    const proxyEntry = d.entryPoints.find((e) => e.kind === 'proxy');
    if (proxyEntry) {
      outputs.proxy_endpoint = { value: proxyEntry.endpoint, description: 'RDS Proxy endpoint (end-to-end IAM): sign tokens for this host, log in as your own user' };
      outputs.proxy_resource_id = { value: proxyEntry.resourceId, description: 'Resource ID of the proxy (prx-…), used in rds-db:connect ARNs' };
    }
    const replicaEntries = d.entryPoints.filter((e) => e.kind === 'replica');
    if (replicaEntries.length > 0) {
      const where = props.replicaEnvironment?.environment.region ?? env.region;
      outputs.replica_endpoints = { value: replicaEntries.map((e) => e.endpoint) , description: `Read replica host names, replica 1 first (region ${where}; same users, tokens signed for each host)` };
      outputs.replica_resource_ids = { value: replicaEntries.map((e) => e.resourceId) , description: 'Resource IDs of the read replicas (db-…), used in rds-db:connect ARNs' };
    }
    for (const [name, output] of Object.entries(outputs)) {
      new TerraformOutput(this, name, output);
    }
  }

  /** Replicas in another environment: an AWS provider for its region (same account, as validated), and its network. */
  private replicaRegion(replicas: ReplicasConfig, props: DatabaseStackProps): ReplicasProps['elsewhere'] {
    const other = props.replicaEnvironment;
    if (replicas.environment === undefined || other === undefined) return undefined;
    const env = other.environment;
    const provider = new AwsProvider(this, 'aws-replicas', {
      alias: 'replicas',
      region: env.region,
      allowedAccountIds: [env.account],
      assumeRole: env.assumeRoleArn ? [{ roleArn: env.assumeRoleArn, sessionName: 'rds-iam-access' }] : undefined,
      defaultTags: [{ tags: { ManagedBy: 'rds-iam-access', Environment: other.key, ...terraformLiteralMap(env.tags ?? {}) } }],
    });
    return { provider, region: env.region, vpcId: env.vpcId, subnetIds: env.subnetIds, kmsKeyId: replicas.kmsKeyId };
  }
}
