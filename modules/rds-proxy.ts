import { DbProxy } from '@cdktf/provider-aws/lib/db-proxy';
import { DbProxyDefaultTargetGroup } from '@cdktf/provider-aws/lib/db-proxy-default-target-group';
import { DbProxyTarget } from '@cdktf/provider-aws/lib/db-proxy-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { EngineFamily } from '../lib/model/types';
import { admitOnPort, PortAdmission } from './port-ingress';
import { dbuserArn, EntryPoint, RdsLocation } from './rds-database';

/** Default seconds a client connection may idle before the proxy closes it (RDS's own default). */
export const PROXY_IDLE_CLIENT_TIMEOUT = 1800;

export interface RdsProxyProps extends RdsLocation, PortAdmission {
  /** Proxy name; also names its role and security group. */
  readonly name: string;
  readonly family: EngineFamily;
  readonly port: number;
  readonly vpcId: string;
  /** The database's subnets. */
  readonly subnetIds: readonly string[];
  /** The instance or cluster it forwards to. */
  readonly target: { readonly instanceIdentifier: string } | { readonly clusterIdentifier: string };
  /** `db-…` or `cluster-…`: the database the proxy logs in to as each client's own user. */
  readonly databaseResourceId: string;
  /** The database's security group: the proxy is admitted to it on the engine port. */
  readonly databaseSecurityGroupId: string;
  /** @default PROXY_IDLE_CLIENT_TIMEOUT */
  readonly idleClientTimeout?: number;
}

/**
 * The `prx-…` id in a proxy ARN (`arn:aws:rds:<region>:<account>:db-proxy:prx-…`), what
 * `rds-db:connect` ARNs name. A local, so other stacks' policies reference one value
 * (`…outputs.<…>resource_id`) instead of repeating the expression.
 */
export function proxyResourceId(scope: Construct, proxyArn: string): string {
  return new TerraformLocal(scope, 'resource_id', Fn.element(Fn.split(':', proxyArn), 6)).asString;
}

/**
 * An RDS Proxy with end-to-end IAM in front of a database: clients log in with tokens signed
 * for the proxy's endpoint (`rds-db:connect` on `dbuser:prx-…/<user>`), and the proxy logs in
 * to the database over IAM as that same user; no secret exists. TLS is required, it sits in
 * the database's subnets with a security group admitting what the database admits, and may
 * only reach the database's engine port.
 */
export class RdsProxy extends Construct implements EntryPoint {
  readonly kind = 'proxy' as const;
  readonly endpoint: string;
  readonly port: number;
  readonly resourceId: string;
  readonly location: RdsLocation;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: RdsProxyProps) {
    super(scope, id);
    this.port = props.port;
    this.location = { partition: props.partition, region: props.region, account: props.account };

    const role = new IamRole(this, 'role', {
      name: `${props.name}-rds-proxy`,
      description: `RDS Proxy ${props.name}: logs in to its database over IAM as each client's own user (rds-iam-access)`,
      // Only RDS assumes it, and only for a proxy a caller of this account may pass it to (iam:PassRole).
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'rds.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      maxSessionDuration: 3600,
    });
    // Any user of this one database: the proxy logs in only as the user IAM already let the client in as.
    new IamRolePolicy(this, 'connect', {
      name: 'connect-to-database',
      role: role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'LoginAsEachClientsOwnUser', Effect: 'Allow', Action: 'rds-db:connect', Resource: dbuserArn(this.location, props.databaseResourceId, '*') }],
      }),
    });

    const securityGroup = new SecurityGroup(this, 'security-group', {
      name: `${props.name}-proxy`,
      description: `Engine port of proxy ${props.name}, from listed networks only`,
      vpcId: props.vpcId,
      egress: [],
    });
    admitOnPort(this, securityGroup.id, props.port, props.family, props);
    // Out only to the database's engine port, and the database lets the proxy in there.
    new VpcSecurityGroupEgressRule(this, 'egress-database', {
      securityGroupId: securityGroup.id,
      description: `${props.family} to the database`,
      ipProtocol: 'tcp',
      fromPort: props.port,
      toPort: props.port,
      referencedSecurityGroupId: props.databaseSecurityGroupId,
    });
    new VpcSecurityGroupIngressRule(this, 'database-ingress', {
      securityGroupId: props.databaseSecurityGroupId,
      description: `${props.family} from proxy ${props.name}`,
      ipProtocol: 'tcp',
      fromPort: props.port,
      toPort: props.port,
      referencedSecurityGroupId: securityGroup.id,
    });

    const proxy = new DbProxy(this, 'proxy', {
      name: props.name,
      engineFamily: props.family === 'postgres' ? 'POSTGRESQL' : 'MYSQL',
      // End-to-end IAM: IAM tokens from clients, IAM from the proxy to the database; no secret.
      defaultAuthScheme: 'IAM_AUTH',
      requireTls: true,
      roleArn: role.arn,
      vpcSubnetIds: [...props.subnetIds],
      vpcSecurityGroupIds: [securityGroup.id],
      idleClientTimeout: props.idleClientTimeout ?? PROXY_IDLE_CLIENT_TIMEOUT,
      // Debug logs hold SQL text; never on.
      debugLogging: false,
    });
    const targetGroup = new DbProxyDefaultTargetGroup(this, 'target-group', { dbProxyName: proxy.name });
    new DbProxyTarget(this, 'target', {
      dbProxyName: proxy.name,
      targetGroupName: targetGroup.name,
      ...('clusterIdentifier' in props.target ? { dbClusterIdentifier: props.target.clusterIdentifier } : { dbInstanceIdentifier: props.target.instanceIdentifier }),
    });
    this.endpoint = proxy.endpoint;
    this.arn = proxy.arn;
    this.resourceId = proxyResourceId(this, proxy.arn);
  }
}
