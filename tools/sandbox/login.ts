/**
 * One login to a sandbox database the way a client does it (pg, or mysql2 with the cleartext
 * plugin the token needs): over TLS verified against the sandbox CA unless told otherwise.
 */
import * as mysql from 'mysql2/promise';
import { Client } from 'pg';
import type { ServerInfo } from '../e2e/servers';

/** The session's user, or the server's refusal. */
export type LoginOutcome = { readonly value: string } | { readonly refused: string };

export interface LoginRequest {
  readonly server: ServerInfo;
  readonly user: string;
  /** A token, or the master's password. */
  readonly password: string;
  /** PEM of the CA to verify the server against; undefined for plain TCP. */
  readonly ca?: string;
}

/** Logs in, asks who the session is (PostgreSQL: session_user; MariaDB: CURRENT_USER()), and disconnects. */
export async function login({ server, user, password, ca }: LoginRequest): Promise<LoginOutcome> {
  const database = server.databases[0];
  try {
    if (server.engine === 'postgres') {
      const client = new Client({ host: server.host, port: server.port, user, password, database, ssl: ca === undefined ? false : { ca } });
      try {
        await client.connect();
        return { value: String((await client.query('SELECT session_user AS who')).rows[0].who) };
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    const connection = await mysql.createConnection({
      host: server.host, port: server.port, user, password, database, ...(ca === undefined ? {} : { ssl: { ca } }),
      // What --enable-cleartext-plugin does: the token as the password, in the clear (inside TLS when there is TLS).
      authPlugins: { mysql_clear_password: () => () => Buffer.from(`${password}\0`) },
    });
    try {
      return { value: String(((await connection.query('SELECT CURRENT_USER() AS who'))[0] as { who: string }[])[0].who) };
    } finally {
      await connection.end();
    }
  } catch (error) {
    return { refused: (error as Error).message };
  }
}
