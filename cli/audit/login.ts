/**
 * How the audit reaches each database: the users stack's connection settings (config.ts and
 * `RDS_IAM_<KEY>_*`), the deployed endpoint from `cdktf-outputs.json`, and the same login
 * modes (master secret, IAM token, password from the environment), over the same TLS checks.
 */
import * as fs from 'fs';
import type { ConnectionOptions } from 'tls';
import type * as mysql from 'mysql2/promise';
import type { Sql } from '../../lib/audit/catalog';
import { envPrefix, loginOf } from '../../lib/model/connection';
import { DATABASE_DEFAULTS, ENGINE_PORTS, PRIVILEGED_PG_OPTIONS } from '../../lib/model/defaults';
import { EngineFamily, engineFamily, isExisting } from '../../lib/model/types';
import { rdsCaBundleFile } from '../../lib/tls/rds-ca-bundle';
import { parsePort } from '../../lib/validation/host';
import type { ValidInputs } from '../../lib/validation/inputs';
import { CommandError } from '../shared/command';
import type { StackOutputs } from '../shared/outputs';

/** Seconds to wait for a server before calling it unreachable. */
export const CONNECT_TIMEOUT_SECONDS = 10;

/** Why a database could not be audited: exit code 2. */
export class CannotConnect extends CommandError {}

export interface DatabaseLogin {
  readonly key: string;
  readonly family: EngineFamily;
  readonly host: string;
  readonly port: number;
  /** The region an `iam` login's token is signed for: the database's, or its replicas' environment's. @default - not signed here */
  readonly region?: string;
  readonly database: string;
  /** Who the audit logs in as: the users stack's login user. */
  readonly user: string;
  /** The database's master user (a project login, never a finding). */
  readonly masterUser: string;
  /** Reads or signs the password only when connecting. */
  readonly password: () => Promise<string>;
  readonly tls: ConnectionOptions;
}

/** An open session the audit runs SQL in. */
export interface OpenDatabase {
  readonly sql: Sql;
  /** Identifier quoting of the driver (PostgreSQL). */
  readonly quote: (identifier: string) => string;
  close(): Promise<void>;
}

/** Where one server of database `key` is: the database itself, or one of its read replicas. */
interface Target {
  readonly host: string | undefined;
  readonly port: number;
  /** What to say when `host` is unknown. */
  readonly noHost: string;
  /** The region a token is signed for (the master secret is the database's, in its own region). */
  readonly region: string;
}

/** The login for database `key`, or CannotConnect saying what is missing. */
export function loginFor(key: string, inputs: ValidInputs, outputs: StackOutputs | undefined, env: NodeJS.ProcessEnv): DatabaseLogin {
  const database = inputs.config.databases[key];
  const c = inputs.connections[key] ?? {};
  const deployed = outputs?.[`database-${key}`] ?? {};
  const endpoint = typeof deployed.endpoint === 'string' ? deployed.endpoint : undefined;
  return login(key, inputs, outputs, env, {
    host: c.host ?? endpoint,
    port: c.port ?? parsePort(deployed.port) ?? ENGINE_PORTS[engineFamily(database.engine)],
    noHost: `no endpoint known: set ${envPrefix(key)}HOST (and _PORT, _SSLMODE) or pass --outputs <cdktf-outputs.json written by npm run deploy>`,
    region: inputs.config.environments[database.environment].region,
  });
}

/** Read replica `n` (1-based) of a database: `replica-<n>`, as its entry point is named elsewhere (`<key>/replica-<n>`). */
export const replicaName = (n: number): string => `replica-${n}`;

/** One read replica's login, or why there is none (the replica then counts as unreachable). */
export type ReplicaLogin = { readonly name: string } & ({ readonly login: DatabaseLogin } | { readonly error: string });

/**
 * The logins of database `key`'s read replicas (config.ts `replicas`), replica 1 first: the
 * database's login mode, user and TLS checks, at each `replica_endpoints` host of the outputs on
 * the database's `port` (the `_HOST`/`_PORT` overrides are the database's own way in, a
 * port-forward, say), a token signed for the replicas' region. None for a database without replicas.
 */
export function replicaLoginsFor(key: string, inputs: ValidInputs, outputs: StackOutputs | undefined, env: NodeJS.ProcessEnv): readonly ReplicaLogin[] {
  const database = inputs.config.databases[key];
  const replicas = isExisting(database) ? undefined : database.replicas;
  if (replicas === undefined) return [];
  const deployed = outputs?.[`database-${key}`] ?? {};
  const endpoints: readonly unknown[] = Array.isArray(deployed.replica_endpoints) ? deployed.replica_endpoints : [];
  return Array.from({ length: replicas.count }, (_, i): ReplicaLogin => {
    const name = replicaName(i + 1);
    const host = endpoints[i];
    try {
      return {
        name,
        login: login(key, inputs, outputs, env, {
          host: typeof host === 'string' && host !== '' ? host : undefined,
          port: parsePort(deployed.port) ?? ENGINE_PORTS[engineFamily(database.engine)],
          noHost: `no endpoint known for ${name}: pass --outputs <cdktf-outputs.json written by npm run deploy> (its replica_endpoints)`,
          region: inputs.config.environments[replicas.environment ?? database.environment].region,
        }),
      };
    } catch (error) {
      if (!(error instanceof CannotConnect)) throw error;
      return { name, error: error.message };
    }
  });
}

/** The login to one server of database `key`, as the users stack logs in to the database. */
function login(key: string, inputs: ValidInputs, outputs: StackOutputs | undefined, env: NodeJS.ProcessEnv, target: Target): DatabaseLogin {
  const database = inputs.config.databases[key];
  const c = inputs.connections[key] ?? {};
  const family = engineFamily(database.engine);
  const deployed = outputs?.[`database-${key}`] ?? {};
  if (c.proxy !== undefined) {
    throw new CannotConnect(`connection.proxy is for the MySQL provider; the audit does not go through it: open a port-forward and set ${envPrefix(key)}HOST (and _PORT, _SSLMODE) or pass --outputs <cdktf-outputs.json written by npm run deploy>`);
  }
  const { host, port, region } = target;
  if (host === undefined) throw new CannotConnect(target.noHost);
  const masterUser = database.masterUsername ?? DATABASE_DEFAULTS.masterUsername;
  const user = c.username ?? masterUser;
  const home = inputs.config.environments[database.environment].region;
  const mode = loginOf(c);
  const password = async (): Promise<string> => {
    if (mode === 'password') {
      const variable = family === 'postgres' ? 'PGPASSWORD' : 'MYSQL_PASSWORD';
      const value = env[variable];
      if (!value) throw new CannotConnect(`login is password but ${variable} is not set`);
      return value;
    }
    if (mode === 'iam') {
      const { Signer } = await import('@aws-sdk/rds-signer');
      return new Signer({ hostname: host, port, region, username: user }).getAuthToken();
    }
    const secretArn = typeof deployed.master_secret_arn === 'string' ? deployed.master_secret_arn : undefined;
    if (!secretArn) throw new CannotConnect(`login is master-secret but no master_secret_arn is known: pass --outputs <cdktf-outputs.json written by npm run deploy>`);
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const secret = await new SecretsManagerClient({ region: home }).send(new GetSecretValueCommand({ SecretId: secretArn }));
    return (JSON.parse(secret.SecretString ?? '{}') as { password?: string }).password ?? '';
  };
  const sslMode = c.sslMode ?? 'verify-full';
  const tls: ConnectionOptions = sslMode === 'require'
    ? { rejectUnauthorized: false }
    : {
      ca: fs.readFileSync(c.caBundle ?? rdsCaBundleFile(), 'utf8'),
      rejectUnauthorized: true,
      // verify-ca: the chain, not the name (a tunnel address never matches the certificate).
      ...(sslMode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
    };
  return { key, family, host, port, region, database: database.databaseName, user, masterUser, password, tls };
}

/** Connects with `login`; any failure becomes CannotConnect with the driver's reason. */
export async function openDatabase(login: DatabaseLogin): Promise<OpenDatabase> {
  try {
    const password = await login.password();
    // Each driver is loaded when its engine is audited.
    if (login.family === 'postgres') {
      const { Client, escapeIdentifier } = await import('pg');
      const client = new Client({
        host: login.host, port: login.port, database: login.database, user: login.user, password, ssl: login.tls,
        connectionTimeoutMillis: CONNECT_TIMEOUT_SECONDS * 1000, application_name: 'rds-iam-access audit',
        // As the master: nothing a tier created may answer for a built-in (see PRIVILEGED_PG_OPTIONS).
        options: PRIVILEGED_PG_OPTIONS,
      });
      client.on('error', () => undefined); // a server going away mid-audit fails the query instead
      await client.connect();
      return {
        sql: { query: async (text, params) => (await client.query(text, params as unknown[] | undefined)).rows },
        quote: escapeIdentifier,
        close: () => client.end(),
      };
    }
    const { createConnection, escapeId } = await import('mysql2/promise');
    const connection = await createConnection({
      host: login.host, port: login.port, database: login.database, user: login.user, password, ssl: login.tls as mysql.SslOptions,
      connectTimeout: CONNECT_TIMEOUT_SECONDS * 1000,
      // The token goes in clear text inside TLS, as RDS asks of IAM logins.
      authPlugins: { mysql_clear_password: () => () => Buffer.from(`${password}\0`) },
    });
    return {
      sql: { query: async (text, params) => (await connection.query(text, params as unknown[] | undefined))[0] as Record<string, unknown>[] },
      quote: (identifier) => escapeId(identifier),
      close: () => connection.end(),
    };
  } catch (error) {
    if (error instanceof CannotConnect) throw error;
    throw new CannotConnect(`${login.user}@${login.host}:${login.port}: ${(error as Error).message}`);
  }
}
