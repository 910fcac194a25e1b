/**
 * The smallest LDAP server PostgreSQL's `ldap` authentication needs: it reads a simple bind
 * request (RFC 4511, BER-encoded) and answers success or invalidCredentials; an unbind, or
 * anything else, ends the connection. How PostgreSQL hands the sandbox's checker a login and
 * its token without PAM (which needs root for /etc/pam.d and passes at most 512 bytes).
 *
 * pg_hba.conf's simple-bind mode sends the DN `<ldapprefix><user name><ldapsuffix>` and the
 * client's password as they are; the sandbox's prefix is `database=<key>,transport=<tls|tcp>,user=`
 * and has no suffix, so the user name, which a client chooses, comes last and can change
 * neither field before it.
 *
 * Written here rather than taken from a package: the server side of a bind is about a hundred
 * lines of BER, while ldapjs, Node's one LDAP server library, was decommissioned by its
 * maintainers in May 2024, and ldapts, the maintained fork, is a client only. What the
 * sandbox's trust rests on should be something it can read whole.
 */
import * as tls from 'tls';

/** LDAP result codes the checker answers with (RFC 4511 §4.1.9). */
export const LDAP_RESULT = { success: 0, protocolError: 2, authMethodNotSupported: 7, invalidCredentials: 49 } as const;

/** A bind as PostgreSQL sends it: the DN it built and the password (the token) the client gave. */
export interface SimpleBind {
  /** The message id's content octets, echoed in the answer. */
  readonly messageId: Buffer;
  readonly version: number;
  readonly name: string;
  /** Absent for a SASL bind, which PostgreSQL never sends. */
  readonly password?: string;
}

export type LdapMessage =
  | { readonly bind: SimpleBind }
  | { readonly unbind: true }
  | { readonly other: number; readonly messageId: Buffer };

/** The longest message read: PostgreSQL takes passwords up to 64 KiB (PG_MAX_AUTH_TOKEN_LENGTH), a DN and framing fit in the rest. */
export const MAX_MESSAGE_BYTES = 70_000;

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

class BerError extends Error {}

/** One tag-length-value at `offset`; undefined when `buffer` does not hold all of it yet. */
function readTlv(buffer: Buffer, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = buffer[offset];
  // Multi-byte tags occur nowhere in a bind.
  if ((tag & 0x1f) === 0x1f) throw new BerError('multi-byte tag');
  const first = buffer[offset + 1];
  let length = first;
  let start = offset + 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    // 0x80 is BER's indefinite length, which LDAP forbids (RFC 4511 §5.1).
    if (octets === 0 || octets > 3) throw new BerError('length is indefinite or too long');
    if (start + octets > limit) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + buffer[start + i];
    start += octets;
  }
  if (length > MAX_MESSAGE_BYTES) throw new BerError(`a ${length}-byte element is longer than ${MAX_MESSAGE_BYTES} bytes`);
  if (start + length > limit) return undefined;
  return { tag, start, end: start + length };
}

/** Like readTlv inside an element already complete: anything missing is an error, not more to come. */
function element(buffer: Buffer, offset: number, end: number, tag: number, what: string): Tlv {
  const found = readTlv(buffer, offset, end);
  if (!found || found.tag !== tag) throw new BerError(`${what} missing`);
  return found;
}

function integer(buffer: Buffer, at: Tlv): number {
  if (at.end - at.start < 1 || at.end - at.start > 4) throw new BerError('integer of more than 4 octets');
  return buffer.subarray(at.start, at.end).readIntBE(0, at.end - at.start);
}

/**
 * The first LDAP message in `buffer` and how many bytes it took, or undefined when more bytes
 * are needed; throws on anything that is not BER an LDAP client sends.
 */
export function readLdapMessage(buffer: Buffer): { message: LdapMessage; length: number } | undefined {
  const envelope = readTlv(buffer, 0, buffer.length);
  if (!envelope) {
    if (buffer.length > MAX_MESSAGE_BYTES) throw new BerError('message too long');
    return undefined;
  }
  if (envelope.tag !== 0x30) throw new BerError('not an LDAPMessage SEQUENCE');
  const id = element(buffer, envelope.start, envelope.end, 0x02, 'messageID');
  const messageId = Buffer.from(buffer.subarray(id.start, id.end));
  integer(buffer, id);
  const op = readTlv(buffer, id.end, envelope.end);
  if (!op) throw new BerError('protocolOp missing');
  const length = envelope.end;
  // [APPLICATION 2] NULL: UnbindRequest.
  if (op.tag === 0x42) return { message: { unbind: true }, length };
  // [APPLICATION 0] SEQUENCE: BindRequest.
  if (op.tag !== 0x60) return { message: { other: op.tag, messageId }, length };
  const version = element(buffer, op.start, op.end, 0x02, 'bind version');
  const name = element(buffer, version.end, op.end, 0x04, 'bind name');
  const auth = readTlv(buffer, name.end, op.end);
  if (!auth || auth.end !== op.end) throw new BerError('bind authentication missing or followed by more');
  const bind = {
    messageId,
    version: integer(buffer, version),
    name: buffer.toString('utf8', name.start, name.end),
  };
  // [0] OCTET STRING: simple; [3] SEQUENCE: SASL.
  if (auth.tag === 0x80) return { message: { bind: { ...bind, password: buffer.toString('utf8', auth.start, auth.end) } }, length };
  return { message: { bind }, length };
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x100) return Buffer.from([0x81, length]);
  return Buffer.from([0x82, length >> 8, length & 0xff]);
}

function encode(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

/** A BindResponse to `messageId` with `resultCode` and a diagnostic message. */
export function bindResponse(messageId: Buffer, resultCode: number, diagnostic = ''): Buffer {
  const result = Buffer.concat([
    encode(0x0a, Buffer.from([resultCode])),
    encode(0x04, Buffer.alloc(0)),
    encode(0x04, Buffer.from(diagnostic.slice(0, 200), 'utf8')),
  ]);
  return encode(0x30, Buffer.concat([encode(0x02, messageId), encode(0x61, result)]));
}

/** What the checker concluded of a bind: whether to answer success, and why not. */
export type BindAnswer = { readonly accepted: true } | { readonly accepted: false; readonly reason: string };

/**
 * An LDAPS server (TLS from the first byte, with the sandbox's server certificate) answering
 * each simple bind with `check`'s verdict. PostgreSQL verifies the certificate against the
 * sandbox's CA, so nothing else that listens on the port could answer it.
 */
export function ldapServer(credentials: { key: Buffer; cert: Buffer }, check: (bind: SimpleBind) => Promise<BindAnswer>, onError: (message: string) => void): tls.Server {
  // noDelay: each answer is one small write, which Nagle's algorithm would hold for the client's delayed ACK (40 ms).
  return tls.createServer({ ...credentials, minVersion: 'TLSv1.2', noDelay: true }, (connection) => {
    let buffered = Buffer.alloc(0);
    let busy = false;
    const next = (): void => {
      if (busy) return;
      let read: ReturnType<typeof readLdapMessage>;
      try {
        read = readLdapMessage(buffered);
      } catch (error) {
        onError(`an LDAP client sent what is not a bind: ${(error as Error).message}`);
        connection.destroy();
        return;
      }
      if (!read) return;
      buffered = buffered.subarray(read.length);
      const { message } = read;
      if ('unbind' in message) {
        connection.end();
        return;
      }
      if ('other' in message) {
        onError(`an LDAP client sent operation 0x${message.other.toString(16)}; only binds are answered`);
        connection.destroy();
        return;
      }
      const { bind } = message;
      if (bind.version !== 3 || bind.password === undefined) {
        connection.write(bindResponse(bind.messageId, bind.password === undefined ? LDAP_RESULT.authMethodNotSupported : LDAP_RESULT.protocolError, 'simple binds of LDAPv3 only'));
        next();
        return;
      }
      busy = true;
      check(bind).then(
        (answer) => {
          connection.write(bindResponse(bind.messageId, answer.accepted ? LDAP_RESULT.success : LDAP_RESULT.invalidCredentials, answer.accepted ? '' : answer.reason));
          busy = false;
          next();
        },
        (error: Error) => {
          connection.write(bindResponse(bind.messageId, LDAP_RESULT.invalidCredentials, 'the checker failed'));
          onError(`the checker failed: ${error.message}`);
          busy = false;
          next();
        },
      );
    };
    connection.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      next();
    });
    connection.on('error', () => undefined);
    connection.setTimeout(15_000, () => connection.destroy());
  });
}

/** The DN prefix of a pg_hba.conf `ldap` line for `database` over `transport`; the user name follows it. */
export function bindPrefix(database: string, transport: 'tls' | 'tcp'): string {
  return `database=${database},transport=${transport},user=`;
}

/** The database, transport and user a bind's DN names, or undefined when it was not built by `bindPrefix`. */
export function parseBindName(name: string): { database: string; transport: 'tls' | 'tcp'; user: string } | undefined {
  // Bounded: no engine has longer names (PostgreSQL 63 bytes, MySQL 32), and the log must not grow with what a caller sends.
  const m = /^database=([A-Za-z0-9_-]{1,64}),transport=(tls|tcp),user=([\s\S]{0,128})$/.exec(name);
  return m ? { database: m[1], transport: m[2] as 'tls' | 'tcp', user: m[3] } : undefined;
}
