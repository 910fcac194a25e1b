import { DataAwsIdentitystoreGroup } from '@cdktf/provider-aws/lib/data-aws-identitystore-group';
import { DataAwsIdentitystoreUser } from '@cdktf/provider-aws/lib/data-aws-identitystore-user';
import { IdentitystoreGroup } from '@cdktf/provider-aws/lib/identitystore-group';
import { IdentitystoreGroupMembership } from '@cdktf/provider-aws/lib/identitystore-group-membership';
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
 * membership (their user ID is looked up by `UserName`), removing them removes it.
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

    for (const username of props.usernames) {
      const user = new DataAwsIdentitystoreUser(this, `user-${username}`, {
        identityStoreId: props.identityStoreId,
        alternateIdentifier: { uniqueAttribute: { attributePath: 'UserName', attributeValue: username } },
      });
      new IdentitystoreGroupMembership(this, `member-${username}`, {
        identityStoreId: props.identityStoreId,
        groupId: this.groupId,
        memberId: user.userId,
      });
    }
  }
}
