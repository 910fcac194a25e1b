import { sortedEntries } from './order';
import { type Problems, show } from './problems';
import type { DatabaseConfig } from './types';
import { engineFamily } from './types';

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
   * to encrypted-unverified (`skip-verify`) and the verify modes to the CA bundle.
   * `disable` is refused: the databases only accept TLS.
   * @default "require"
   */
  readonly sslMode?: 'require' | 'verify-ca' | 'verify-full';
  /** Path to the RDS CA bundle, e.g. `~/.aws/rds/global-bundle.pem`. @default - none */
  readonly caBundle?: string;
  /** MySQL only: `socks5://host:port` (or http/https) proxy into the VPC. @default - none */
  readonly proxy?: string;
}

const SSL_MODES = ['require', 'verify-ca', 'verify-full'];

/** `orders-eu` → `RDS_IAM_ORDERS_EU_`: the prefix of a database's environment overrides. */
export function envPrefix(databaseKey: string): string {
  return `RDS_IAM_${databaseKey.toUpperCase().replace(/-/g, '_')}_`;
}

const ENV_FIELDS: ReadonlyArray<[keyof ConnectionOverrides, string]> = [
  ['host', 'HOST'], ['port', 'PORT'], ['login', 'LOGIN'], ['username', 'USERNAME'],
  ['sslMode', 'SSLMODE'], ['caBundle', 'CA_BUNDLE'], ['proxy', 'PROXY'],
];

/**
 * Reads each database's `connection` from config.ts and `RDS_IAM_<KEY>_HOST`, `_PORT`, `_LOGIN`, `_USERNAME`, `_SSLMODE`, `_CA_BUNDLE`,
 * `_PROXY` for each database the variables winning, so a tunnel needs no edit.
 * Adds every bad value to `problems`.
 */
export function connectionOverrides(
  databases: Readonly<Record<string, DatabaseConfig>>,
  env: Readonly<Record<string, string | undefined>>,
  problems: Problems,
): Record<string, ConnectionOverrides> {
  const result: Record<string, ConnectionOverrides> = {};
  for (const [key, database] of sortedEntries(databases)) {
    const merged: Record<string, unknown> = { ...database?.connection };
    for (const [field, suffix] of ENV_FIELDS) {
      const value = env[envPrefix(key) + suffix];
      if (value !== undefined && value !== '') merged[field] = field === 'port' && /^\d+$/.test(value) ? Number(value) : value;
    }
    const where = `databases.${key}.connection (or ${envPrefix(key)}*)`;
    const c = merged as ConnectionOverrides;
    if (c.port !== undefined && !(Number.isInteger(c.port) && c.port > 0 && c.port < 65536)) {
      problems.add(where, `port ${show(c.port)} must be a whole number from 1 to 65535`);
    }
    if (c.login !== undefined && !LOGIN_MODES.includes(c.login)) {
      problems.add(where, `login ${show(c.login)} must be one of ${LOGIN_MODES.join(', ')}`);
    }
    if (c.sslMode !== undefined && !SSL_MODES.includes(c.sslMode)) {
      problems.add(where, `sslMode ${show(c.sslMode)} must be one of ${SSL_MODES.join(', ')} (TLS cannot be turned off)`);
    } else if (c.sslMode !== 'require' && c.sslMode !== undefined && !c.caBundle) {
      problems.add(where, `sslMode ${c.sslMode} verifies the server, so it needs caBundle (the RDS CA bundle path)`);
    }
    if (c.proxy !== undefined && database?.engine !== undefined && engineFamily(database.engine) !== 'mysql') {
      problems.add(where, 'proxy is supported by the MySQL provider only; for PostgreSQL use an SSM port-forward and host/port');
    } else if (c.proxy !== undefined && !/^(socks5h?|https?):\/\/[^\s/]+:\d+$/.test(c.proxy)) {
      problems.add(where, `proxy ${show(c.proxy)} must look like socks5://host:port`);
    }
    if (c.host !== undefined && !/^[A-Za-z0-9.:[\]-]+$/.test(c.host)) {
      problems.add(where, `host ${show(c.host)} is not a host name or IP address`);
    }
    result[key] = c;
  }
  return result;
}
