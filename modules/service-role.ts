import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { connectPolicy } from '../lib/iam/policy';
import { roleNameOf, ServiceRole as ServiceRoleSpec, ServiceTrust } from '../lib/model/types';

export interface ServiceRoleProps {
  /** The service's name: its database user, and part of the names created for it. */
  readonly name: string;
  /** An existing role's ARN, or the AWS service a new role is trusted by. */
  readonly role: ServiceRoleSpec;
  /** `rds-db:connect` resources for the service's own user, one per database it may use. */
  readonly connectArns: readonly string[];
  /** Partition and account the role lives in, for the trust conditions. */
  readonly partition: string;
  readonly account: string;
  /** Prefix of the role, instance profile and policy names. */
  readonly namePrefix: string;
}

/**
 * The IAM principal of one service: a policy allowing `rds-db:connect` only as the service's
 * own database user on exactly its databases, attached to the role it runs as. A role this
 * project creates is trusted by one AWS service only (and, where that service supports it,
 * only from this account); an existing role only gains the attachment.
 */
export class ServiceRole extends Construct {
  /** Name of the role the policy is attached to. */
  readonly roleName: string;
  readonly policyArn: string;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const baseName = `${props.namePrefix}${props.name}`;
    const policy = new IamPolicy(this, 'connect', {
      name: `${baseName}-connect`,
      path: '/',
      description: `rds-db:connect as database user ${props.name} (rds-iam-access)`,
      policy: connectPolicy({ connectArns: props.connectArns }),
    });
    this.policyArn = policy.arn;

    if ('arn' in props.role) {
      this.roleName = roleNameOf(props.role.arn);
    } else {
      const role = new IamRole(this, 'role', {
        name: baseName,
        description: `Runs ${props.name}; connects to its databases as their user ${props.name} (rds-iam-access)`,
        assumeRolePolicy: JSON.stringify(trustPolicy(props.role.trust, props.partition, props.account)),
        maxSessionDuration: 3600,
      });
      this.roleName = role.name;
      // EC2 hands a role to an instance only through an instance profile.
      if (props.role.trust === 'ec2') new IamInstanceProfile(this, 'instance-profile', { name: baseName, role: role.name });
    }
    new IamRolePolicyAttachment(this, 'attachment', { role: this.roleName, policyArn: policy.arn });
  }
}

/** Who may assume a role created for a service. */
export function trustPolicy(trust: ServiceTrust, partition: string, account: string): object {
  const statement = (service: string, actions: string[], condition?: object) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: actions.length === 1 ? actions[0] : actions, ...(condition ? { Condition: condition } : {}) }],
  });
  // ECS and EKS Pod Identity pass the calling account: a task or pod of another account cannot assume it.
  const fromThisAccount = { StringEquals: { 'aws:SourceAccount': account } };
  switch (trust) {
    case 'ec2':
      return statement('ec2.amazonaws.com', ['sts:AssumeRole']);
    case 'lambda':
      return statement('lambda.amazonaws.com', ['sts:AssumeRole']);
    case 'ecs-tasks':
      return statement('ecs-tasks.amazonaws.com', ['sts:AssumeRole'], {
        ...fromThisAccount,
        ArnLike: { 'aws:SourceArn': `arn:${partition}:ecs:*:${account}:*` },
      });
    case 'eks-pod-identity':
      // Pod Identity tags the session (cluster, namespace, service account), hence sts:TagSession.
      return statement('pods.eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession'], fromThisAccount);
  }
}
