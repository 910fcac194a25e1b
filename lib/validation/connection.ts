import { ConnectionOverrides, envPrefix, LOGIN_MODES } from '../model/connection';
import { DATABASE_DEFAULTS, ENGINE_PORTS } from '../model/defaults';
import { sortedEntries } from '../model/order';
import type { DatabaseConfig, EngineFamily } from '../model/types';
import { engineFamily, ENGINES } from '../model/types';
import { isHost, parsePort } from './host';
import { type Problems, show } from './problems';

const SSL_MODES = ['require', 'verify-ca', 'verify-full'];

const ENV_FIELDS: ReadonlyArray<[keyof ConnectionOverrides, string]> = [
  ['host', 'HOST'], ['port', 'PORT'], ['login', 'LOGIN'], ['username', 'USERNAME'],
  ['sslMode', 'SSLMODE'], ['caBundle', 'CA_BUNDLE'], ['proxy', 'PROXY'],
];

/**
 * Reads each database's `connection` from config.ts and `RDS_IAM_<KEY>_HOST`, `_PORT`, `_LOGIN`, `_USERNAME`, `_SSLMODE`, `_CA_BUNDLE`,
 * `_PROXY` for each database the variables winning, so a tunnel needs no edit; `_USERNAME` may
 * only repeat the `connection.username` config.ts declares.
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
    const declaredUsername = database?.connection?.username;
    const envUsername = env[`${envPrefix(key)}USERNAME`];
    // Review sees config.ts, never the runner's environment: a login name it does not know
    // could be granted to a person in users.ts, and would only fail on the runner. The master
    // user's name is in config.ts (or the default) and reserved already.
    const known = [declaredUsername, database?.masterUsername ?? DATABASE_DEFAULTS.masterUsername];
    if (envUsername !== undefined && envUsername !== '' && !known.includes(envUsername)) {
      problems.add(
        `${envPrefix(key)}USERNAME`,
        `login name ${show(envUsername)} is not declared in config.ts; set databases.${key}.connection.username to ${show(envUsername)} ` +
          '(the variable may only repeat it), so review refuses anyone who would be granted that user',
      );
    }
    for (const [field, suffix] of ENV_FIELDS) {
      const value = env[envPrefix(key) + suffix];
      if (value !== undefined && value !== '') merged[field] = field === 'port' && /^\d+$/.test(value) ? Number(value) : value;
    }
    const where = `databases.${key}.connection (or ${envPrefix(key)}*)`;
    const c = merged as ConnectionOverrides;
    if (c.port !== undefined && parsePort(c.port) === undefined) {
      problems.add(where, `port ${show(c.port)} must be a whole number from 1 to 65535`);
    }
    if (c.login !== undefined && !LOGIN_MODES.includes(c.login)) {
      problems.add(where, `login ${show(c.login)} must be one of ${LOGIN_MODES.join(', ')}`);
    }
    const family = database?.engine !== undefined && ENGINES.includes(database.engine) ? engineFamily(database.engine) : undefined;
    if (c.sslMode !== undefined && !SSL_MODES.includes(c.sslMode)) {
      problems.add(where, `sslMode ${show(c.sslMode)} must be one of ${SSL_MODES.join(', ')} (TLS cannot be turned off)`);
    } else if (c.sslMode === 'verify-ca' && family === 'mysql') {
      problems.add(where, 'sslMode verify-ca is not possible on MySQL: its driver always checks the host name. Keep verify-full and reach the RDS endpoint by name through proxy, or opt out with require (encrypted, unverified) through a tunnel');
    } else if (c.sslMode === undefined && c.host !== undefined) {
      problems.add(where, tunnelTlsProblem(family));
    }
    if (c.caBundle !== undefined && (typeof c.caBundle !== 'string' || c.caBundle === '' || /[\p{Cc}]/u.test(c.caBundle))) {
      problems.add(where, `caBundle ${show(c.caBundle)} must be the path of a PEM file`);
    }
    if (c.proxy !== undefined && family !== undefined && family !== 'mysql') {
      problems.add(where, 'proxy is supported by the MySQL provider only; for PostgreSQL set ALL_PROXY=socks5://host:port in the environment that runs Terraform, or use an SSM port-forward and host/port');
    } else if (c.proxy !== undefined) {
      const problem = proxyProblem(c.proxy);
      if (problem) problems.add(where, `proxy ${redactedProxy(c.proxy)} ${problem}`);
    }
    if (c.host !== undefined && !isHost(c.host)) {
      problems.add(where, `host ${show(c.host)} is not a host name or IP address`);
    }
    if (c.username !== undefined && !/^[A-Za-z_][A-Za-z0-9_.@-]{0,62}$/.test(String(c.username))) {
      problems.add(where, `username ${show(c.username)} must be a database user name: letters, digits and _ . @ -, starting with a letter or _`);
    }
    if (c.login === 'iam' && c.host !== undefined) {
      problems.add(
        where,
        'login iam signs the token for the host it connects to, so through host (a tunnel) RDS would refuse it. Reach the RDS endpoint by name instead: ' +
          (family === 'mysql' ? 'set proxy' : 'set ALL_PROXY=socks5://host:port for Terraform') + ' and leave host unset',
      );
    }
    result[key] = c;
  }
  refuseSharedServers(databases, result, problems);
  return result;
}

/**
 * A tunnel address can never match the name in the RDS certificate, so verify-full fails
 * there; which weaker mode is acceptable is the platform engineer's call, made explicitly.
 */
function tunnelTlsProblem(family: EngineFamily | undefined): string {
  const base = 'host is set (a tunnel?) but sslMode is not: the RDS certificate names the endpoint, not this host, so the default verify-full would fail. ';
  return family === 'mysql'
    ? `${base}Keep verification by leaving host unset and setting proxy (socks5://…), or opt out explicitly with sslMode 'require' (encrypted, server not verified)`
    : `${base}Set sslMode 'verify-ca' (the RDS CA is still checked, the host name is not), or keep verify-full by leaving host unset and setting ALL_PROXY=socks5://… for Terraform`;
}

/** Why a proxy URL cannot be written into the synthesized stack, or undefined when it can. */
function proxyProblem(proxy: string): string | undefined {
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    return 'must look like socks5://host:port';
  }
  if (url.username !== '' || url.password !== '') {
    return 'carries credentials, which would be written into cdktf.out; leave proxy unset and export ALL_PROXY with the credentials where Terraform runs (the provider reads it)';
  }
  // Scheme, host and a port, nothing else: the provider's own check allows a path after the port.
  if (!/^(socks5h?|https?):\/\/[A-Za-z0-9.:[\]-]+:\d+\/?$/.test(proxy)) {
    return 'must look like socks5://host:port (or socks5h, http, https), with nothing after the port';
  }
  return undefined;
}

/** The proxy URL for a message, without its password. */
function redactedProxy(proxy: string): string {
  return show(proxy.replace(/\/\/([^/@]*)@/, (_, user: string) => `//${user.split(':')[0]}:<redacted>@`));
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
