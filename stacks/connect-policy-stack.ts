import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { Construct } from 'constructs';
import { EnvironmentStack, EnvironmentStackProps } from './environment-stack';

export interface ConnectPolicyStackProps extends EnvironmentStackProps {
  /** Policy name the permission set refers to. */
  readonly policyName: string;
  /** Policy JSON (from `connectPolicy`), covering this account's databases. */
  readonly policy: string;
}

/**
 * The customer-managed connect policy in one database account, for permission sets that
 * reference it by name (`identityCenter.policy = 'customer-managed'`).
 */
export class ConnectPolicyStack extends EnvironmentStack {
  constructor(scope: Construct, id: string, props: ConnectPolicyStackProps) {
    super(scope, id, props);
    new IamPolicy(this, 'connect', {
      name: props.policyName,
      path: '/',
      description: 'rds-db:connect as your own database user (rds-iam-access)',
      policy: props.policy,
    });
  }
}
