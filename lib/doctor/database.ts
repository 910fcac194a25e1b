/**
 * The fourth link: the database itself. The endpoint must answer, its certificate verify
 * against the CA bundle the client will use, the database user exist as an IAM user in its
 * tier (read from the catalog with the users stack's own login when the caller has it, else
 * from the session once logged in), and a real login with a fresh token succeed. Through a
 * proxy or a read replica, the endpoint, TLS and login are that way in's; the catalog is still
 * the database's own, where the users stack keeps its users.
 */
import { tierRoleName } from '../model/tiers';
import type { EngineFamily } from '../model/types';
import type { Link } from './chain';
import type { EntryPoint } from './deploys';
import type { Listed } from './lists';

/** Where the token is signed for and the client connects. */
export interface Endpoint {
  readonly family: EngineFamily;
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
}

/** The IAM users of a database as its catalog has them (lib/audit's snapshot has these fields). */
export interface CatalogView {
  readonly existing: readonly string[];
  readonly canLogin: readonly string[];
  /** PostgreSQL: members of rds_iam; MySQL: users of AWSAuthenticationPlugin. */
  readonly iamUsers: readonly string[];
  /** Tier role → its direct members. */
  readonly tierMembers: Readonly<Record<string, readonly string[]>>;
}

/** What a session can see of itself. */
export interface OwnView {
  /** Roles granted to the session's user directly (PostgreSQL) or applicable to it (MySQL). */
  readonly roles: readonly string[];
}

/** The doctor's reach into the database: each throws an Error whose message the server or Node gave. */
export interface DatabaseProbes {
  /** A TCP connection to the endpoint, closed at once. */
  reach(endpoint: Endpoint): Promise<void>;
  /** The engine's TLS handshake, verifying the certificate chain against `ca` and its name against the host. */
  tls(endpoint: Endpoint, ca: string): Promise<{ readonly subject: string }>;
  /** The catalog with the users stack's login, or why the caller cannot read it. */
  catalog(): Promise<CatalogView | { readonly unreadable: string }>;
  /** A fresh token, signed as the caller link checked. */
  token(): Promise<string>;
  /** Logs in as the user with `token` over verified TLS, reads what the session sees of itself, logs out. */
  login(token: string): Promise<OwnView>;
}

export interface DatabaseRequest {
  readonly listed: Listed;
  readonly database: string;
  /** The endpoint, or why none is known. */
  readonly endpoint: Endpoint | { readonly missing: string };
  /** Path of the CA bundle and its PEM text, or why it cannot be read. */
  readonly ca: { readonly file: string; readonly pem: string } | { readonly file: string; readonly missing: string };
  readonly probes: DatabaseProbes;
  /** The proxy or read replica `endpoint` is, when not the database itself. */
  readonly entryPoint?: Pick<EntryPoint, 'name' | 'label'>;
}

const TLS_FAILURES: readonly [RegExp, string][] = [
  [/ALTNAME|Hostname\/IP does not match|altnames/i, "the certificate is not for this host name (an IP address or a CNAME in --host?)"],
  [/SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY_LEAF|self[- ]signed|unable to get local issuer|unable to verify/i, 'the certificate is not signed by a CA in the bundle'],
  [/CERT_HAS_EXPIRED|expired/i, 'the certificate has expired'],
];

export async function checkDatabase(link: Link, request: DatabaseRequest): Promise<void> {
  const { listed, database, probes } = request;
  const way = request.entryPoint;
  const proxy = way?.name === 'proxy';
  // `pg's proxy`, `pg's replica 2`.
  const named = way ? `${database}'s ${way.label.replace(/^the /, '')}` : database;
  if ('missing' in request.endpoint) {
    return link.fail('endpoint', request.endpoint.missing,
      'pass --outputs <cdktf-outputs.json written by npm run deploy> (or set RDS_IAM_OUTPUTS), or --host <endpoint> [--port N]');
  }
  const endpoint = request.endpoint;
  const at = `${endpoint.host}:${endpoint.port}`;
  try {
    await probes.reach(endpoint);
  } catch (error) {
    link.fail('endpoint', `nothing answers at ${at}${way ? ` (${named})` : ''}: ${(error as Error).message}`, proxy
      // RDS Proxy has no public endpoint at all.
      ? 'an RDS Proxy answers only inside its VPC: run this from there, or through an SSM port-forward to the proxy (docs/connecting.md); check proxy_endpoint in the outputs file'
      : 'check the endpoint and port in the outputs file; from outside the VPC, connect through the VPN the database admits or an SSM port-forward (docs/connecting.md)');
  }
  link.pass('endpoint', `${at} answers${way ? ` (${named})` : ''}`);

  const ca = request.ca;
  if ('missing' in ca) {
    link.fail('tls', `the CA bundle ${ca.file} cannot be read: ${ca.missing}`,
      'leave out --ca and RDS_IAM_CA_BUNDLE to use the RDS CA bundle this project ships, or download AWS\'s (docs/connecting.md)');
  }
  try {
    const { subject } = await probes.tls(endpoint, ca.pem);
    link.pass('tls', `the certificate${subject ? ` for ${subject}` : ''} verifies against ${ca.file}`);
  } catch (error) {
    const message = (error as Error).message;
    const why = TLS_FAILURES.find(([pattern]) => pattern.test(`${(error as NodeJS.ErrnoException).code ?? ''} ${message}`))?.[1];
    link.fail('tls', `TLS does not verify against ${ca.file}: ${why ? `${why} (${message})` : message}`,
      'use the CA that signed the server: for RDS, the bundle this project ships (leave out --ca and RDS_IAM_CA_BUNDLE); ' +
        'for the sandbox, source its env file (RDS_IAM_CA_BUNDLE); connect by the endpoint name, never an address');
  }

  const tier = tierRoleName(listed.tier);
  const catalog = await probes.catalog();
  const redeploy = `apply the users stack (npm run deploy -- users-${database}, by whoever deploys); npm run audit -- ${database} lists every hand change`;
  if ('unreadable' in catalog) {
    link.note(`the catalog was not read before logging in (${catalog.unreadable}); the database user is checked from the session instead`);
  } else {
    const name = listed.name;
    if (!catalog.existing.includes(name)) {
      link.fail('database user', `${database} has no database user ${JSON.stringify(name)} (dropped by hand, or the users stack not applied since the entry merged)`, redeploy);
    }
    if (!catalog.iamUsers.includes(name)) {
      link.fail('database user', endpoint.family === 'postgres'
        ? `${name} is not a member of rds_iam: PostgreSQL asks for a password, never a token`
        : `${name} does not use AWSAuthenticationPlugin: MySQL checks a password, never a token`, redeploy);
    }
    if (!catalog.canLogin.includes(name)) {
      link.fail('database user', `${name} cannot log in (NOLOGIN: the users stack locks expired entries)`, redeploy);
    }
    if (!(catalog.tierMembers[tier] ?? []).includes(name)) {
      link.fail('tier', `${name} is not in ${tier}, the tier ${listed.kind === 'person' ? 'users.ts' : 'services.ts'} gives (revoked by hand?): a login would see nothing`, redeploy);
    }
    link.pass('database user', `${name} exists, ${endpoint.family === 'postgres' ? 'member of rds_iam' : 'with AWSAuthenticationPlugin'}, can log in, in ${tier} (from the catalog)`);
    if (way) {
      link.note(`the database user was read from ${database}'s own catalog: ${proxy
        ? 'the proxy logs in to it as the same user'
        : 'the replica copies it (a user added moments ago may not have reached the replica yet)'}`);
    }
  }

  let token: string;
  try {
    token = await probes.token();
  } catch (error) {
    return link.fail('login', `no token could be signed: ${(error as Error).message}`, 'see the caller link: aws sso login --profile <yours>');
  }
  let own: OwnView;
  try {
    own = await probes.login(token);
  } catch (error) {
    const message = (error as Error).message;
    const userSide = 'unreadable' in catalog
      ? `the database user may be missing or not an IAM user (${endpoint.family === 'postgres' ? 'rds_iam' : 'AWSAuthenticationPlugin'}), or IAM refused the token`
      : 'the database user is in order, so IAM refused the token: the policy in force is not the one this checkout synthesizes, or a boundary or SCP denies it';
    // Through a way in, the same check without it tells the way in from the database.
    const without = way
      ? `; run npm run doctor -- ${database} without --${proxy ? 'proxy' : 'replica'}: if that login works, ${proxy
        ? 'the proxy is what refuses (its own IAM login to the database, its target\'s health: aws rds describe-db-proxy-targets)'
        : 'the replica is what differs (replication behind, or the policy with its id not deployed)'}`
      : '';
    link.fail('login', `a fresh token was refused${way ? ` by ${named}` : ''}: ${message}; ${userSide}`, ('unreadable' in catalog
      ? `ask whoever deploys to run npm run audit -- ${database} (it reads the catalog) and to apply users-${database} and identity-center`
      : 'deploy the identity-center stack (or the services stack) from this checkout; if it is deployed, ask for the IAM errors in CloudTrail (rds-db:connect)') + without);
  }
  if ('unreadable' in catalog) {
    if (!own.roles.includes(tier)) {
      link.fail('tier', `${listed.name} logs in but is not in ${tier}, the tier ${listed.kind === 'person' ? 'users.ts' : 'services.ts'} gives (revoked by hand?): ` +
        `it holds ${own.roles.filter((r) => r !== 'rds_iam').join(', ') || 'no tier role'}`, redeploy);
    }
    link.pass('tier', `${listed.name} is in ${tier} (as the session sees itself)`);
  }
  link.pass('login', `${listed.name} logged in to ${endpoint.dbname}${way ? ` through ${named}` : ''} with a fresh token, over verified TLS`);
}
