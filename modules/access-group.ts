import { DataAwsIdentitystoreGroup } from '@cdktf/provider-aws/lib/data-aws-identitystore-group';
import { DataAwsIdentitystoreUsers } from '@cdktf/provider-aws/lib/data-aws-identitystore-users';
import { IdentitystoreGroup } from '@cdktf/provider-aws/lib/identitystore-group';
import { IdentitystoreGroupMembership } from '@cdktf/provider-aws/lib/identitystore-group-membership';
import { TerraformIterator, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { terraformLiteral } from '../lib/terraform/literal';
import { forEachMap } from './for-each-map';

export interface AccessGroupProps {
  readonly identityStoreId: string;
  /** Group display name. */
  readonly name: string;
  /** Look the group up by name instead of creating it. @default false */
  readonly existing?: boolean;
  /** Identity Center user names of the members. */
  readonly usernames: readonly string[];
}

/**
 * The Identity Center group that holds everyone in users.ts: adding a person adds one
 * membership (keyed by username), removing them removes it. User IDs are looked up by
 * `UserName` in one listing of the identity store rather than one data source per person:
 * a plan makes one paged call instead of one per person.
 */
export class AccessGroup extends Construct {
  readonly groupId: string;

  constructor(scope: Construct, id: string, props: AccessGroupProps) {
    super(scope, id);
    this.groupId = props.existing
      ? new DataAwsIdentitystoreGroup(this, 'group', {
          identityStoreId: props.identityStoreId,
          alternateIdentifier: { uniqueAttribute: { attributePath: 'DisplayName', attributeValue: terraformLiteral(props.name) } },
        }).groupId
      : new IdentitystoreGroup(this, 'group', {
          identityStoreId: props.identityStoreId,
          displayName: terraformLiteral(props.name),
          description: 'Managed by rds-iam-access from users.ts: people who may connect to databases',
        }).groupId;

    if (props.usernames.length === 0) return;
    // One membership resource for everyone, keyed by username.
    const members = forEachMap(this, 'member_names', props.usernames, (u) => u, (u) => u);
    const namesLocal = this.node.findChild('member_names') as TerraformLocal;
    const missing = `setsubtract(keys(local.${namesLocal.friendlyUniqueId}), self.users[*].user_name)`;
    const directory = new DataAwsIdentitystoreUsers(this, 'users', {
      identityStoreId: props.identityStoreId,
      lifecycle: {
        // Checked right after the directory is read, before any membership is planned: one plan
        // error naming every missing person, instead of `Invalid index` on the first.
        postcondition: [{
          condition: `\${length(${missing}) == 0}`,
          errorMessage: `Not in the IAM Identity Center identity store: \${join(", ", sort(${missing}))}. Create each person in Identity Center first (the user name must match users.ts exactly, case included), then deploy again.`,
        }],
      },
    });
    const userIds = new TerraformLocal(
      this,
      'user_ids_by_name',
      TerraformIterator.fromList(directory.users).forExpressionForMap('val.user_name', 'val.user_id'),
    );
    new IdentitystoreGroupMembership(this, 'members', {
      forEach: members,
      identityStoreId: props.identityStoreId,
      groupId: this.groupId,
      // An index, not lookup(): should the postcondition above ever be bypassed, a missing name still fails the plan.
      memberId: `\${local.${userIds.friendlyUniqueId}[each.key]}`,
    });
  }
}
