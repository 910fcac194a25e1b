import { DataAwsSsoadminInstances } from '@cdktf/provider-aws/lib/data-aws-ssoadmin-instances';
import { Fn, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { connectPolicyFor } from '../lib/iam/policy';
import { IdentityCenterConfig } from '../lib/model/types';
import { AbacAttributes } from '../modules/abac-attributes';
import { AccessGroup } from '../modules/access-group';
import { DatabasePermissionSet } from '../modules/database-permission-set';
import { RdsDatabase } from '../modules/rds-database';
import { EnvironmentStack } from './environment-stack';

export interface IdentityCenterStackProps {
  readonly identityCenter: IdentityCenterConfig;
  /** Every database people may connect to, sorted by key. */
  readonly databases: readonly RdsDatabase[];
  /** Identity Center user names of everyone with access today, sorted. */
  readonly usernames: readonly string[];
  /** Accounts that host the databases, sorted. */
  readonly accounts: readonly string[];
}

export const DEFAULT_GROUP_NAME = 'rds-iam-access';
export const DEFAULT_POLICY_NAME = 'rds-iam-access-connect';

/**
 * Identity Center: the `username` attribute, the group of everyone in users.ts, and a
 * permission set that may connect only as `${aws:PrincipalTag/username}`, assigned to
 * the group in every database account.
 */
export class IdentityCenterStack extends EnvironmentStack {
  readonly permissionSet: DatabasePermissionSet;

  constructor(scope: Construct, id: string, props: IdentityCenterStackProps) {
    const ic = props.identityCenter;
    super(scope, id, { environmentKey: 'identity-center', environment: ic });

    let instanceArn: string;
    let identityStoreId: string;
    if (ic.instanceArn !== undefined && ic.identityStoreId !== undefined) {
      instanceArn = ic.instanceArn;
      identityStoreId = ic.identityStoreId;
    } else {
      // An organization has one Identity Center instance.
      const instances = new DataAwsSsoadminInstances(this, 'instances');
      instanceArn = Fn.element(instances.arns, 0);
      identityStoreId = Fn.element(instances.identityStoreIds, 0);
    }

    if (ic.manageAttributes ?? true) {
      new AbacAttributes(this, 'abac', { instanceArn, key: ic.attributeKey, source: ic.attributeSource });
    }
    const group = new AccessGroup(this, 'group', {
      identityStoreId,
      name: ic.group?.name ?? DEFAULT_GROUP_NAME,
      existing: ic.group?.existing,
      usernames: props.usernames,
    });
    // Customer-managed: the policy lives in each database account (ConnectPolicyStack).
    const customerManaged = ic.policy === 'customer-managed';
    this.permissionSet = new DatabasePermissionSet(this, 'permission-set', {
      instanceArn,
      name: ic.permissionSetName,
      description: ic.permissionSetDescription,
      sessionDuration: ic.sessionDuration,
      ...(customerManaged
        ? { customerManagedPolicyName: ic.customerManagedPolicyName ?? DEFAULT_POLICY_NAME }
        : { inlinePolicy: connectPolicyFor(props.databases, ic) }),
      groupId: group.groupId,
      accounts: props.accounts,
    });
    new TerraformOutput(this, 'permission_set_arn', {
      value: this.permissionSet.arn,
      description: 'Permission set people choose in the AWS access portal to connect to databases',
    });
    new TerraformOutput(this, 'group_id', { value: group.groupId, description: 'Identity Center group holding everyone in users.ts' });
  }
}
