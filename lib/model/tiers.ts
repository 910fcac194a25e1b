import { Tier } from './types';

/** Name of the group role a tier maps to, on every engine. Reserved for users. */
export function tierRoleName(tier: Tier): string {
  return `iam_${tier}`;
}

/** The tier a tier directly builds on (write includes read, admin includes write). */
export const TIER_PARENT: Readonly<Record<Tier, Tier | undefined>> = { read: undefined, write: 'read', admin: 'write' };

/** MySQL privileges per tier on each granted database (`db`.*), future tables included. */
export const MYSQL_TIER_PRIVILEGES: Readonly<Record<Tier, readonly string[]>> = {
  read: ['SELECT', 'SHOW VIEW'],
  write: ['DELETE', 'INSERT', 'SELECT', 'SHOW VIEW', 'UPDATE'],
  admin: [
    'ALTER', 'ALTER ROUTINE', 'CREATE', 'CREATE ROUTINE', 'CREATE TEMPORARY TABLES', 'CREATE VIEW', 'DELETE', 'DROP',
    'EVENT', 'EXECUTE', 'INDEX', 'INSERT', 'LOCK TABLES', 'REFERENCES', 'SELECT', 'SHOW VIEW', 'TRIGGER', 'UPDATE',
  ],
};

/** PostgreSQL privileges a tier adds on top of its parent, per object type in each schema. */
export const POSTGRES_TIER_GRANTS: Readonly<Record<Tier, Readonly<Partial<Record<'schema' | 'table' | 'sequence', readonly string[]>>>>> = {
  read: { schema: ['USAGE'], table: ['SELECT'], sequence: ['SELECT'] },
  write: { table: ['DELETE', 'INSERT', 'SELECT', 'UPDATE'], sequence: ['SELECT', 'UPDATE', 'USAGE'] },
  admin: { schema: ['CREATE', 'USAGE'] },
};
