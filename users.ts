/**
 * Who may use which database. To get access, add yourself here in a pull request:
 *
 *   { username: 'jane.doe', access: { orders: 'read' }, reason: 'OPS-123' },
 *
 * `username` is your IAM Identity Center user name, exactly (it is case-sensitive).
 * Tiers: read (SELECT), write (read + INSERT/UPDATE/DELETE), admin (write + DDL).
 * `expires` ends access: a last day '2027-03-31' (through the end of that day, UTC) or a UTC time
 * '2027-03-31T18:00Z'. More than a year ahead needs `expiresBeyondHorizon: '<why>'`.
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
    expiresBeyondHorizon: 'Audit of a multi-year migration, contract SEC-19',
    reason: 'Migration audit, SEC-19',
  },
];
