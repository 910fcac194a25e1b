/**
 * Who may use which database. To get access, add yourself here in a pull request:
 *
 *   { username: 'jane.doe', access: { orders: 'read' }, reason: 'OPS-123' },
 *
 * `username` is your IAM Identity Center user name, exactly (it is case-sensitive).
 * Tiers: read (SELECT), write (read + INSERT/UPDATE/DELETE), admin (write + DDL).
 * `expires` (YYYY-MM-DD, UTC) is the last day of access.
 */
import type { DatabaseKey } from './config';
import type { UserEntry } from './lib/model/types';

export const users: readonly UserEntry<DatabaseKey>[] = [
  { username: 'alice.ng', displayName: 'Alice Ng', access: { orders: 'admin', billing: 'admin', sandbox: 'admin' }, reason: 'DBA on call' },
  { username: 'bob.kowalski', displayName: 'Bob Kowalski', access: { orders: 'write', sandbox: 'write' }, reason: 'PLAT-412' },
  { username: 'carla.mendes', displayName: 'Carla Mendes', access: { billing: 'read' }, reason: 'Finance reporting, FIN-88' },
  { username: 'dev.patel', displayName: 'Dev Patel', access: { orders: 'read', billing: 'write' }, reason: 'PLAT-430' },
  {
    username: 'erin.contractor',
    displayName: 'Erin (contractor)',
    access: { sandbox: 'read' },
    expires: '2030-06-30',
    reason: 'Migration audit, SEC-19',
  },
];
