import { DataAwsIdentitystoreGroup } from '@cdktf/provider-aws/lib/data-aws-identitystore-group';
import { DataAwsIdentitystoreUsers } from '@cdktf/provider-aws/lib/data-aws-identitystore-users';
import { IdentitystoreGroup } from '@cdktf/provider-aws/lib/identitystore-group';
import { IdentitystoreGroupMembership } from '@cdktf/provider-aws/lib/identitystore-group-membership';
import { TerraformIterator, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';

export interface AccessGroupProps {
  readonly identityStoreId: string;
  /** Group display name. */
  readonly name: string;
  /** Look the group up by name instead of creating it. @default false */
  readonly existing?: boolean;
  /** Identity Center user names of the members, sorted. */
  readonly usernames: readonly string[];
}

/**
 * The Identity Center group that holds everyone in users.ts: adding a person adds one
 * membership, removing them removes it. User IDs are looked up by `UserName` in one
 * listing of the identity store rather than one data source per person: a plan makes
 * one paged call instead of one per person, and synth stays fast at 10,000 people.
 */
export class AccessGroup extends Construct {
  readonly groupId: string;

  constructor(scope: Construct, id: string, props: AccessGroupProps) {
    super(scope, id);
    this.groupId = props.existing
      ? new DataAwsIdentitystoreGroup(this, 'group', {
          identityStoreId: props.identityStoreId,
          alternateIdentifier: { uniqueAttribute: { attributePath: 'DisplayName', attributeValue: props.name } },
        }).groupId
      : new IdentitystoreGroup(this, 'group', {
          identityStoreId: props.identityStoreId,
          displayName: props.name,
          description: 'Managed by rds-iam-access from users.ts: people who may connect to databases',
        }).groupId;

    if (props.usernames.length === 0) return;
    const directory = new DataAwsIdentitystoreUsers(this, 'users', { identityStoreId: props.identityStoreId });
    const userIds = new TerraformLocal(
      this,
      'user_ids_by_name',
      TerraformIterator.fromList(directory.users).forExpressionForMap('val.user_name', 'val.user_id'),
    );
    // Plain expressions, not tokens: one token per person made synth slow (cdktf records a
    // stack trace per token). Usernames are validated safe inside an HCL string literal.
    const userIdsAddress = `local.${userIds.friendlyUniqueId}`;
    for (const username of props.usernames) {
      new IdentitystoreGroupMembership(this, `member-${username}`, {
        identityStoreId: props.identityStoreId,
        groupId: this.groupId,
        memberId: `\${${userIdsAddress}["${username}"]}`,
      });
    }
  }
}
