import type { DatabaseKey } from './config';
import type { ServiceEntry } from '../../lib/model/types';

export const services: readonly ServiceEntry<DatabaseKey>[] = [
  // Roles this project creates, named rds-iam-<name>, each trusted by one AWS service of this account.
  { name: 'ledger-api', role: { trust: 'ecs-tasks' }, access: { ledger: 'write' }, owner: 'team-ledger', reason: 'LED-12' },
  { name: 'catalog-sync', role: { trust: 'lambda' }, access: { catalog: 'write', ledger: 'read' }, owner: 'team-catalog', reason: 'CAT-3' },
  { name: 'catalog-web', role: { trust: 'eks-pod-identity' }, access: { catalog: 'read' }, owner: 'team-catalog' },
  // A role that exists and that config.ts lists in serviceRoleArns: only the connect policy is attached.
  { name: 'ledger-batch', role: { arn: 'arn:aws:iam::123456789012:role/apps/ledger-batch' }, access: { ledger: 'read' }, owner: 'finance-data', expires: '2027-03-31', reason: 'Quarter close, FIN-204' },
];
