/**
 * Where a client cuts a password short. An IAM token is a presigned URL: about 300 characters
 * from static keys, well over 1,000 with an SSO session's token. `connect` hands it over in the
 * client's environment variable, which no client limits; typing or pasting it at a password
 * prompt is where the known limits bite.
 */
export interface TokenLimit {
  readonly client: 'psql' | 'mysql';
  /** Characters kept; the rest is silently dropped. */
  readonly keeps: number;
  readonly where: string;
  /** Versions the limit holds for, in words. */
  readonly versions: string;
}

export const TOKEN_LIMITS: readonly TokenLimit[] = [
  { client: 'psql', keeps: 99, where: "psql's password prompt (-W)", versions: 'PostgreSQL before 14' },
  { client: 'mysql', keeps: 79, where: "mysql's password prompt (-p)", versions: "MySQL's and MariaDB's clients" },
];

/** How `connect` passes the token to each client: never a prompt. */
export const TOKEN_CHANNEL: Readonly<Record<'psql' | 'mysql', string>> = { psql: 'PGPASSWORD', mysql: 'MYSQL_PWD' };

/** The limits a token of `length` characters exceeds for `client`, to say where not to paste it. */
export function limitsExceeded(client: 'psql' | 'mysql', length: number): TokenLimit[] {
  return TOKEN_LIMITS.filter((l) => l.client === client && length > l.keeps);
}
