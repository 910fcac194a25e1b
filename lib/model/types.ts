import type { ConnectionOverrides } from './connection';
import { sortedEntries } from './order';

/**
 * The shapes people and platform teams edit: `users.ts` (who gets what) and
 * `config.ts` (which databases exist, where). Everything else derives from these.
 */

/** What a person may do in a database. Tiers are cumulative: write includes read. */
export type Tier = 'read' | 'write' | 'admin';
export const TIERS: readonly Tier[] = ['read', 'write', 'admin'];

/** One person in `users.ts`. `K` narrows `access` to the database keys of config.ts. */
export interface UserEntry<K extends string = string> {
  /**
   * The Identity Center user name, mapped to the `username` principal tag from
   * `${path:userName}`. It is also the database user name, matched case-sensitively.
   */
  readonly username: string;
  /** Database key (from `config.ts`) → tier. */
  readonly access: Readonly<Partial<Record<K, Tier>>>;
  /**
   * Human name shown in reports.
   * @default - the username
   */
  readonly displayName?: string;
  /**
   * When access ends: a last day `YYYY-MM-DD` (UTC, inclusive: from the next midnight UTC the
   * entry grants nothing), or a UTC time `YYYY-MM-DDTHH:MMZ` (it grants nothing from then).
   * At most `expiryHorizonDays` ahead unless `expiresBeyondHorizon` says why.
   * @default - access does not expire
   */
  readonly expires?: string;
  /**
   * Why `expires` lies beyond the horizon (config.ts `expiryHorizonDays`), for reviewers.
   * @default - expires must be within the horizon
   */
  readonly expiresBeyondHorizon?: string;
  /**
   * Why this person has access: a ticket or a sentence, for reviewers.
   * @default - none
   */
  readonly reason?: string;
}

/** The AWS service a role this project creates for a service is trusted by. */
export type ServiceTrust = 'ec2' | 'ecs-tasks' | 'lambda' | 'eks-pod-identity';
export const SERVICE_TRUSTS: readonly ServiceTrust[] = ['ec2', 'ecs-tasks', 'lambda', 'eks-pod-identity'];

/**
 * The IAM role a service runs as: one that exists (`arn`; this project only attaches its
 * connect policy), or one this project creates (`trust`: who may assume it).
 */
export type ServiceRole = { readonly arn: string } | { readonly trust: ServiceTrust };

/** Prefix of the role, instance profile and policy names made for a service (`rds-iam-<name>`). */
export const SERVICE_ROLE_PREFIX = 'rds-iam-';

/** An IAM role ARN, its path allowed; groups: partition, account. */
export const IAM_ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** The role name in an IAM role ARN: its last path segment (`…:role/apps/orders-api` → `orders-api`). */
export function roleNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** One application in `services.ts`. `K` narrows `access` to the database keys of config.ts. */
export interface ServiceEntry<K extends string = string> {
  /** Its database user name on every database in `access`, and the name of a role created for it. */
  readonly name: string;
  /** The IAM role it runs as. */
  readonly role: ServiceRole;
  /** Database key (from `config.ts`) → tier. */
  readonly access: Readonly<Partial<Record<K, Tier>>>;
  /** Who answers for this service's access: a team or a person, shown to reviewers and in the access report. */
  readonly owner: string;
  /**
   * When access ends, written as in users.ts: a last day `YYYY-MM-DD` or a UTC time
   * `YYYY-MM-DDTHH:MMZ`. At most `expiryHorizonDays` ahead unless `expiresBeyondHorizon` says why.
   * @default - access does not expire
   */
  readonly expires?: string;
  /**
   * Why `expires` lies beyond the horizon (config.ts `expiryHorizonDays`), for reviewers.
   * @default - expires must be within the horizon
   */
  readonly expiresBeyondHorizon?: string;
  /**
   * Why this service has access: a ticket or a sentence, for reviewers.
   * @default - none
   */
  readonly reason?: string;
}

/** One person's access to one database, as the users stacks consume it. */
export interface DatabaseGrant {
  readonly username: string;
  readonly tier: Tier;
}

/** The grants on database `key` of people whose access maps database keys to tiers, in their order. */
export function grantsOn(key: string, people: readonly { readonly username: string; readonly access: ReadonlyMap<string, Tier> }[]): DatabaseGrant[] {
  const grants: DatabaseGrant[] = [];
  for (const person of people) {
    const tier = person.access.get(key);
    if (tier) grants.push({ username: person.username, tier });
  }
  return grants;
}

/** The grants on database `key` of services, each a database user by its name, in their order. */
export function serviceGrantsOn(key: string, services: readonly { readonly name: string; readonly access: ReadonlyMap<string, Tier> }[]): DatabaseGrant[] {
  return grantsOn(key, services.map((s) => ({ username: s.name, access: s.access })));
}

export type Engine = 'postgres' | 'mysql' | 'mariadb' | 'aurora-postgresql' | 'aurora-mysql';
export const ENGINES: readonly Engine[] = ['postgres', 'mysql', 'mariadb', 'aurora-postgresql', 'aurora-mysql'];

/** SQL dialect family of an engine: what the users stack speaks. */
export type EngineFamily = 'postgres' | 'mysql';

export function engineFamily(engine: Engine): EngineFamily {
  return engine === 'postgres' || engine === 'aurora-postgresql' ? 'postgres' : 'mysql';
}

export function isAurora(engine: Engine): boolean {
  return engine.startsWith('aurora-');
}

/**
 * MySQL 8 activates every granted role at login (`activate_all_roles_on_login`); MariaDB has
 * no such setting and activates only a user's one default role.
 */
export function needsDefaultRole(engine: Engine): boolean {
  return engine === 'mariadb';
}

/** Where Terraform state lives for an environment's stacks. */
export type BackendConfig =
  | { readonly type: 'local' }
  | {
      readonly type: 's3';
      readonly bucket: string;
      /** @default - the environment's region */
      readonly region?: string;
      /** Key prefix; the stack id and `.tfstate` are appended. @default "rds-iam-access" */
      readonly keyPrefix?: string;
      /** @default - the bucket's default encryption key */
      readonly kmsKeyId?: string;
    };

/** An AWS account and region Terraform works in, and where its state lives. */
export interface AwsTarget {
  readonly account: string;
  readonly region: string;
  /** @default "aws" */
  readonly partition?: string;
  /**
   * Role Terraform assumes in the account.
   * @default - the ambient credentials (AWS_PROFILE, SSO, instance role)
   */
  readonly assumeRoleArn?: string;
  /** @default { type: 'local' } */
  readonly backend?: BackendConfig;
  /** Tags on every resource. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** An AWS account and region that hosts databases. */
export interface EnvironmentConfig extends AwsTarget {
  readonly vpcId: string;
  /** At least two subnets in different availability zones. */
  readonly subnetIds: readonly string[];
  /**
   * Existing IAM roles of this account that services.ts may attach a connect policy to
   * (`role: { arn }`), exactly as written there. The platform lists them here, so a services.ts
   * entry cannot route database access through a role a person can assume.
   * @default - none: services use roles this project creates (`role: { trust }`)
   */
  readonly serviceRoleArns?: readonly string[];
}

/** A public network admitted to a database, on purpose. */
export interface PublicCidr {
  readonly cidr: string;
  /** Who connects from there and why, e.g. `'office egress, ticket OPS-12'`. */
  readonly reason: string;
}

/** What every database in config.ts says, whether this project creates it or finds it. */
interface DatabaseBase {
  readonly environment: string;
  /** For an existing database, the engine it runs: the plan fails if RDS reports another. */
  readonly engine: Engine;
  /** The database (PostgreSQL) or schema (MySQL) granted to users; created at launch unless `existing`. */
  readonly databaseName: string;
  /**
   * Further PostgreSQL schemas in `databaseName`, or further MySQL databases, that tiers apply to.
   * @default - `public` for PostgreSQL; just `databaseName` for MySQL
   */
  readonly schemas?: readonly string[];
  /**
   * How the users stack reaches and logs in to this database; each field can also come
   * from `RDS_IAM_<KEY>_*` environment variables.
   * @default - the RDS endpoint, as the master user via its managed secret, TLS verified against the RDS CA bundle
   */
  readonly connection?: ConnectionOverrides;
  /**
   * An RDS Proxy in front of the database, with end-to-end IAM: clients sign tokens for the
   * proxy's endpoint, the proxy logs in to the database over IAM as the same user, no secret
   * anywhere. Every policy then also allows each person and service their own user through it.
   * `{}` creates one (existing databases: only `{ existing }`).
   * @default - no proxy
   */
  readonly proxy?: ProxyConfig;
}

/**
 * An RDS Proxy this project creates (end-to-end IAM, TLS required, in the environment's
 * subnets, its own security group admitting the database's `allowedCidrs`, `publicCidrs` and
 * `allowedSecurityGroupIds`), or one that exists, by name (the plan checks it uses end-to-end IAM).
 */
export type ProxyConfig =
  | {
      readonly existing?: undefined;
      /** Seconds a client connection may sit idle before the proxy closes it, 1 to 28800. @default 1800 */
      readonly idleClientTimeout?: number;
    }
  | { readonly existing: string };

/** Read replicas of an RDS instance (not Aurora: its cluster's readers serve reads). */
export interface ReplicasConfig {
  /** How many, 1 to 5; replica `n` is `<key>-replica-<n>`. */
  readonly count: number;
  /**
   * Another environment of config.ts, in the same account and another region, to put them in
   * (its VPC and subnets); they get the database's ingress rules there.
   * @default - the database's own environment
   */
  readonly environment?: string;
  /** @default - the database's instanceClass */
  readonly instanceClass?: string;
  /**
   * KMS key ARN in the replicas' region, for replicas in another region.
   * @default - that region's AWS managed key for RDS (required when the database has kmsKeyId)
   */
  readonly kmsKeyId?: string;
}

/** An RDS instance or Aurora cluster this project does not create, found by its RDS identifier. */
export type ExistingDatabaseRef = { readonly identifier: string } | { readonly clusterIdentifier: string };

/**
 * A database that already exists: the project creates no AWS resource for it, only its
 * database users and the IAM access to them. The plan fails if IAM database authentication
 * is off on it, or if it runs another engine than `engine`.
 */
export interface ExistingDatabaseConfig extends DatabaseBase {
  /** `{ identifier }` for an RDS instance, `{ clusterIdentifier }` for an Aurora cluster. */
  readonly existing: ExistingDatabaseRef;
  /**
   * Its master user name, which the plan checks against RDS: no person or service may take it,
   * and the users stack logs in as it unless `connection` says otherwise.
   */
  readonly masterUsername: string;
}

/** A database this project creates: an RDS instance or an Aurora cluster, every security default on. */
export interface ManagedDatabaseConfig extends DatabaseBase {
  /** Only on existing databases. */
  readonly existing?: undefined;
  /** Full engine version, e.g. `16.4`, `8.0.39`, `8.0.mysql_aurora.3.08.0`. */
  readonly engineVersion: string;
  /** @default "db.t4g.medium" for Aurora, "db.t4g.micro" otherwise */
  readonly instanceClass?: string;
  /** Aurora only: number of cluster instances (the first is the writer). @default 1 */
  readonly instanceCount?: number;
  /** Instance only, GiB. @default 20 */
  readonly allocatedStorage?: number;
  /** Instance only, GiB; storage autoscaling ceiling. @default 100 */
  readonly maxAllocatedStorage?: number;
  /** Instance only. @default false */
  readonly multiAz?: boolean;
  /** @default "dbmaster" */
  readonly masterUsername?: string;
  /** Days, at least 7. @default 7 */
  readonly backupRetentionDays?: number;
  /** @default "rds-ca-rsa2048-g1" */
  readonly caCertIdentifier?: string;
  /** @default - the AWS managed key for RDS */
  readonly kmsKeyId?: string;
  /**
   * Private CIDR blocks admitted on the engine port (inside 10.0.0.0/8, 172.16.0.0/12,
   * 192.168.0.0/16, 100.64.0.0/10 or fc00::/7), written canonically, e.g. `10.20.0.0/16`.
   * @default [] - none
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * Public CIDR blocks admitted on the engine port, each with the reason a reviewer reads.
   * At most a /16 (IPv4) or /48 (IPv6) each. Even then the database stays without a
   * public address: this only matters behind a NAT or a VPN that keeps source addresses.
   * @default [] - no public range is admitted
   */
  readonly publicCidrs?: readonly PublicCidr[];
  /** Security groups admitted on the engine port. @default [] */
  readonly allowedSecurityGroupIds?: readonly string[];
  /**
   * Deletion protection. Turning it off is explicit and meant for throwaway databases.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * RDS instances only: read replicas, each with IAM database authentication and a resource id
   * of its own that every policy names.
   * @default - none
   */
  readonly replicas?: ReplicasConfig;
}

/** One database in the fleet: one this project creates, or one that already exists. */
export type DatabaseConfig = ManagedDatabaseConfig | ExistingDatabaseConfig;

/** Whether config.ts names a database that exists already (looked up, never changed). */
export function isExisting(db: DatabaseConfig): db is ExistingDatabaseConfig {
  return db.existing !== undefined;
}

/** IAM Identity Center: who may connect, through which permission set. */
export interface IdentityCenterConfig extends AwsTarget {
  /**
   * Identity Center instance and its identity store; give both or neither.
   * @default - looked up with the `aws_ssoadmin_instances` data source
   */
  readonly instanceArn?: string;
  readonly identityStoreId?: string;
  /** Access-control attribute (principal tag) key. @default "username" */
  readonly attributeKey?: string;
  /**
   * Where the attribute comes from, written as in the console. Anything but `${path:userName}`
   * needs `attributeSourceReason`: the tag decides whose database user a session may be.
   * @default "${path:userName}"
   */
  readonly attributeSource?: string;
  /**
   * Why another `attributeSource` is unique per person and set only by administrators; shown to reviewers.
   * @default - none: attributeSource must be the default
   */
  readonly attributeSourceReason?: string;
  /**
   * Whether this project owns the instance's access-control attributes (there is one set
   * per instance). Set false when another team manages them; they must map the same key.
   * @default true
   */
  readonly manageAttributes?: boolean;
  /** @default "DatabaseAccess" */
  readonly permissionSetName?: string;
  /** @default "Connect to databases as your own IAM database user" */
  readonly permissionSetDescription?: string;
  /** ISO 8601, PT1H to PT12H. Tokens last 15 minutes regardless. @default "PT1H" */
  readonly sessionDuration?: string;
  /**
   * `inline`: the policy lives in the permission set. `customer-managed`: the permission set
   * references a policy this project creates, with the same name, in every database account.
   * @default "inline"
   */
  readonly policy?: 'inline' | 'customer-managed';
  /** Name of the customer-managed policy. @default "rds-iam-access-connect" */
  readonly customerManagedPolicyName?: string;
  /** Read-only `rds:Describe*` so GUI clients can discover endpoints. @default false */
  readonly allowDescribe?: boolean;
  /**
   * The group everyone in users.ts is put in; it is assigned the permission set.
   * `existing: true` looks up a group by display name instead of creating it.
   * @default { name: "rds-iam-access" }
   */
  readonly group?: { readonly name: string; readonly existing?: boolean };
}

/**
 * The environment that holds an account's account-wide stacks (IAM is global per account):
 * the first, by key, of those in `account`.
 */
export function homeEnvironmentOf(environments: Readonly<Record<string, EnvironmentConfig>>, account: string): string {
  const home = sortedEntries(environments).find(([, env]) => env.account === account);
  if (!home) throw new Error(`no environment in account ${account}`);
  return home[0];
}

/** The whole fleet. Keys of `databases` are what `users.ts` refers to. */
export interface AppConfig {
  readonly environments: Readonly<Record<string, EnvironmentConfig>>;
  readonly databases: Readonly<Record<string, DatabaseConfig>>;
  /** @default - no Identity Center stack */
  readonly identityCenter?: IdentityCenterConfig;
  /**
   * How many days ahead a users.ts `expires` may lie; an entry beyond needs `expiresBeyondHorizon`.
   * @default 365
   */
  readonly expiryHorizonDays?: number;
}
