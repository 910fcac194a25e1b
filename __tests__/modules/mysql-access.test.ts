import { Testing } from 'cdktf';
import { Grant } from '../../.gen/providers/mysql/grant';
import { Role } from '../../.gen/providers/mysql/role';
import { User } from '../../.gen/providers/mysql/user';
import { MysqlAccess } from '../../modules/mysql-access';

const synth = () =>
  Testing.synthScope((scope) => {
    new MysqlAccess(scope, 'access', { databases: ['shop', 'archive'], grants: [{ username: 'jane', tier: 'admin' }] });
  });

describe('MysqlAccess', () => {
  test('a person is an IAM user that must use TLS, from any host', () => {
    expect(synth()).toHaveResourceWithProperties(User, {
      for_each: { jane: 'jane' },
      user: '${each.key}',
      host: '%',
      auth_plugin: 'AWSAuthenticationPlugin',
      tls_option: 'SSL',
    });
  });

  test('and one grant of their tier role', () => {
    expect(synth()).toHaveResourceWithProperties(Grant, {
      for_each: { jane: 'iam_admin' },
      user: '${each.key}',
      host: '%',
      roles: ['${each.value}'],
      depends_on: expect.arrayContaining([expect.stringMatching(/^mysql_user\.access_users_/), expect.stringMatching(/^mysql_role\.access_tier-admin_/)]),
    });
  });

  test('tier roles hold privileges on every listed database', () => {
    const out = synth();
    expect(out).toHaveResourceWithProperties(Role, { name: 'iam_read' });
    for (const database of ['shop', 'archive']) {
      expect(out).toHaveResourceWithProperties(Grant, { database, table: '*', privileges: ['DELETE', 'INSERT', 'SELECT', 'SHOW VIEW', 'UPDATE'] });
    }
  });
});
