/**
 * The sandbox's STS: issues each person and service temporary credentials as AWS does for a
 * permission-set or role session (an `ASIA…` key, a secret, a session token, an expiry), and
 * answers the one STS call `npm run connect` makes, `GetCallerIdentity`, with the session ARN
 * of the principal whose session signed the request (verified with the same SigV4 library as
 * tokens). Its session name is what connect takes as the user name, as with Identity Center.
 */
import { randomBytes, timingSafeEqual } from 'crypto';
import * as http from 'http';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { CheckerState, principalArn, SandboxSession, sessionTokenMatches } from './checker';
import { parseAmzDate } from './token';

export interface StsRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface StsResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * Bytes of a session token before base64. AWS's are opaque and vary (a permission-set session's
 * is about 900-1,100 characters); 720 bytes make tokens of 1,200-1,400 characters, the length
 * at which clients have cut passwords, so the sandbox exercises it.
 */
const SESSION_TOKEN_BYTES = 720;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** New temporary credentials for `principal`, valid `durationSeconds` from `now`: what the sandbox records and hands out. */
export function issueSession(principal: string, now: Date, durationSeconds: number): { readonly accessKeyId: string; readonly session: SandboxSession } {
  return {
    accessKeyId: `ASIA${[...randomBytes(16)].map((b) => BASE32[b % 32]).join('')}`,
    session: {
      principal,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(SESSION_TOKEN_BYTES).toString('base64'),
      expiration: new Date(now.getTime() + durationSeconds * 1000).toISOString(),
    },
  };
}

/** How far a request's `x-amz-date` may be from the checker's clock, as AWS allows. */
const SKEW_MS = 15 * 60_000;
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/sts\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const xml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function error(status: number, code: string, message: string): StsResponse {
  return {
    status,
    body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>sandbox</RequestId></ErrorResponse>`,
  };
}

/** Answers one request: the caller's identity, or the error AWS would give. */
export async function handleSts(request: StsRequest, state: CheckerState, now: Date): Promise<StsResponse> {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  if (request.method !== 'POST' || new URLSearchParams(request.body).get('Action') !== 'GetCallerIdentity') {
    return error(400, 'InvalidAction', 'The sandbox emulates GetCallerIdentity only');
  }
  const auth = AUTHORIZATION.exec(header('authorization') ?? '');
  if (!auth) return error(403, 'MissingAuthenticationToken', 'Request is not signed with AWS4-HMAC-SHA256 for sts');
  const [, accessKeyId, day, region, signedHeaders, signature] = auth;
  const session = Object.prototype.hasOwnProperty.call(state.sessions, accessKeyId) ? state.sessions[accessKeyId] : undefined;
  const principal = session ? state.principals[session.principal] : undefined;
  const names = signedHeaders.split(';');
  if (!session || !principal || !names.includes('x-amz-security-token') || !sessionTokenMatches(header('x-amz-security-token') ?? '', session)) {
    return error(403, 'InvalidClientTokenId', 'The security token included in the request is invalid');
  }
  if (now.getTime() >= Date.parse(session.expiration)) return error(403, 'ExpiredToken', 'The security token included in the request is expired');
  const amzDate = header('x-amz-date') ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt || !amzDate.startsWith(day) || Math.abs(signedAt.getTime() - now.getTime()) > SKEW_MS) {
    return error(403, 'SignatureDoesNotMatch', 'Signature expired or x-amz-date missing');
  }
  const headers: Record<string, string> = {};
  for (const name of names) headers[name] = header(name) ?? '';
  const [hostname, port] = (headers.host ?? '').split(':');
  const signer = new SignatureV4({ service: 'sts', region, credentials: { accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken }, sha256: Sha256 });
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname, ...(port ? { port: Number(port) } : {}), path: request.path, query: {}, headers, body: request.body },
    { signingDate: signedAt, signingRegion: region },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1] ?? '';
  if (expected.length !== 64 || !timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(signature, 'hex'))) {
    return error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
  }
  const arn = principalArn(principal, principal.account);
  return {
    status: 200,
    body:
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
      `<Arn>${xml(arn)}</Arn><UserId>${xml(`${accessKeyId}:${principal.session}`)}</UserId><Account>${principal.account}</Account>` +
      '</GetCallerIdentityResult><ResponseMetadata><RequestId>sandbox</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
  };
}

/** An HTTP server answering STS requests with `handleSts`, reading the state afresh for each. */
export function stsServer(state: () => CheckerState, clock: () => Date): http.Server {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // GetCallerIdentity is a few hundred bytes: anything much larger is refused unread, never held.
      if (size > STS_BODY_LIMIT) {
        res.writeHead(413, { 'content-type': 'text/xml', connection: 'close' }).end(error(413, 'RequestEntityTooLarge', `request body over ${STS_BODY_LIMIT} bytes`).body);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const request = { method: req.method ?? '', path: (req.url ?? '/').split('?')[0], headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      handleSts(request, state(), clock()).then(
        (answer) => res.writeHead(answer.status, { 'content-type': 'text/xml' }).end(answer.body),
        (failure: Error) => res.writeHead(500, { 'content-type': 'text/xml' }).end(error(500, 'InternalFailure', failure.message).body),
      );
    });
  });
  // A client that trickles its request holds nothing for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return server;
}

/** Bytes of an STS request body the stand-in reads. */
export const STS_BODY_LIMIT = 16 * 1024;
