import { DataAwsCloudcontrolapiResource } from '@cdktf/provider-aws/lib/data-aws-cloudcontrolapi-resource';
import { DataAwsDbInstance } from '@cdktf/provider-aws/lib/data-aws-db-instance';
import { DataAwsRdsCluster } from '@cdktf/provider-aws/lib/data-aws-rds-cluster';
import { Postcondition } from 'cdktf';
import { Construct } from 'constructs';
import { Engine, engineFamily, EngineFamily, ENGINES, ExistingDatabaseRef } from '../lib/model/types';
import { connectArnsOf, dbuserArn, EntryPoint, RdsDatabase, RdsLocation } from './rds-database';

export interface ExistingDatabaseProps extends RdsLocation {
  /** The RDS instance (`identifier`) or Aurora cluster (`clusterIdentifier`) to look up. */
  readonly existing: ExistingDatabaseRef;
  /** The engine config.ts declares; the plan fails if RDS reports another. */
  readonly engine: Engine;
  /** The database (PostgreSQL) or schema (MySQL) granted to users. */
  readonly databaseName: string;
  /** The master user name config.ts declares; the plan fails if RDS reports another. */
  readonly masterUsername: string;
  /**
   * Whether the users stack logs in with the master password RDS keeps in Secrets Manager:
   * then the plan fails if RDS manages no such secret for this database.
   * @default true
   */
  readonly needsMasterSecret?: boolean;
}

/**
 * An RDS instance or Aurora cluster this project does not create: looked up by identifier,
 * with plan-time checks that it takes IAM database authentication and is what config.ts
 * says it is. Nothing here changes the database.
 */
export class ExistingDatabase extends Construct implements RdsDatabase {
  readonly engine: Engine;
  readonly family: EngineFamily;
  readonly endpoint: string;
  readonly readerEndpoint?: string;
  readonly port: number;
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly masterSecretArn?: string;
  readonly resourceId: string;
  private readonly location: RdsLocation;
  private readonly entries: EntryPoint[] = [];

  constructor(scope: Construct, id: string, props: ExistingDatabaseProps) {
    super(scope, id);
    this.engine = props.engine;
    this.family = engineFamily(props.engine);
    this.databaseName = props.databaseName;
    this.masterUsername = props.masterUsername;
    this.location = { partition: props.partition, region: props.region, account: props.account };
    const needsSecret = props.needsMasterSecret ?? true;

    if ('clusterIdentifier' in props.existing) {
      const name = `Aurora cluster ${props.existing.clusterIdentifier}`;
      const cluster = new DataAwsRdsCluster(this, 'cluster', {
        clusterIdentifier: props.existing.clusterIdentifier,
        lifecycle: {
          postcondition: [
            // The cluster data source reads the setting itself.
            iamAuthOn(name, 'self.iam_database_authentication_enabled', '--db-cluster-identifier', 'modify-db-cluster', props.existing.clusterIdentifier),
            ...describedAs(name, props, needsSecret),
          ],
        },
      });
      this.endpoint = cluster.endpoint;
      this.readerEndpoint = cluster.readerEndpoint;
      this.port = cluster.port;
      this.resourceId = cluster.clusterResourceId;
      if (needsSecret) this.masterSecretArn = cluster.masterUserSecret.get(0).secretArn;
    } else {
      const identifier = props.existing.identifier;
      const name = `RDS instance ${identifier}`;
      const instance = new DataAwsDbInstance(this, 'instance', {
        dbInstanceIdentifier: identifier,
        lifecycle: { postcondition: describedAs(name, props, needsSecret) },
      });
      // aws_db_instance does not report IAM authentication; Cloud Control's read of the instance does.
      new DataAwsCloudcontrolapiResource(this, 'iam-authentication', {
        typeName: 'AWS::RDS::DBInstance',
        identifier,
        lifecycle: {
          postcondition: [
            iamAuthOn(name, 'try(jsondecode(self.properties).EnableIAMDatabaseAuthentication, false)', '--db-instance-identifier', 'modify-db-instance', identifier),
          ],
        },
      });
      this.endpoint = instance.address;
      this.port = instance.port;
      this.resourceId = instance.resourceId;
      if (needsSecret) this.masterSecretArn = instance.masterUserSecret.get(0).secretArn;
    }
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

/** Terraform requires a condition's message to be sentences: a capital first, a full stop last. */
function iamAuthOn(name: string, enabled: string, flag: string, command: string, identifier: string): Postcondition {
  return {
    condition: `\${${enabled} == true}`,
    errorMessage:
      `IAM database authentication is off on ${name}, so no IAM user can log in to it. ` +
      `Turn it on (aws rds ${command} ${flag} ${identifier} --enable-iam-database-authentication --apply-immediately) and plan again.`,
  };
}

/** The engine, master user and (if the users stack reads it) master secret RDS reports, against config.ts. */
function describedAs(name: string, props: ExistingDatabaseProps, needsSecret: boolean): Postcondition[] {
  const conditions: Postcondition[] = [
    {
      condition: `\${self.engine == "${props.engine}"}`,
      errorMessage:
        `${name} runs engine \${self.engine}, but config.ts declares ${props.engine}. ` +
        `Correct engine in config.ts if it names one this project supports (${ENGINES.join(', ')}); other engines cannot be managed here.`,
    },
    {
      condition: `\${self.master_username == "${props.masterUsername}"}`,
      errorMessage: `The master user of ${name} is \${self.master_username}, but config.ts declares ${props.masterUsername}. Correct masterUsername in config.ts.`,
    },
  ];
  if (needsSecret) {
    conditions.push({
      condition: '${length(self.master_user_secret) > 0}',
      errorMessage:
        `RDS does not keep the master password of ${name} in Secrets Manager, so the users stack cannot log in with it. ` +
        'Turn on --manage-master-user-password for it, or set connection.login to iam or password in config.ts.',
    });
  }
  return conditions;
}
