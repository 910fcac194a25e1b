/**
 * How Terraform's mysql/postgresql provider logs in to a database:
 * - `master-secret`: the master user, with the password read from the RDS-managed secret
 *   through an ephemeral resource, so it is never written to plan or state (Terraform ≥ 1.10);
 * - `iam`: a database user that itself logs in with an IAM token (`aws_rds_iam_auth`);
 * - `password`: `username` plus a password from the provider's environment variable
 *   (`PGPASSWORD` / `MYSQL_PASSWORD`), for pointing the stack at any server, e.g. in tests.
 */
export type LoginMode = 'master-secret' | 'iam' | 'password';
export const LOGIN_MODES: readonly LoginMode[] = ['master-secret', 'iam', 'password'];

/** Overrides of where and how the users stack connects. Every field is optional. */
export interface ConnectionOverrides {
  /** Host to connect to instead of the RDS endpoint, e.g. `127.0.0.1` for an SSM port-forward. @default - the RDS endpoint */
  readonly host?: string;
  /** @default - the engine port */
  readonly port?: number;
  /** @default "master-secret" */
  readonly login?: LoginMode;
  /** Login user for `iam` and `password`. @default - the master user name */
  readonly username?: string;
  /**
   * PostgreSQL `sslmode`; `verify-ca`/`verify-full` need `caBundle`. MySQL maps `require`
   * to encrypted-unverified (`skip-verify`) and `verify-full` to the CA bundle plus a host
   * name check; MySQL has no `verify-ca` (its driver always checks the host name).
   * `disable` is refused: the databases only accept TLS.
   * @default "require"
   */
  readonly sslMode?: 'require' | 'verify-ca' | 'verify-full';
  /** Path to the RDS CA bundle, e.g. `~/.aws/rds/global-bundle.pem`. @default - none */
  readonly caBundle?: string;
  /** MySQL only: `socks5://host:port` (or http/https) proxy into the VPC. @default - none */
  readonly proxy?: string;
}

/** `orders-eu` → `RDS_IAM_ORDERS_EU_`: the prefix of a database's environment overrides. */
export function envPrefix(databaseKey: string): string {
  return `RDS_IAM_${databaseKey.toUpperCase().replace(/-/g, '_')}_`;
}
