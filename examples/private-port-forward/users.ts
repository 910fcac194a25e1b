import type { DatabaseKey } from './config';
import type { UserEntry } from '../../lib/model/types';

export const users: readonly UserEntry<DatabaseKey>[] = [
  { username: 'alice.ng', access: { ledger: 'admin' }, reason: 'DBA on call' },
  { username: 'erin.contractor', access: { ledger: 'read' }, expires: '2027-01-31', reason: 'Year-end audit, SEC-21' },
];
