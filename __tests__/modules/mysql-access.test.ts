import { Testing } from 'cdktf';
import { DefaultRoles } from '../../.gen/providers/mysql/default-roles';
import { Grant } from '../../.gen/providers/mysql/grant';
import { Role } from '../../.gen/providers/mysql/role';
import { User } from '../../.gen/providers/mysql/user';
import { grantDatabasePattern, MysqlAccess } from '../../modules/mysql-access';
import { forEachMaps, LOCAL_FOR_EACH } from '../fixtures/synth';
import '../fixtures/cdktf-matchers';

const synth = (defaultRoles?: boolean) =>
  Testing.synthScope((scope) => {
    new MysqlAccess(scope, 'access', { databases: ['shop', 'archive'], grants: [{ username: 'jane', tier: 'admin' }], defaultRoles });
  });

/** What the terraform_data ordering point `id` waits for. */
const barrier = (out: string, id: string): string[] =>
  (Object.entries(JSON.parse(out).resource.terraform_data) as [string, { depends_on: string[] }][]).find(([key]) => key.startsWith(`access_${id}_`))![1].depends_on;

describe('MysqlAccess', () => {
  test('a person is an IAM user that must use TLS, from any host', () => {
    expect(forEachMaps(synth(), 'mysql_user')).toEqual([{ jane: 'iam_admin' }]);
    expect(synth()).toHaveResourceWithProperties(User, {
      for_each: LOCAL_FOR_EACH,
      user: '${each.key}',
      host: '%',
      auth_plugin: 'AWSAuthenticationPlugin',
      tls_option: 'SSL',
    });
  });

  test('and one grant of their tier role', () => {
    expect(forEachMaps(synth(), 'mysql_grant')).toEqual([{ jane: 'iam_admin' }]);
    expect(synth()).toHaveResourceWithProperties(Grant, {
      for_each: LOCAL_FOR_EACH,
      user: '${each.key}',
      host: '%',
      roles: ['${each.value}'],
      depends_on: [expect.stringMatching(/^terraform_data\.access_users-ready_/)],
    });
    // After the users and the tier roles, through one node rather than person × person edges.
    expect(barrier(synth(), 'users-ready')).toEqual([expect.stringMatching(/^mysql_user\.access_users-[0-9a-f]{2}_/), ...['read', 'write', 'admin'].map((t) => expect.stringMatching(new RegExp(`^mysql_role\\.access_tier-${t}_`)))]);
  });

  test('on MariaDB their tier role is also their default role, set once the role is granted', () => {
    expect(forEachMaps(synth(true), 'mysql_default_roles')).toEqual([{ jane: 'iam_admin' }]);
    expect(synth(true)).toHaveResourceWithProperties(DefaultRoles, {
      for_each: LOCAL_FOR_EACH,
      user: '${each.key}',
      host: '%',
      roles: ['${each.value}'],
      depends_on: [expect.stringMatching(/^terraform_data\.access_user-tiers-ready_/)],
    });
    expect(barrier(synth(true), 'user-tiers-ready')).toEqual([expect.stringMatching(/^mysql_grant\.access_user-tiers-[0-9a-f]{2}_/)]);
    expect(synth()).not.toHaveResource(DefaultRoles);
  });

  test('tier roles hold privileges on every listed database', () => {
    const out = synth();
    expect(out).toHaveResourceWithProperties(Role, { name: 'iam_read' });
    for (const database of ['shop', 'archive']) {
      expect(out).toHaveResourceWithProperties(Grant, { database, table: '*', privileges: ['DELETE', 'INSERT', 'SELECT', 'SHOW VIEW', 'UPDATE'] });
    }
  });

  test('wildcards in a database name are escaped in every grant, never in the database itself', () => {
    const out = Testing.synthScope((scope) => {
      new MysqlAccess(scope, 'access', { databases: ['shop', 'shop_eu'], createDatabases: ['shop_eu'], grants: [] });
    });
    expect(out).toHaveResourceWithProperties(Grant, { database: 'shop\\_eu', depends_on: [expect.stringMatching(/^mysql_database\.access_database-shop_eu_/)] });
    expect(out).not.toHaveResourceWithProperties(Grant, { database: 'shop_eu' });
    expect(Object.values(JSON.parse(out).resource.mysql_database)).toEqual([expect.objectContaining({ name: 'shop_eu' })]);
  });

  test('grantDatabasePattern escapes _, % and the escape character itself', () => {
    expect(grantDatabasePattern('a_b%c\\d')).toBe('a\\_b\\%c\\\\d');
    expect(grantDatabasePattern('plain')).toBe('plain');
  });
});
