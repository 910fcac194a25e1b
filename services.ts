/**
 * Applications that use the databases: each connects with an IAM token as its own database
 * user, `name`, from the IAM role it runs as. To add one, open a pull request with an entry:
 *
 *   { name: 'orders-api', role: { trust: 'ecs-tasks' }, access: { orders: 'write' }, owner: 'team-orders', reason: 'PLAT-500' },
 *
 * `owner` is who answers for it; `expires` works as in users.ts. `role` is
 * `{ arn: 'arn:aws:iam::<account>:role/<name>' }` for a role that exists and that config.ts lists
 * in its environment's `serviceRoleArns` (the project only attaches its connect policy), or `{ trust: 'ec2' | 'ecs-tasks' | 'lambda' | 'eks-pod-identity' }`
 * for a role the project creates, named `rds-iam-<name>`. A service's databases share one account.
 * Tiers as in users.ts. Like users.ts, this file is data: it is read, never run.
 */
import type { DatabaseKey } from './config';
import type { ServiceEntry } from './lib/model/types';

export const services: readonly ServiceEntry<DatabaseKey>[] = [
  { name: 'orders-api', role: { trust: 'ecs-tasks' }, access: { orders: 'write' }, owner: 'team-orders', reason: 'Order service, PLAT-500' },
  { name: 'billing-export', role: { arn: 'arn:aws:iam::123456789012:role/billing-export' }, access: { billing: 'read', orders: 'read' }, owner: 'finance-data', expires: '2027-03-31', reason: 'Nightly export to finance, FIN-91' },
];
