import type { DatabaseKey } from './config';
import type { UserEntry } from '../../lib/model/types';

export const users: readonly UserEntry<DatabaseKey>[] = [
  { username: 'alice.ng', access: { reports: 'admin' }, reason: 'DBA on call' },
  { username: 'carla.mendes', access: { reports: 'read' }, reason: 'Finance reporting, FIN-88' },
];
