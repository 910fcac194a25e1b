import type { DatabaseKey } from './config';
import type { UserEntry } from '../../lib/model/types';

// Nothing here names the proxy or the replicas: access to a database reaches them too.
export const users: readonly UserEntry<DatabaseKey>[] = [
  { username: 'ana.silva', access: { orders: 'admin', reports: 'admin' }, reason: 'PLAT-101' },
  { username: 'li.wei', access: { orders: 'read', reports: 'read' }, reason: 'Finance reporting, FIN-88' },
];
