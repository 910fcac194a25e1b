import { ConnectionOverrides, envPrefix, LOGIN_MODES } from '../model/connection';
import { ENGINE_PORTS } from '../model/defaults';
import { sortedEntries } from '../model/order';
import type { DatabaseConfig } from '../model/types';
import { engineFamily } from '../model/types';
import { type Problems, show } from './problems';

const SSL_MODES = ['require', 'verify-ca', 'verify-full'];

const ENV_FIELDS: ReadonlyArray<[keyof ConnectionOverrides, string]> = [
  ['host', 'HOST'], ['port', 'PORT'], ['login', 'LOGIN'], ['username', 'USERNAME'],
  ['sslMode', 'SSLMODE'], ['caBundle', 'CA_BUNDLE'], ['proxy', 'PROXY'],
];

/**
 * Reads each database's `connection` from config.ts and `RDS_IAM_<KEY>_HOST`, `_PORT`, `_LOGIN`, `_USERNAME`, `_SSLMODE`, `_CA_BUNDLE`,
 * `_PROXY` for each database the variables winning, so a tunnel needs no edit.
 * Adds every bad value to `problems`, and database keys that would share one server.
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
  refuseSharedServers(databases, result, problems);
  return result;
}

/**
 * Roles and users are server-wide (`iam_read`, `jane.doe`), so two users stacks on one server
 * would each claim them. Only an overridden host can coincide: each created database is its
 * own server.
 */
function refuseSharedServers(
  databases: Readonly<Record<string, DatabaseConfig>>,
  connections: Readonly<Record<string, ConnectionOverrides>>,
  problems: Problems,
): void {
  const seen = new Map<string, string>();
  for (const [key, c] of sortedEntries(connections)) {
    const engine = databases[key]?.engine;
    if (c.host === undefined || engine === undefined) continue;
    const server = `${c.host.toLowerCase()}:${c.port ?? ENGINE_PORTS[engineFamily(engine)]}`;
    const other = seen.get(server);
    if (other === undefined) {
      seen.set(server, key);
    } else {
      problems.add(
        `databases.${key}.connection (or ${envPrefix(key)}*)`,
        `reaches the same server as ${other} (${server}); tier roles and database users are server-wide, so both users stacks ` +
          `would manage the same ones. Give each database key its own server (host/port), or list further ` +
          `${engineFamily(engine) === 'postgres' ? 'schemas' : 'databases'} under one key's schemas`,
      );
    }
  }
}
