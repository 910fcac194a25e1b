import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { EngineFamily, PublicCidr } from '../lib/model/types';

/** Who config.ts admits on a database's engine port: the database, its proxy and its replicas admit the same. */
export interface PortAdmission {
  readonly allowedCidrs?: readonly string[];
  readonly publicCidrs?: readonly PublicCidr[];
  readonly allowedSecurityGroupIds?: readonly string[];
}

/**
 * One ingress rule per admitted network or security group on `port` of `securityGroupId`,
 * each with a stable construct id (`ingress-<cidr or group>`) under `scope`.
 */
export function admitOnPort(scope: Construct, securityGroupId: string, port: number, family: EngineFamily, admitted: PortAdmission): VpcSecurityGroupIngressRule[] {
  const rules: VpcSecurityGroupIngressRule[] = [];
  // Public blocks are validated like private ones; the description marks them for anyone reading the console.
  const cidrs = [
    ...(admitted.allowedCidrs ?? []).map((cidr) => ({ cidr, description: `${family} from ${cidr}` })),
    ...(admitted.publicCidrs ?? []).map(({ cidr }) => ({ cidr, description: `${family} from public ${cidr}` })),
  ];
  for (const { cidr, description } of cidrs) {
    rules.push(new VpcSecurityGroupIngressRule(scope, `ingress-${cidr}`, {
      securityGroupId,
      description,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      ...(cidr.includes(':') ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
    }));
  }
  for (const group of admitted.allowedSecurityGroupIds ?? []) {
    rules.push(new VpcSecurityGroupIngressRule(scope, `ingress-${group}`, {
      securityGroupId,
      description: `${family} from ${group}`,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: group,
    }));
  }
  return rules;
}
