import { DefaultPrivileges } from '@cdktf/provider-postgresql/lib/default-privileges';
import { Grant } from '@cdktf/provider-postgresql/lib/grant';
import { GrantRole } from '@cdktf/provider-postgresql/lib/grant-role';
import { Role } from '@cdktf/provider-postgresql/lib/role';
import { Testing } from 'cdktf';
import { PostgresAccess, PostgresAccessProps } from '../../modules/postgres-access';
import { forEachMaps, LOCAL_FOR_EACH } from '../fixtures/synth';
import '../fixtures/cdktf-matchers';

const synth = (props: Partial<PostgresAccessProps> = {}) =>
  Testing.synthScope((scope) => {
    new PostgresAccess(scope, 'access', { databaseName: 'app', objectOwners: ['dbmaster'], grants: [{ username: 'jane', tier: 'write' }], ...props });
  });

describe('PostgresAccess', () => {
  test('a person is a LOGIN role plus memberships in rds_iam and their tier, with no password ever valid; removal revokes the memberships and leaves the role, owning what it owned, for the audit', () => {
    const out = synth({ locked: [{ username: 'old', tier: 'read' }] });
    expect(forEachMaps(out, 'postgresql_role')).toEqual([{ jane: { tier: 'iam_write', login: true }, old: { tier: 'iam_read', login: false } }]);
    expect(out).toHaveResourceWithProperties(Role, {
      for_each: LOCAL_FOR_EACH,
      name: '${each.key}',
      login: '${each.value.login}',
      // Never REASSIGN OWNED to the provider's login (the master): a definer function would run as it.
      valid_until: '-infinity',
      skip_reassign_owned: true,
      skip_drop_role: true,
    });
    expect(forEachMaps(out, 'postgresql_grant_role')).toEqual([{ jane: 'iam_write' }, { jane: 'iam_write' }]);
    expect(out).toHaveResourceWithProperties(GrantRole, { for_each: LOCAL_FOR_EACH, role: '${each.key}', grant_role: 'rds_iam' });
  });

  test('memberships wait for the roles through one terraform_data, never person × person', () => {
    const resource = JSON.parse(synth()).resource;
    const [[barrier, { depends_on: waitsFor }]] = Object.entries(resource.terraform_data) as [string, { depends_on: string[] }][];
    expect(waitsFor).toEqual([expect.stringMatching(/^postgresql_role\.access_users-[0-9a-f]{2}_/)]);
    for (const grant of Object.values(resource.postgresql_grant_role) as { depends_on: string[]; lifecycle: object }[]) {
      expect(grant).toEqual(expect.objectContaining({ depends_on: [`terraform_data.${barrier}`], lifecycle: { create_before_destroy: true } }));
    }
  });

  test('tier roles and the powerless owner cannot log in; the powerless owner is in no role', () => {
    const roles = (Object.values(JSON.parse(synth()).resource.postgresql_role) as { name: string; login: boolean; roles: string[] }[]).filter((r) => !r.name.includes('each'));
    expect(roles.filter((r) => r.name.startsWith('iam_')).map((r) => [r.name, r.login]).sort()).toEqual([['iam_admin', false], ['iam_departed', false], ['iam_read', false], ['iam_write', false]]);
    expect(roles.find((r) => r.name === 'iam_departed')).toEqual(expect.objectContaining({ roles: [], valid_until: '-infinity' }));
  });

  test('functions the master and the admin tier create later grant no EXECUTE to PUBLIC (database-wide: a schema default cannot revoke)', () => {
    const out = synth({ schemas: ['sales'] });
    for (const owner of ['dbmaster', expect.stringMatching(/^\$\{postgresql_role\.access_tier-admin_\w+\.name\}$/)]) {
      expect(out).toHaveResourceWithProperties(DefaultPrivileges, { database: 'app', owner, role: 'public', object_type: 'function', privileges: [] });
    }
    const functionDefaults = Object.values(JSON.parse(out).resource.postgresql_default_privileges as Record<string, { object_type: string; schema?: string }>).filter((d) => d.object_type === 'function');
    expect(functionDefaults.map((d) => d.schema)).toEqual([undefined, undefined]);
  });

  test('schemas default to public; read gets CONNECT on the database', () => {
    const out = synth();
    expect(out).toHaveResourceWithProperties(Grant, { database: 'app', object_type: 'database', privileges: ['CONNECT'] });
    expect(out).toHaveResourceWithProperties(Grant, { schema: 'public', object_type: 'schema', privileges: ['USAGE'] });
    expect(out).toHaveResourceWithProperties(Grant, { schema: 'public', object_type: 'schema', privileges: ['CREATE', 'USAGE'] });
  });

  test('write adds DML and sequence use, now and for future objects of each owner', () => {
    const out = synth({ schemas: ['sales'] });
    const sales = expect.stringMatching(/^\$\{postgresql_schema\.access_schema-sales_\w+\.name\}$/);
    expect(out).toHaveResourceWithProperties(Grant, { schema: sales, object_type: 'table', privileges: ['DELETE', 'INSERT', 'SELECT', 'UPDATE'] });
    expect(out).toHaveResourceWithProperties(DefaultPrivileges, { schema: sales, owner: 'dbmaster', object_type: 'sequence', privileges: ['SELECT', 'UPDATE', 'USAGE'] });
  });
});
