import { Engine, EngineFamily } from '../lib/model/types';

/**
 * What the users and Identity Center stacks need of a database, whether this project
 * creates it (IamDatabase) or finds it (ExistingDatabase).
 */
export interface RdsDatabase {
  readonly engine: Engine;
  readonly family: EngineFamily;
  /** Host name of the instance, or of the cluster's writer endpoint. */
  readonly endpoint: string;
  /** Aurora only: the load-balanced reader endpoint, for read-only work. */
  readonly readerEndpoint?: string;
  readonly port: number;
  readonly databaseName: string;
  readonly masterUsername: string;
  /** ARN of the Secrets Manager secret RDS keeps the master password in; absent where nothing reads it. */
  readonly masterSecretArn?: string;
  /** `db-…` for an instance, `cluster-…` for Aurora: what `rds-db:connect` ARNs name. */
  readonly resourceId: string;
  /**
   * The `rds-db:connect` resource for one database user: pass a name, or an IAM
   * policy variable such as `IAM_USERNAME_VARIABLE`.
   */
  connectArn(dbUser: string): string;
}

/** Where a database lives, for its `rds-db:connect` ARNs. */
export interface RdsLocation {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** The one place `rds-db:connect` resource ARNs are built. */
export function dbuserArn(where: RdsLocation, resourceId: string, dbUser: string): string {
  return `arn:${where.partition}:rds-db:${where.region}:${where.account}:dbuser:${resourceId}/${dbUser}`;
}
