import type { DatabaseKey } from './config';
import type { ServiceEntry } from '../../lib/model/types';

// Opens many short connections: through the proxy it stays clear of IAM's new-connection throttle.
export const services: readonly ServiceEntry<DatabaseKey>[] = [
  { name: 'orders-api', role: { trust: 'ecs-tasks' }, access: { orders: 'write' }, owner: 'team-orders', reason: 'ORD-1' },
];
