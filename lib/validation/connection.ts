import { ConnectionOverrides, envPrefix, LOGIN_MODES } from '../model/connection';
import { ENGINE_PORTS } from '../model/defaults';
import { DEFAULT_TIER_ROLE_PREFIX } from '../model/tiers';
import { sortedEntries } from '../model/order';
import type { DatabaseConfig } from '../model/types';
import { engineFamily } from '../model/types';
import { type Problems, show } from './problems';

const SSL_MODES = ['require', 'verify-ca', 'verify-full'];

const ENV_FIELDS: ReadonlyArray<[keyof ConnectionOverrides, string]> = [
  ['host', 'HOST'], ['port', 'PORT'], ['login', 'LOGIN'], ['username', 'USERNAME'],
  ['sslMode', 'SSLMODE'], ['caBundle', 'CA_BUNDLE'], ['proxy', 'PROXY'], ['rolePrefix', 'ROLE_PREFIX'],
];

/** Lower case, starts with a letter, ends with `_`: safe unquoted on every engine, and short enough for `<prefix>admin`. */
const ROLE_PREFIX = /^[a-z][a-z0-9_]{0,18}_$/;

/**
 * Reads each database's `connection` from config.ts and `RDS_IAM_<KEY>_HOST`, `_PORT`, `_LOGIN`, `_USERNAME`, `_SSLMODE`, `_CA_BUNDLE`,
 * `_PROXY`, `_ROLE_PREFIX` for each database the variables winning, so a tunnel needs no edit.
 * Adds every bad value to `problems`, and database keys that would share tier roles on one server.
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
    } else if (c.sslMode === 'verify-ca' && database?.engine !== undefined && engineFamily(database.engine) === 'mysql') {
      problems.add(where, 'sslMode verify-ca is not possible on MySQL: its driver always checks the host name. Use verify-full with the RDS endpoint as host (e.g. through proxy), or require through a tunnel');
    }
    if (c.rolePrefix !== undefined && !ROLE_PREFIX.test(c.rolePrefix)) {
      problems.add(where, `rolePrefix ${show(c.rolePrefix)} must be lower-case letters, digits and _, start with a letter and end with _ (at most 20 characters), e.g. "orders_"`);
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
  refuseSharedTierRoles(databases, result, problems);
  return result;
}

/**
 * Tier roles are server-wide: two database keys whose users stacks reach the same host and
 * port would fight over `iam_read`… Only an overridden host can coincide (each created
 * database is its own server).
 */
function refuseSharedTierRoles(
  databases: Readonly<Record<string, DatabaseConfig>>,
  connections: Readonly<Record<string, ConnectionOverrides>>,
  problems: Problems,
): void {
  const seen = new Map<string, string>();
  for (const [key, c] of sortedEntries(connections)) {
    const engine = databases[key]?.engine;
    if (c.host === undefined || engine === undefined) continue;
    const server = `${c.host.toLowerCase()}:${c.port ?? ENGINE_PORTS[engineFamily(engine)]}`;
    const prefix = c.rolePrefix ?? DEFAULT_TIER_ROLE_PREFIX;
    const other = seen.get(`${server} ${prefix}`);
    if (other !== undefined) {
      problems.add(
        `databases.${key}.connection (or ${envPrefix(key)}*)`,
        `reaches the same server as ${other} (${server}) with the same tier roles ${prefix}read/write/admin; ` +
          `give one of them its own rolePrefix (${envPrefix(key)}ROLE_PREFIX=${key.toLowerCase().replace(/[^a-z0-9]/g, '_')}_)`,
      );
    } else {
      seen.set(`${server} ${prefix}`, key);
    }
  }
}
