import { IdentitystoreGroup } from '@cdktf/provider-aws/lib/identitystore-group';
import { IdentitystoreGroupMembership } from '@cdktf/provider-aws/lib/identitystore-group-membership';
import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { SsoadminInstanceAccessControlAttributes } from '@cdktf/provider-aws/lib/ssoadmin-instance-access-control-attributes';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { Testing } from 'cdktf';
import { AbacAttributes } from '../../modules/abac-attributes';
import { AccessGroup } from '../../modules/access-group';
import { DatabasePermissionSet } from '../../modules/database-permission-set';
import { forEachMaps, LOCAL_FOR_EACH } from '../fixtures/synth';
import '../fixtures/cdktf-matchers';

const INSTANCE = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';

describe('AbacAttributes', () => {
  test('maps a custom key and source, escaped for Terraform', () => {
    const out = Testing.synthScope((scope) => {
      new AbacAttributes(scope, 'abac', { instanceArn: INSTANCE, key: 'dbuser', source: '${path:name.givenName}' });
    });
    expect(out).toHaveResourceWithProperties(SsoadminInstanceAccessControlAttributes, {
      attribute: [{ key: 'dbuser', value: [{ source: ['$${path:name.givenName}'] }] }],
    });
  });
});

describe('AccessGroup', () => {
  test('creates the group and one membership instance per person', () => {
    const out = Testing.synthScope((scope) => {
      new AccessGroup(scope, 'group', { identityStoreId: 'd-1234567890', name: 'db-people', usernames: ['ann', 'ben'] });
    });
    expect(out).toHaveResourceWithProperties(IdentitystoreGroup, { display_name: 'db-people', identity_store_id: 'd-1234567890' });
    expect(forEachMaps(out, 'aws_identitystore_group_membership')).toEqual([{ ann: 'ann', ben: 'ben' }]);
    expect(out).toHaveResourceWithProperties(IdentitystoreGroupMembership, {
      for_each: LOCAL_FOR_EACH,
      member_id: expect.stringMatching(/^\$\{local\.group_user_ids_by_name_[0-9A-F]+\[each\.key\]\}$/),
    });
  });

  test('fails the plan naming every person the identity store lacks, before any membership is planned', () => {
    const out = JSON.parse(Testing.synthScope((scope) => {
      new AccessGroup(scope, 'group', { identityStoreId: 'd-1234567890', name: 'db-people', usernames: ['ann', 'ben'] });
    }));
    const [directory] = Object.values(out.data.aws_identitystore_users) as { lifecycle: { postcondition: unknown[] } }[];
    const missing = String.raw`setsubtract\(keys\(local\.group_member_names_[0-9A-F]+\), self\.users\[\*\]\.user_name\)`;
    expect(directory.lifecycle.postcondition).toEqual([{
      condition: expect.stringMatching(new RegExp(String.raw`^\$\{length\(${missing}\) == 0\}$`)),
      error_message: expect.stringMatching(new RegExp(String.raw`^Not in the IAM Identity Center identity store: \$\{join\(", ", sort\(${missing}\)\)\}\. Create each person in Identity Center first`)),
    }]);
  });

  test('with nobody, lists no users', () => {
    const out = JSON.parse(Testing.synthScope((scope) => {
      new AccessGroup(scope, 'group', { identityStoreId: 'd-1234567890', name: 'db-people', usernames: [] });
    }));
    expect(out.data).toBeUndefined();
    expect(out.locals).toBeUndefined();
  });
});

describe('DatabasePermissionSet', () => {
  test('assigns the permission set to the group in each account', () => {
    const out = Testing.synthScope((scope) => {
      new DatabasePermissionSet(scope, 'ps', { instanceArn: INSTANCE, inlinePolicy: '{}', groupId: 'g-1', accounts: ['111111111111', '222222222222'], sessionDuration: 'PT2H' });
    });
    expect(out).toHaveResourceWithProperties(SsoadminPermissionSet, { name: 'DatabaseAccess', session_duration: 'PT2H' });
    expect(out).toHaveResourceWithProperties(SsoadminAccountAssignment, { target_id: '222222222222', principal_id: 'g-1', principal_type: 'GROUP' });
  });

  test('fails when given both an inline and a customer-managed policy', () => {
    expect(() => Testing.synthScope((scope) => {
      new DatabasePermissionSet(scope, 'ps', { instanceArn: INSTANCE, inlinePolicy: '{}', customerManagedPolicyName: 'p', groupId: 'g', accounts: [] });
    })).toThrow(/give exactly one of inlinePolicy and customerManagedPolicyName/);
  });
});
