import { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias';
import { DbInstance, DbInstanceConfig } from '@cdktf/provider-aws/lib/db-instance';
import { DbOptionGroup } from '@cdktf/provider-aws/lib/db-option-group';
import { DbParameterGroup, DbParameterGroupConfig } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { DATABASE_DEFAULTS, ENGINE_PORTS } from '../lib/model/defaults';
import { terraformLiteral } from '../lib/terraform/literal';
import { Engine, engineFamily, EngineFamily, isAurora, ManagedDatabaseConfig } from '../lib/model/types';
import { admitOnPort } from './port-ingress';
import { connectArnsOf, dbuserArn, EntryPoint, RdsDatabase, RdsLocation } from './rds-database';

/**
 * The database's settings as config.ts declares them (see `DatabaseConfig` for each field
 * and its default), plus where it lives.
 */
export interface IamDatabaseProps extends Omit<ManagedDatabaseConfig, 'environment' | 'schemas' | 'connection' | 'existing' | 'proxy' | 'replicas'>, RdsLocation {
  /** RDS identifier of the instance or cluster; also names its subnet, security and parameter groups. */
  readonly identifier: string;
  readonly vpcId: string;
  /** At least two subnets in different availability zones. */
  readonly subnetIds: readonly string[];
  /** RDS instances only: read replicas. @default - none */
  readonly replicas?: ReplicasProps;
}

/** Read replicas of an instance: how many, their class, and, for another region, where. */
export interface ReplicasProps {
  readonly count: number;
  /** @default - the database's instanceClass */
  readonly instanceClass?: string;
  /**
   * Another region of the same account: its provider, network and (optionally) KMS key.
   * @default - the database's own region, subnet group and security group
   */
  readonly elsewhere?: {
    readonly provider: TerraformProvider;
    readonly region: string;
    readonly vpcId: string;
    readonly subnetIds: readonly string[];
    /** @default - that region's AWS managed key for RDS */
    readonly kmsKeyId?: string;
  };
}

/** Logs RDS can export per engine; `iam-db-auth-error` shows why an IAM login failed. */
const LOG_EXPORTS: Readonly<Record<Engine, string[]>> = {
  postgres: ['iam-db-auth-error', 'postgresql', 'upgrade'],
  'aurora-postgresql': ['iam-db-auth-error', 'postgresql'],
  mysql: ['error', 'iam-db-auth-error', 'slowquery'],
  mariadb: ['audit', 'error', 'iam-db-auth-error', 'slowquery'],
  'aurora-mysql': ['audit', 'error', 'iam-db-auth-error', 'slowquery'],
};

type Parameter = { readonly name: string; readonly value: string };

/**
 * TLS made mandatory by the engine, and an audit trail of who logged in and what they
 * changed (connections, DDL, grants). MySQL also activates granted roles at login, so a
 * user's tier role works without a `mysql_default_roles` per person; MariaDB has no such
 * setting (its users stack gives each person their tier role as default role instead).
 */
const POSTGRES_PARAMETERS: readonly Parameter[] = [
  { name: 'log_connections', value: '1' },
  { name: 'log_min_duration_statement', value: '5000' },
  { name: 'log_statement', value: 'ddl' },
  { name: 'rds.force_ssl', value: '1' },
];
const MARIADB_PARAMETERS: readonly Parameter[] = [
  { name: 'require_secure_transport', value: '1' },
  { name: 'slow_query_log', value: '1' },
];
const MYSQL_PARAMETERS: readonly Parameter[] = [{ name: 'activate_all_roles_on_login', value: '1' }, ...MARIADB_PARAMETERS];
/** What the audit log records where it runs as a plugin (Aurora MySQL's built-in one, RDS for MariaDB's option). */
const AUDIT_EVENTS = 'CONNECT,QUERY_DCL,QUERY_DDL';
const ENGINE_PARAMETERS: Readonly<Record<Engine, readonly Parameter[]>> = {
  postgres: POSTGRES_PARAMETERS,
  'aurora-postgresql': POSTGRES_PARAMETERS,
  mysql: MYSQL_PARAMETERS,
  // RDS for MariaDB audits through an option group (below), not parameters.
  mariadb: MARIADB_PARAMETERS,
  // Aurora MySQL has the audit plugin built in; RDS MySQL would need an option group.
  'aurora-mysql': [
    ...MYSQL_PARAMETERS,
    { name: 'server_audit_events', value: AUDIT_EVENTS },
    { name: 'server_audit_logging', value: '1' },
  ],
};

/** Parameter group family, e.g. `postgres16`, `mysql8.0`, `aurora-mysql8.0`. */
export function parameterGroupFamily(engine: Engine, engineVersion: string): string {
  const [major, minor] = engineVersion.split('.');
  return engineFamily(engine) === 'postgres' ? `${engine}${major}` : `${engine}${major}.${minor}`;
}

/** What the replicas of an instance share with it, or copy in another region. */
interface ReplicaGroups {
  readonly parameterGroupName: string;
  readonly optionGroupName?: string;
  readonly securityGroupId: string;
  readonly logExports: string[];
  readonly caCertIdentifier: string;
  /** Name of the parameter and option groups. */
  readonly groupName: string;
  readonly parameterGroupProps: DbParameterGroupConfig;
}

/**
 * An RDS instance or Aurora cluster that accepts IAM database authentication, with
 * every security default on: TLS enforced by the engine, encrypted storage, the master
 * password kept by RDS in Secrets Manager, no public access, deletion protection,
 * backups, log exports and minor-version upgrades.
 */
export class IamDatabase extends Construct implements RdsDatabase {
  readonly engine: Engine;
  readonly family: EngineFamily;
  /** Host name of the instance, or of the cluster's writer endpoint. */
  readonly endpoint: string;
  /** Aurora only: the load-balanced reader endpoint, for read-only work. */
  readonly readerEndpoint?: string;
  readonly port: number;
  readonly databaseName: string;
  readonly masterUsername: string;
  /** ARN of the Secrets Manager secret RDS keeps the master password in. */
  readonly masterSecretArn: string;
  /** `db-…` for an instance, `cluster-…` for Aurora: what `rds-db:connect` ARNs name. */
  readonly resourceId: string;
  /** The security group on the engine port: a proxy in front is admitted to it. */
  readonly securityGroupId: string;
  /** What a proxy targets: the instance's or the cluster's RDS identifier. */
  readonly target: { readonly instanceIdentifier: string } | { readonly clusterIdentifier: string };
  private readonly location: RdsLocation;
  private readonly entries: EntryPoint[] = [];

  constructor(scope: Construct, id: string, props: IamDatabaseProps) {
    super(scope, id);
    this.engine = props.engine;
    this.family = engineFamily(props.engine);
    this.port = ENGINE_PORTS[this.family];
    this.databaseName = props.databaseName;
    this.masterUsername = props.masterUsername ?? DATABASE_DEFAULTS.masterUsername;
    this.location = { partition: props.partition, region: props.region, account: props.account };

    const subnetGroup = new DbSubnetGroup(this, 'subnets', {
      name: props.identifier,
      description: `Subnets of ${props.identifier}`,
      subnetIds: [...props.subnetIds],
    });
    const securityGroup = new SecurityGroup(this, 'security-group', {
      name: `${props.identifier}-db`,
      description: `Engine port of ${props.identifier}, from listed networks only`,
      vpcId: props.vpcId,
      // No egress: a database answers connections, it does not start them.
      egress: [],
    });
    this.securityGroupId = securityGroup.id;
    admitOnPort(this, securityGroup.id, this.port, this.family, props);

    const family = parameterGroupFamily(props.engine, props.engineVersion);
    // A new family (major upgrade) gets new parameter and option groups, created before the old ones go.
    const groupName = `${props.identifier}-${family.replace(/\./g, '-')}`;
    const parameterGroupProps = {
      name: groupName,
      family,
      description: `TLS-only and audit settings for ${props.identifier}`,
      parameter: ENGINE_PARAMETERS[props.engine].map((p) => ({ ...p, applyMethod: 'immediate' })),
      lifecycle: { createBeforeDestroy: true },
    };
    const common = {
      engine: props.engine,
      engineVersion: props.engineVersion,
      manageMasterUserPassword: true,
      iamDatabaseAuthenticationEnabled: true,
      storageEncrypted: true,
      kmsKeyId: terraformLiteral(props.kmsKeyId),
      deletionProtection: props.deletionProtection ?? true,
      backupRetentionPeriod: props.backupRetentionDays ?? DATABASE_DEFAULTS.backupRetentionDays,
      copyTagsToSnapshot: true,
      enabledCloudwatchLogsExports: LOG_EXPORTS[props.engine],
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [securityGroup.id],
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${props.identifier}-final`,
    };
    const caCertIdentifier = props.caCertIdentifier ?? DATABASE_DEFAULTS.caCertIdentifier;

    if (isAurora(props.engine)) {
      const parameterGroup = new RdsClusterParameterGroup(this, 'parameters', parameterGroupProps);
      const cluster = new RdsCluster(this, 'cluster', {
        ...common,
        clusterIdentifier: props.identifier,
        masterUsername: this.masterUsername,
        databaseName: props.databaseName,
        dbClusterParameterGroupName: parameterGroup.name,
      });
      const count = props.instanceCount ?? DATABASE_DEFAULTS.instanceCount;
      for (let n = 1; n <= count; n++) {
        new RdsClusterInstance(this, `instance-${n}`, {
          identifier: `${props.identifier}-${n}`,
          clusterIdentifier: cluster.clusterIdentifier,
          engine: props.engine,
          engineVersion: cluster.engineVersion,
          instanceClass: props.instanceClass ?? DATABASE_DEFAULTS.auroraInstanceClass,
          dbSubnetGroupName: subnetGroup.name,
          publiclyAccessible: false,
          caCertIdentifier,
          autoMinorVersionUpgrade: true,
          promotionTier: n,
        });
      }
      this.target = { clusterIdentifier: cluster.clusterIdentifier };
      this.endpoint = cluster.endpoint;
      this.readerEndpoint = cluster.readerEndpoint;
      this.resourceId = cluster.clusterResourceId;
      this.masterSecretArn = cluster.masterUserSecret.get(0).secretArn;
    } else {
      const parameterGroup = new DbParameterGroup(this, 'parameters', parameterGroupProps);
      const optionGroup = props.engine === 'mariadb' ? this.mariadbAudit(groupName, props.identifier, props.engineVersion) : undefined;
      const instance = new DbInstance(this, 'instance', {
        ...common,
        identifier: props.identifier,
        dbName: props.databaseName,
        username: this.masterUsername,
        instanceClass: props.instanceClass ?? DATABASE_DEFAULTS.instanceClass,
        allocatedStorage: props.allocatedStorage ?? DATABASE_DEFAULTS.allocatedStorage,
        maxAllocatedStorage: props.maxAllocatedStorage ?? DATABASE_DEFAULTS.maxAllocatedStorage,
        storageType: 'gp3',
        multiAz: props.multiAz ?? false,
        parameterGroupName: parameterGroup.name,
        ...(optionGroup ? { optionGroupName: optionGroup.name } : {}),
        publiclyAccessible: false,
        caCertIdentifier,
        autoMinorVersionUpgrade: true,
      });
      if (props.replicas) {
        this.addReplicas(props, props.replicas, instance, {
          parameterGroupName: parameterGroup.name,
          optionGroupName: optionGroup?.name,
          securityGroupId: securityGroup.id,
          logExports: common.enabledCloudwatchLogsExports,
          caCertIdentifier,
          groupName,
          parameterGroupProps,
        });
      }
      this.target = { instanceIdentifier: instance.identifier };
      this.endpoint = instance.address;
      this.resourceId = instance.resourceId;
      this.masterSecretArn = instance.masterUserSecret.get(0).secretArn;
    }
  }

  /**
   * Read replicas of the instance, each with IAM database authentication and a resource id of
   * its own (an entry point every policy names). In the same region they share the instance's
   * subnet, security, parameter and option groups; in another region they get copies of them there.
   */
  private addReplicas(props: IamDatabaseProps, replicas: ReplicasProps, source: DbInstance, groups: ReplicaGroups): void {
    const elsewhere = replicas.elsewhere;
    let scope: Construct = this;
    let placement: Partial<DbInstanceConfig> = {
      parameterGroupName: groups.parameterGroupName,
      ...(groups.optionGroupName ? { optionGroupName: groups.optionGroupName } : {}),
      vpcSecurityGroupIds: [groups.securityGroupId],
      kmsKeyId: terraformLiteral(props.kmsKeyId),
    };
    if (elsewhere) {
      const provider = elsewhere.provider;
      scope = new Construct(this, 'replica-region');
      const subnetGroup = new DbSubnetGroup(scope, 'subnets', {
        provider, name: props.identifier, description: `Subnets of the replicas of ${props.identifier}`, subnetIds: [...elsewhere.subnetIds],
      });
      const securityGroup = new SecurityGroup(scope, 'security-group', {
        provider, name: `${props.identifier}-db`, description: `Engine port of the replicas of ${props.identifier}, from listed networks only`, vpcId: elsewhere.vpcId, egress: [],
      });
      // Security groups are regional: the listed groups cannot be named here, the listed networks can.
      const networks = { allowedCidrs: props.allowedCidrs, publicCidrs: props.publicCidrs };
      for (const rule of admitOnPort(scope, securityGroup.id, this.port, this.family, networks)) rule.provider = provider;
      const parameterGroup = new DbParameterGroup(scope, 'parameters', { ...groups.parameterGroupProps, provider });
      const optionGroup = props.engine === 'mariadb' ? this.mariadbAudit(groups.groupName, props.identifier, props.engineVersion, scope, provider) : undefined;
      // An encrypted replica in another region needs a key of that region.
      const kmsKeyId = elsewhere.kmsKeyId !== undefined
        ? terraformLiteral(elsewhere.kmsKeyId)
        : new DataAwsKmsAlias(scope, 'rds-key', { provider, name: 'alias/aws/rds' }).targetKeyArn;
      placement = {
        provider,
        dbSubnetGroupName: subnetGroup.name,
        parameterGroupName: parameterGroup.name,
        ...(optionGroup ? { optionGroupName: optionGroup.name } : {}),
        vpcSecurityGroupIds: [securityGroup.id],
        kmsKeyId,
      };
    }
    const location = { ...this.location, region: elsewhere?.region ?? this.location.region };
    for (let n = 1; n <= replicas.count; n++) {
      const replica = new DbInstance(scope, `replica-${n}`, {
        ...placement,
        identifier: `${props.identifier}-replica-${n}`,
        // Another region names the source by ARN; the engine, version and master user come from it.
        replicateSourceDb: elsewhere ? source.arn : source.identifier,
        instanceClass: replicas.instanceClass ?? props.instanceClass ?? DATABASE_DEFAULTS.instanceClass,
        iamDatabaseAuthenticationEnabled: true,
        storageEncrypted: true,
        storageType: 'gp3',
        maxAllocatedStorage: props.maxAllocatedStorage ?? DATABASE_DEFAULTS.maxAllocatedStorage,
        multiAz: false,
        publiclyAccessible: false,
        caCertIdentifier: groups.caCertIdentifier,
        autoMinorVersionUpgrade: true,
        deletionProtection: props.deletionProtection ?? true,
        enabledCloudwatchLogsExports: groups.logExports,
        copyTagsToSnapshot: true,
        // A replica's data is its source's, which keeps the backups and the final snapshot.
        skipFinalSnapshot: true,
      });
      this.addEntryPoint({ kind: 'replica', endpoint: replica.address, port: this.port, resourceId: replica.resourceId, location });
    }
  }

  /** RDS for MariaDB's audit plugin: connections, grants and DDL, exported with the `audit` log. */
  private mariadbAudit(name: string, identifier: string, engineVersion: string, scope: Construct = this, provider?: TerraformProvider): DbOptionGroup {
    const major = engineVersion.split('.').slice(0, 2).join('.');
    return new DbOptionGroup(scope, 'options', {
      ...(provider ? { provider } : {}),
      name,
      optionGroupDescription: `Audit plugin for ${identifier}`,
      engineName: 'mariadb',
      majorEngineVersion: major,
      option: [{ optionName: 'MARIADB_AUDIT_PLUGIN', optionSettings: [{ name: 'SERVER_AUDIT_EVENTS', value: AUDIT_EVENTS }] }],
      lifecycle: { createBeforeDestroy: true },
    });
  }

  connectArn(dbUser: string): string {
    return dbuserArn(this.location, this.resourceId, dbUser);
  }

  connectArns(dbUser: string): string[] {
    return connectArnsOf(this.connectArn(dbUser), this.entries, dbUser);
  }

  get entryPoints(): readonly EntryPoint[] {
    return [...this.entries];
  }

  addEntryPoint(entry: EntryPoint): void {
    this.entries.push(entry);
  }
}
