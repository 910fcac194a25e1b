/**
 * A fleet with every engine × shape, an existing instance and cluster, a created proxy in front
 * of an instance and of a cluster, an existing proxy, replicas in the same and in another region,
 * the customer-managed policy mode and a service of every role kind, so the security scan sees every kind of
 * resource this project can synthesize.
 */
import { AppConfig, ServiceEntry, UserEntry } from '../../lib/model/types';

const network = {
  vpcId: 'vpc-0a1b2c3d4e5f67890',
  subnetIds: ['subnet-0a1b2c3d4e5f67891', 'subnet-0a1b2c3d4e5f67892'],
};

export const scanFleet: AppConfig = {
  environments: {
    production: { account: '123456789012', region: 'eu-west-1', ...network, serviceRoleArns: ['arn:aws:iam::123456789012:role/apps/existing'] },
    standby: { account: '123456789012', region: 'eu-central-1', vpcId: 'vpc-0b1b2c3d4e5f67890', subnetIds: ['subnet-0b1b2c3d4e5f67891', 'subnet-0b1b2c3d4e5f67892'] },
  },
  databases: {
    pg: { environment: 'production', engine: 'postgres', engineVersion: '16', databaseName: 'app', allowedCidrs: ['10.0.0.0/16'], proxy: {}, replicas: { count: 1 } },
    my: { environment: 'production', engine: 'mysql', engineVersion: '8.0', databaseName: 'shop', allowedCidrs: ['10.0.0.0/16'] },
    apg: { environment: 'production', engine: 'aurora-postgresql', engineVersion: '16', databaseName: 'analytics', allowedCidrs: ['10.0.0.0/16'] },
    amy: { environment: 'production', engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.08.0', databaseName: 'billing', allowedCidrs: ['10.0.0.0/16'], proxy: {} },
    maria: { environment: 'production', engine: 'mariadb', engineVersion: '10.11', databaseName: 'support', allowedCidrs: ['10.0.0.0/16'], replicas: { count: 1, environment: 'standby' } },
    legacy: { environment: 'production', engine: 'postgres', databaseName: 'legacy', masterUsername: 'postgres', existing: { identifier: 'legacy-db' } },
    ledger: { environment: 'production', engine: 'aurora-mysql', databaseName: 'ledger', masterUsername: 'admin', existing: { clusterIdentifier: 'ledger' }, proxy: { existing: 'ledger-proxy' } },
  },
  identityCenter: { account: '111122223333', region: 'eu-west-1', policy: 'customer-managed' },
};

export const scanUsers: readonly UserEntry[] = [
  { username: 'alice', access: { pg: 'admin', my: 'write', apg: 'read', amy: 'read', maria: 'write' } },
];

export const scanServices: readonly ServiceEntry[] = [
  { name: 'svc-ec2', role: { trust: 'ec2' }, access: { pg: 'read', legacy: 'read' }, owner: 'platform' },
  { name: 'svc-ecs', role: { trust: 'ecs-tasks' }, access: { my: 'write' }, owner: 'platform' },
  { name: 'svc-lambda', role: { trust: 'lambda' }, access: { maria: 'read' }, owner: 'platform' },
  { name: 'svc-eks', role: { trust: 'eks-pod-identity' }, access: { apg: 'write', ledger: 'read' }, owner: 'platform' },
  { name: 'svc-existing', role: { arn: 'arn:aws:iam::123456789012:role/apps/existing' }, access: { amy: 'read' }, owner: 'platform' },
];
