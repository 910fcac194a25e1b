import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { SsoadminCustomerManagedPolicyAttachment } from '@cdktf/provider-aws/lib/ssoadmin-customer-managed-policy-attachment';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { Construct } from 'constructs';
import { terraformLiteral } from '../lib/terraform/literal';

export interface DatabasePermissionSetProps {
  readonly instanceArn: string;
  /** @default "DatabaseAccess" */
  readonly name?: string;
  /** @default "Connect to databases as your own IAM database user" */
  readonly description?: string;
  /** @default "PT1H" */
  readonly sessionDuration?: string;
  /**
   * Exactly one of: the policy JSON to put inline, or the name of a customer-managed
   * policy that exists in every target account.
   */
  readonly inlinePolicy?: string;
  readonly customerManagedPolicyName?: string;
  /** Identity Center group assigned the permission set. */
  readonly groupId: string;
  /** Accounts the group gets the permission set in, sorted. */
  readonly accounts: readonly string[];
}

/** The permission set people sign in with, and its assignment to the group in each account. */
export class DatabasePermissionSet extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: DatabasePermissionSetProps) {
    super(scope, id);
    if ((props.inlinePolicy === undefined) === (props.customerManagedPolicyName === undefined)) {
      throw new Error('DatabasePermissionSet: give exactly one of inlinePolicy and customerManagedPolicyName');
    }
    const permissionSet = new SsoadminPermissionSet(this, 'permission-set', {
      instanceArn: props.instanceArn,
      name: props.name ?? 'DatabaseAccess',
      description: terraformLiteral(props.description ?? 'Connect to databases as your own IAM database user'),
      sessionDuration: props.sessionDuration ?? 'PT1H',
    });
    this.arn = permissionSet.arn;
    const policy = props.inlinePolicy !== undefined
      ? new SsoadminPermissionSetInlinePolicy(this, 'policy', {
        instanceArn: props.instanceArn,
        permissionSetArn: permissionSet.arn,
        inlinePolicy: props.inlinePolicy,
      })
      : new SsoadminCustomerManagedPolicyAttachment(this, 'policy', {
        instanceArn: props.instanceArn,
        permissionSetArn: permissionSet.arn,
        customerManagedPolicyReference: { name: props.customerManagedPolicyName as string, path: '/' },
      });
    for (const account of props.accounts) {
      new SsoadminAccountAssignment(this, `assignment-${account}`, {
        instanceArn: props.instanceArn,
        permissionSetArn: permissionSet.arn,
        principalId: props.groupId,
        principalType: 'GROUP',
        targetId: account,
        targetType: 'AWS_ACCOUNT',
        // Provision only once the policy is in place, so no session starts without it.
        dependsOn: [policy],
      });
    }
  }
}
