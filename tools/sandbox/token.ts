/**
 * An RDS IAM auth token, read and verified the way RDS does: a SigV4 presigned `connect`
 * request for service `rds-db`, its signature recomputed with the signing library the AWS SDK
 * itself uses (`@smithy/signature-v4`), never by hand.
 */
import { timingSafeEqual } from 'crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

/** The longest validity a token may claim: RDS tokens last 15 minutes. */
export const MAX_TOKEN_SECONDS = 900;

/** What a well-formed token says. */
export interface ParsedToken {
  /** The host exactly as the token spells it (never normalized: `0x7f.1` stays `0x7f.1`). */
  readonly host: string;
  readonly port: number;
  /** The port exactly as the token spells it (`05432` is not `5432`). */
  readonly portText: string;
  readonly dbUser: string;
  readonly accessKeyId: string;
  readonly region: string;
  /** `X-Amz-Date` as an instant. */
  readonly signedAt: Date;
  readonly expiresSeconds: number;
  readonly signature: string;
  readonly sessionToken?: string;
}

export interface SigningKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials' session token: signed into the token as `X-Amz-Security-Token`. */
  readonly sessionToken?: string;
}

/** The query parameters a presigned `connect` request has, and no others. */
const REQUIRED = ['Action', 'DBUser', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];
const OPTIONAL = ['X-Amz-Security-Token'];
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** `X-Amz-Date` (`yyyymmddThhmmssZ`, tokens and signed requests alike) as an instant; undefined unless it is a real one. */
export function parseAmzDate(text: string): Date | undefined {
  const m = AMZ_DATE.exec(text);
  if (!m) return undefined;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  // Date.UTC rolls 20261341 over into the next year; a real instant writes back the same.
  return at.toISOString().replace(/[-:]|\.\d{3}/g, '') === text ? at : undefined;
}

/** The token's fields, or why it is not a presigned RDS `connect` request. */
export function parseToken(token: string): ParsedToken | { malformed: string } {
  // The host and port as written: URL would turn 0x7f.1, 127.1 and 2130706433 into 127.0.0.1.
  const authority = /^([^/?#@\s]+):(\d{1,5})\/\?/.exec(token);
  if (!authority) return { malformed: 'not host:port/?query' };
  let url: URL;
  try {
    url = new URL(`https://${token}`);
  } catch {
    return { malformed: 'not host:port/?query' };
  }
  if (url.pathname !== '/' || url.username || url.password || url.hash) return { malformed: 'not host:port/?query' };
  // URL drops a scheme's default port (443): the authority keeps it.
  const port = Number(authority[2]);
  if (port < 1 || port > 65535) return { malformed: 'no port after the host' };
  const params = url.searchParams;
  const names = [...params.keys()];
  const unknown = names.filter((n) => !REQUIRED.includes(n) && !OPTIONAL.includes(n));
  if (unknown.length > 0) return { malformed: `unexpected parameter ${unknown[0]}` };
  const missing = REQUIRED.filter((n) => !params.has(n));
  if (missing.length > 0) return { malformed: `missing ${missing.join(', ')}` };
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) return { malformed: `${repeated} given twice` };
  const value = (name: string) => params.get(name) as string;
  if (value('Action') !== 'connect') return { malformed: `Action is ${JSON.stringify(value('Action'))}, not connect` };
  if (value('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return { malformed: 'algorithm is not AWS4-HMAC-SHA256' };
  if (value('X-Amz-SignedHeaders') !== 'host') return { malformed: 'signed headers are not exactly host' };
  const scope = value('X-Amz-Credential').split('/');
  const signedAt = parseAmzDate(value('X-Amz-Date'));
  if (!signedAt) return { malformed: 'X-Amz-Date is not yyyymmddThhmmssZ' };
  if (scope.length !== 5 || scope[4] !== 'aws4_request') return { malformed: 'credential scope is not key/date/region/service/aws4_request' };
  if (scope[3] !== 'rds-db') return { malformed: `signed for service ${JSON.stringify(scope[3])}, not rds-db` };
  if (scope[1] !== value('X-Amz-Date').slice(0, 8)) return { malformed: 'credential scope date differs from X-Amz-Date' };
  const expires = value('X-Amz-Expires');
  if (!/^\d{1,4}$/.test(expires) || Number(expires) < 1 || Number(expires) > MAX_TOKEN_SECONDS) {
    return { malformed: `X-Amz-Expires ${JSON.stringify(expires)} is not 1-${MAX_TOKEN_SECONDS} seconds` };
  }
  if (!/^[0-9a-f]{64}$/.test(value('X-Amz-Signature'))) return { malformed: 'signature is not 64 hex digits' };
  return {
    // IPv6 hosts stay in brackets, as the signer wrote them.
    host: authority[1],
    port,
    portText: authority[2],
    dbUser: value('DBUser'),
    accessKeyId: scope[0],
    region: scope[2],
    signedAt,
    expiresSeconds: Number(expires),
    signature: value('X-Amz-Signature'),
    ...(params.has('X-Amz-Security-Token') ? { sessionToken: value('X-Amz-Security-Token') } : {}),
  };
}

/** What a token signs: the fields rds-signer puts in its presigned request. */
export interface ConnectRequest {
  readonly host: string;
  readonly port: number;
  readonly dbUser: string;
  readonly region: string;
  readonly signedAt: Date;
  readonly expiresSeconds: number;
  readonly sessionToken?: string;
}

/** The presigned query `key` gives a `connect` request: what rds-signer builds, at any signing time. */
async function presignedQuery(request: ConnectRequest, key: SigningKey): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'rds-db',
    region: request.region,
    // The request's session token, never the key's: a token is verified with what it carries.
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, ...(request.sessionToken !== undefined ? { sessionToken: request.sessionToken } : {}) },
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: request.host,
      port: request.port,
      path: '/',
      query: { Action: 'connect', DBUser: request.dbUser },
      headers: { host: `${request.host}:${request.port}` },
    },
    { expiresIn: request.expiresSeconds, signingDate: request.signedAt },
  );
  return presigned.query as Record<string, string>;
}

/**
 * Whether `key` made this token: presigns the same request (method, host header, query, date,
 * region, expiry) with the library and compares the signatures in constant time.
 */
export async function signatureMatches(token: ParsedToken, key: SigningKey): Promise<boolean> {
  const given = Buffer.from(token.signature, 'hex');
  const wanted = Buffer.from((await presignedQuery(token, key))['X-Amz-Signature'], 'hex');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * A token as rds-signer makes it, signed at `signedAt` (with the key's session token unless the
 * request names another): how the tests and the real-engine suite's expired-token case move
 * the clock without waiting.
 */
export async function signToken(request: Omit<ConnectRequest, 'expiresSeconds'>, key: SigningKey): Promise<string> {
  const sessionToken = request.sessionToken ?? key.sessionToken;
  const query = await presignedQuery({ ...request, expiresSeconds: MAX_TOKEN_SECONDS, ...(sessionToken !== undefined ? { sessionToken } : {}) }, key);
  return `${request.host}:${request.port}/?${new URLSearchParams(query).toString()}`;
}
