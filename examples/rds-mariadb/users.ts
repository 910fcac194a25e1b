import type { DatabaseKey } from './config';
import type { UserEntry } from '../../lib/model/types';

export const users: readonly UserEntry<DatabaseKey>[] = [
  { username: 'bob.kowalski', access: { shop: 'admin' }, reason: 'PLAT-412' },
  { username: 'dev.patel', access: { shop: 'write' }, expires: '2027-03-31', reason: 'Checkout rewrite, SHOP-77' },
];
