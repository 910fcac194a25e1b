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
  /**
   * Every `rds-db:connect` resource for one database user: the database's own, then its
   * proxy's and its replicas' (each has a resource id of its own), in that order.
   */
  connectArns(dbUser: string): string[];
  /** Further ways in (a proxy, replicas), each named in every policy beside the database itself. */
  readonly entryPoints: readonly EntryPoint[];
  /** Adds a way in: every policy built from `connectArns` then names it too. */
  addEntryPoint(entry: EntryPoint): void;
}

/** Another endpoint that takes IAM logins as the database's own users: an RDS Proxy or a read replica. */
export interface EntryPoint {
  readonly kind: 'proxy' | 'replica';
  readonly endpoint: string;
  readonly port: number;
  /** `prx-…` for a proxy, `db-…` for a replica. */
  readonly resourceId: string;
  /** Where it lives: a replica may be in another region. */
  readonly location: RdsLocation;
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

/** A database's own ARN for `dbUser`, then each entry point's, in order. */
export function connectArnsOf(own: string, entries: readonly EntryPoint[], dbUser: string): string[] {
  return [own, ...entries.map((e) => dbuserArn(e.location, e.resourceId, dbUser))];
}
