/**
 * The sandbox's one login checker, for PostgreSQL (through PAM) and MariaDB (through the
 * AWSAuthenticationPlugin stand-in) alike: accepts a login to an IAM database user only when
 * RDS would. Each refusal names the check that failed.
 */
import { IdentityPolicy, simulateConnect } from '../shared/iam-simulation';
import { parseToken, signatureMatches } from './token';

/** A sandbox database as RDS knows it: the endpoint tokens are signed for and its resource id. */
export interface SandboxDatabase {
  readonly host: string;
  readonly port: number;
  readonly region: string;
  readonly account: string;
  /** `db-…` for an instance, `cluster-…` for an Aurora cluster. */
  readonly resourceId: string;
}

/** An emulated IAM principal: an Identity Center permission-set session, or a service's role session. */
export interface SandboxPrincipal {
  /** The role the session is of (`AWSReservedSSO_<set>_<id>`, or the service's role). */
  readonly role: string;
  readonly session: string;
  /** The account STS names as the caller's (the first of its databases'). */
  readonly account: string;
  /** Session tags: `aws:PrincipalTag/<key>` in policies. */
  readonly tags: Readonly<Record<string, string>>;
  /** The identity policies in force, with every Terraform reference resolved. */
  readonly policies: readonly IdentityPolicy[];
}

/** What the checker knows: written by the sandbox at each apply, read at each login. */
export interface CheckerState {
  readonly databases: Readonly<Record<string, SandboxDatabase>>;
  /** Person or service name → principal. */
  readonly principals: Readonly<Record<string, SandboxPrincipal>>;
  /** Access key id → its secret and the principal it belongs to. */
  readonly keys: Readonly<Record<string, { readonly secretAccessKey: string; readonly principal: string }>>;
}

/** One login to an IAM database user, as the server saw it. */
export interface Login {
  /** The database key of the server the login reached. */
  readonly database: string;
  readonly user: string;
  /** The password the client sent; absent when the server never asked for one (plain TCP). */
  readonly token?: string;
  readonly transport: 'tls' | 'tcp';
}

/** Which check refused a login, in the order they are made. */
export type Check = 'transport' | 'database' | 'format' | 'key' | 'signature' | 'expiry' | 'user' | 'endpoint' | 'policy';

export type Verdict =
  | { readonly accepted: true; readonly principal: string }
  | { readonly accepted: false; readonly check: Check; readonly detail: string; readonly principal?: string };

/** How far ahead of the checker's clock a signing time may be (clients' clocks drift). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** The ARN a principal has in `account`. */
export function principalArn(principal: SandboxPrincipal, account: string): string {
  return `arn:aws:sts::${account}:assumed-role/${principal.role}/${principal.session}`;
}

/** The resource `rds-db:connect` is asked for. */
export function dbuserArn(database: SandboxDatabase, user: string): string {
  return `arn:aws:rds-db:${database.region}:${database.account}:dbuser:${database.resourceId}/${user}`;
}

/** The checks RDS makes of an IAM login, in order; `now` is injectable for tests. */
export async function checkLogin(login: Login, state: CheckerState, now: Date): Promise<Verdict> {
  const refuse = (check: Check, detail: string, principal?: string): Verdict => ({ accepted: false, check, detail, ...(principal ? { principal } : {}) });
  if (login.transport !== 'tls') return refuse('transport', 'plain TCP: IAM logins need TLS (the token was never asked for)');
  const database = Object.prototype.hasOwnProperty.call(state.databases, login.database) ? state.databases[login.database] : undefined;
  if (!database) return refuse('database', `no sandbox database ${JSON.stringify(login.database)}`);
  const token = parseToken(login.token ?? '');
  if ('malformed' in token) return refuse('format', `not an RDS IAM token: ${token.malformed}`);
  const key = Object.prototype.hasOwnProperty.call(state.keys, token.accessKeyId) ? state.keys[token.accessKeyId] : undefined;
  if (!key) return refuse('key', `access key ${token.accessKeyId} is unknown`);
  const name = key.principal;
  if (!(await signatureMatches(token, { accessKeyId: token.accessKeyId, secretAccessKey: key.secretAccessKey }))) {
    return refuse('signature', `signature does not match access key ${token.accessKeyId}`, name);
  }
  const signedAt = token.signedAt.getTime();
  const until = signedAt + token.expiresSeconds * 1000;
  if (now.getTime() > until) return refuse('expiry', `expired at ${new Date(until).toISOString()} (signed ${token.signedAt.toISOString()})`, name);
  if (signedAt > now.getTime() + CLOCK_SKEW_MS) return refuse('expiry', `signed in the future (${token.signedAt.toISOString()})`, name);
  if (token.dbUser !== login.user) return refuse('user', `signed for DB user ${JSON.stringify(token.dbUser)}, login as ${JSON.stringify(login.user)}`, name);
  if (token.host !== database.host || token.port !== database.port || token.region !== database.region) {
    return refuse('endpoint', `signed for ${token.host}:${token.port} in ${token.region}, the database is ${database.host}:${database.port} in ${database.region}`, name);
  }
  const principal = state.principals[name];
  const resource = dbuserArn(database, login.user);
  const decision = principal
    ? await simulateConnect({ principalArn: principalArn(principal, database.account), account: database.account, resource, tags: principal.tags, policies: principal.policies })
    : 'no principal';
  if (decision !== 'Allowed') return refuse('policy', `rds-db:connect on ${resource}: ${decision}`, name);
  return { accepted: true, principal: name };
}

/** The one log line a verdict gets: what was tried, and for a refusal which check failed. Names are JSON-quoted: they come from clients. */
export function verdictLine(login: Login, verdict: Verdict, now: Date): string {
  const who = `database=${login.database} user=${JSON.stringify(login.user)}`;
  if (verdict.accepted) return `${now.toISOString()} accepted ${who} principal=${JSON.stringify(verdict.principal)}`;
  const principal = verdict.principal ? ` principal=${JSON.stringify(verdict.principal)}` : '';
  return `${now.toISOString()} refused ${who}${principal} check=${verdict.check}: ${verdict.detail}`;
}
