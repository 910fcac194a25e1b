/**
 * Which way into a database `--proxy` and `--replica <n>` ask for, for connect and doctor
 * alike: its RDS Proxy or one of its read replicas, with what the outputs file knows of it.
 */
import { DatabaseConfig, isAurora, isExisting } from '../../lib/model/types';

/** The flags that choose a way in. */
export interface EntryPointRequest {
  readonly database: string;
  /** Aurora's reader endpoint: not another way in here, but it excludes the others. */
  readonly reader?: boolean;
  readonly proxy?: boolean;
  /** 1-based. */
  readonly replica?: number;
}

/** A way in other than the database's own endpoint. */
export interface OtherWayIn {
  /** `proxy` or `replica-<n>`: the suffix of its id in entryPointIds (lib/terraform/interpolate.ts). */
  readonly name: 'proxy' | `replica-${number}`;
  /** For messages: `the proxy`, `replica 2`. */
  readonly label: string;
  /** Its endpoint in the outputs (`proxy_endpoint`, `replica_endpoints`); undefined until deployed. */
  readonly host?: string;
  /** Its resource id in the outputs (`proxy_resource_id`, `replica_resource_ids`): `prx-…`, `db-…`. */
  readonly resourceId?: string;
  /** The environment config.ts puts a replica in, when not the database's own. */
  readonly environment?: string;
}

/**
 * `--proxy` or `--replica <n>` checked against config.ts, with the endpoint and resource id from
 * the database's outputs (`deployed`); undefined when neither was asked for. A flag the
 * database has no way in for is an error made by `fail`, ending in `<retry> without --proxy`.
 */
export function otherWayIn(
  request: EntryPointRequest,
  database: DatabaseConfig,
  deployed: Readonly<Record<string, unknown>>,
  fail: (message: string) => Error,
  retry = 'connect',
): OtherWayIn | undefined {
  if (request.proxy && (request.reader || request.replica !== undefined)) throw fail('Choose one of --proxy, --reader and --replica.');
  if (request.proxy) {
    if (database.proxy === undefined) throw fail(`${request.database} has no proxy in config.ts (proxy: {} creates one); ${retry} without --proxy.`);
    return { name: 'proxy', label: 'the proxy', host: text(deployed.proxy_endpoint), resourceId: text(deployed.proxy_resource_id) };
  }
  if (request.replica === undefined) return undefined;
  if (request.reader) throw fail('Choose one of --reader and --replica.');
  const replicas = isExisting(database) ? undefined : database.replicas;
  if (!replicas) {
    throw fail(`${request.database} has no read replicas in config.ts${isAurora(database.engine) ? ' (Aurora: use --reader)' : ''}; ${retry} without --replica.`);
  }
  const n = request.replica;
  if (!Number.isInteger(n) || n < 1 || n > replicas.count) {
    throw fail(`--replica ${n} is not a replica of ${request.database}: it has ${replicas.count} (--replica 1${replicas.count > 1 ? ` to ${replicas.count}` : ''}).`);
  }
  return {
    name: `replica-${n}`,
    label: `replica ${n}`,
    host: nth(deployed.replica_endpoints, n),
    resourceId: nth(deployed.replica_resource_ids, n),
    ...(replicas.environment !== undefined ? { environment: replicas.environment } : {}),
  };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Item `n` (1-based) of an output list, when it is a string. */
const nth = (list: unknown, n: number): string | undefined => (Array.isArray(list) ? text(list[n - 1]) : undefined);
