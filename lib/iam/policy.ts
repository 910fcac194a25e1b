import { terraformLiteral } from '../terraform/literal';

/*
 * IAM policy variables (`${aws:PrincipalTag/…}`) must reach AWS as written; Terraform
 * would interpolate them, so they pass through `terraformLiteral`, never a template literal.
 */

/** The IAM policy variable for the caller's username tag, escaped for Terraform JSON. */
export const IAM_USERNAME_VARIABLE = terraformLiteral('${aws:PrincipalTag/username}');

export { DEFAULT_ATTRIBUTE_SOURCE } from '../model/defaults';

/** The access-control attribute (principal tag) key sessions carry by default. */
export const DEFAULT_ATTRIBUTE_KEY = 'username';

/** IAM policy variable for principal tag `key`, escaped for Terraform JSON. */
export function principalTagVariable(key: string = DEFAULT_ATTRIBUTE_KEY): string {
  return key === DEFAULT_ATTRIBUTE_KEY ? IAM_USERNAME_VARIABLE : terraformLiteral('${aws:PrincipalTag/' + key + '}');
}

export interface ConnectPolicyOptions {
  /** `rds-db:connect` resources, one per database, each ending in the principal tag variable. */
  readonly connectArns: readonly string[];
  /** Add read-only `rds:DescribeDBInstances`/`DescribeDBClusters` for GUI clients. @default false */
  readonly allowDescribe?: boolean;
}

/**
 * The permission set policy: connect only as the database user named by one's own
 * principal tag, on exactly the listed databases. Its size depends on the number of
 * databases, never on the number of people.
 */
export function connectPolicy(options: ConnectPolicyOptions): string {
  const statements: Record<string, unknown>[] = [
    {
      Sid: 'ConnectAsOwnDatabaseUser',
      Effect: 'Allow',
      Action: 'rds-db:connect',
      Resource: [...options.connectArns],
    },
  ];
  if (options.allowDescribe) {
    statements.push({
      Sid: 'DiscoverEndpoints',
      Effect: 'Allow',
      Action: ['rds:DescribeDBClusters', 'rds:DescribeDBInstances'],
      Resource: '*',
    });
  }
  // JSON.stringify keeps `$${` as written; Fn.jsonencode would not.
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * A database that names its own `rds-db:connect` resources (RdsDatabase): itself, and any
 * proxy or replica in front of or beside it, each for the one user asked.
 */
export interface Connectable {
  connectArns(dbUser: string): string[];
}

/**
 * The connect policy for these databases (and their proxies and replicas), each resource
 * scoped to the caller's own principal tag.
 */
export function connectPolicyFor(
  databases: readonly Connectable[],
  options: { readonly attributeKey?: string; readonly allowDescribe?: boolean },
): string {
  const tag = principalTagVariable(options.attributeKey);
  return connectPolicy({ connectArns: databases.flatMap((db) => db.connectArns(tag)), allowDescribe: options.allowDescribe });
}
