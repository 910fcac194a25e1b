/**
 * The sandbox's one login checker, for PostgreSQL (through its LDAP endpoint, ldap.ts) and
 * MariaDB (through the AWSAuthenticationPlugin stand-in) alike: accepts a login to an IAM
 * database user only when RDS would. Each refusal names the check that failed.
 */
import { timingSafeEqual } from 'crypto';
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

/** Temporary credentials the sandbox's STS issued (sts.ts `issueSession`), as it recorded them. */
export interface SandboxSession {
  /** The person or service name the session is of. */
  readonly principal: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** When the credentials stop working (ISO 8601), as a session's do. */
  readonly expiration: string;
}

/** What the checker knows: written by the sandbox at each apply, read at each login. */
export interface CheckerState {
  readonly databases: Readonly<Record<string, SandboxDatabase>>;
  /** Person or service name → principal. */
  readonly principals: Readonly<Record<string, SandboxPrincipal>>;
  /**
   * Temporary access key id (`ASIA…`) → the session it belongs to. There are no long-term keys:
   * people (Identity Center) and services (roles) only ever hold sessions.
   */
  readonly sessions: Readonly<Record<string, SandboxSession>>;
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
export type Check = 'transport' | 'database' | 'format' | 'key' | 'session' | 'signature' | 'expiry' | 'user' | 'endpoint' | 'policy';

export type Verdict =
  | { readonly accepted: true; readonly principal: string }
  | { readonly accepted: false; readonly check: Check; readonly detail: string; readonly principal?: string };

/**
 * How far ahead of the checker's clock a token's `X-Amz-Date` may be: 60 seconds. The sandbox's
 * clients sign on the same machine (one clock), so this covers only a client in a VM or container
 * with a drifting clock, and stretches a token's life to at most 16 minutes.
 */
export const CLOCK_SKEW_MS = 60_000;

/** Whether `given` is the session's token, in constant time. */
export function sessionTokenMatches(given: string, session: SandboxSession): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(session.sessionToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

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
  // AWS's key ids say what they are: AKIA a long-term key (no session), ASIA a session's.
  if (token.accessKeyId.startsWith('AKIA') && token.sessionToken !== undefined) {
    return refuse('session', `long-term key ${token.accessKeyId} carries a session token; long-term keys have none`);
  }
  const session = Object.prototype.hasOwnProperty.call(state.sessions, token.accessKeyId) ? state.sessions[token.accessKeyId] : undefined;
  if (!session) return refuse('key', `access key ${token.accessKeyId} is unknown`);
  const name = session.principal;
  if (token.sessionToken === undefined) return refuse('session', `temporary key ${token.accessKeyId} without its session token`, name);
  if (!sessionTokenMatches(token.sessionToken, session)) {
    return refuse('session', `the session token is not the one issued with ${token.accessKeyId}`, name);
  }
  if (!(await signatureMatches(token, { accessKeyId: token.accessKeyId, secretAccessKey: session.secretAccessKey }))) {
    return refuse('signature', `signature does not match access key ${token.accessKeyId}`, name);
  }
  if (now.getTime() >= Date.parse(session.expiration)) return refuse('session', `the credentials of ${token.accessKeyId} expired at ${session.expiration}`, name);
  const signedAt = token.signedAt.getTime();
  const until = signedAt + token.expiresSeconds * 1000;
  if (now.getTime() > until) return refuse('expiry', `expired at ${new Date(until).toISOString()} (signed ${token.signedAt.toISOString()})`, name);
  if (signedAt > now.getTime() + CLOCK_SKEW_MS) {
    return refuse('expiry', `signed in the future (${token.signedAt.toISOString()}), more than ${CLOCK_SKEW_MS / 1000} s ahead`, name);
  }
  if (token.dbUser !== login.user) return refuse('user', `signed for DB user ${JSON.stringify(token.dbUser)}, login as ${JSON.stringify(login.user)}`, name);
  // The endpoint as written, character for character: RDS's host header is a name, not an address.
  if (token.host !== database.host || token.portText !== String(database.port) || token.region !== database.region) {
    return refuse('endpoint', `signed for ${token.host}:${token.portText} in ${token.region}, the database is ${database.host}:${database.port} in ${database.region}`, name);
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
  const who = `database=${cut(login.database)} user=${cut(JSON.stringify(login.user))}`;
  if (verdict.accepted) return `${now.toISOString()} accepted ${who} principal=${JSON.stringify(verdict.principal)}`;
  const principal = verdict.principal ? ` principal=${cut(JSON.stringify(verdict.principal))}` : '';
  return `${now.toISOString()} refused ${who}${principal} check=${verdict.check}: ${cut(verdict.detail, LOG_DETAIL_LIMIT)}`;
}

/** Characters of a logged name, and of a refusal's detail: anyone who can reach the ports can make a login, and a log line must not grow with what they send. */
const LOG_NAME_LIMIT = 200;
const LOG_DETAIL_LIMIT = 1000;
const cut = (text: string, limit = LOG_NAME_LIMIT) => (text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} characters)`);
