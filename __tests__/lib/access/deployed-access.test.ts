import { deployedAccess } from '../../../lib/access/deployed-access';
import { existingFleet, existingPeople } from '../../fixtures/fleet';
import { synthStacks } from '../../fixtures/synth';

describe('deployedAccess', () => {
  const access = deployedAccess(synthStacks());

  test('reads who has which tier on each database from the users stacks (expired entries grant nothing)', () => {
    expect(access.databases.pg.people).toEqual({ alice: 'admin', bob: 'write' });
    expect(access.databases.my.people).toEqual({ alice: 'admin', bob: 'read', 'carol.x@example.com': 'write' });
    expect(Object.keys(access.databases).sort()).toEqual(['amy', 'apg', 'my', 'pg']);
  });

  test('reads what each tier can do and where', () => {
    expect(access.databases.pg.tiers.read).toEqual(expect.arrayContaining([
      'CONNECT on database app', 'SELECT on all tables in schema reporting', 'USAGE on schema public',
    ]));
    expect(access.databases.pg.tiers.write).toContain('member of iam_read');
    expect(access.databases.my.tiers.read).toEqual(['SELECT, SHOW VIEW on shop.*']);
    expect(access.databases.pg.scopes).toEqual(['schema public', 'schema reporting']);
    expect(access.databases.my.scopes).toEqual(['database shop']);
  });

  test("reads what every person's own database user is, the same for everyone", () => {
    expect(access.databases.pg.perPerson).toEqual(['can log in', 'member of <tier>', 'member of rds_iam']);
    expect(access.databases.my.perPerson).toEqual(['member of <tier>', 'user <person>@%, AWSAuthenticationPlugin login, TLS SSL']);
  });

  test('reads network reach from the database stacks', () => {
    expect(access.databases.pg.network).toEqual(['tcp 5432-5432 from 10.0.0.0/16']);
  });

  test('reads existing databases like created ones, saying their network is managed elsewhere', () => {
    const withExisting = deployedAccess(synthStacks({ config: existingFleet, users: existingPeople }));
    expect(withExisting.databases.legacy.people).toEqual({ alice: 'admin', bob: 'read' });
    expect(withExisting.databases.legacy.network).toEqual(['existing instance legacy-db: network managed outside this project']);
    expect(withExisting.databases.ledger.network).toEqual(['existing cluster ledger-cluster: network managed outside this project']);
    const [policy] = Object.values(withExisting.identityCenter?.policies ?? {});
    expect(policy).toContain('"arn:aws:rds-db:eu-west-1:123456789012:dbuser:<resource_id of database-legacy>/${aws:PrincipalTag/username}"');
    expect(policy).toContain('"arn:aws:rds-db:us-east-1:210987654321:dbuser:<cluster_resource_id of database-ledger>/${aws:PrincipalTag/username}"');
  });

  test('reads Identity Center members, policy and assignments, with references made readable', () => {
    expect(access.identityCenter?.members).toEqual(['alice', 'bob', 'carol.x@example.com']);
    expect(access.identityCenter?.assignments).toEqual(['GROUP → AWS_ACCOUNT 123456789012', 'GROUP → AWS_ACCOUNT 210987654321']);
    const [policy] = Object.values(access.identityCenter?.policies ?? {});
    expect(policy).toContain('"arn:aws:rds-db:eu-west-1:123456789012:dbuser:<resource_id of database-pg>/${aws:PrincipalTag/username}"');
  });

  test('lists every resource it does not model, so nothing a stack declares goes unreported', () => {
    const stacks = synthStacks();
    const users = stacks['users-pg'] as { resource: Record<string, Record<string, unknown>> };
    users.resource.postgresql_extension = { sneaky: { name: 'dblink', database: 'app' } };
    expect(deployedAccess(stacks).other['users-pg postgresql_extension.sneaky']).toBe('{\n  "database": "app",\n  "name": "dblink"\n}');
  });

  test('shows a tier made superuser or given a role outside the project', () => {
    const stacks = synthStacks();
    const roles = (stacks['users-pg'] as { resource: Record<string, Record<string, Record<string, unknown>>> }).resource.postgresql_role;
    const read = Object.values(roles).find((r) => r.name === 'iam_read')!;
    read.superuser = true;
    read.roles = ['rds_superuser'];
    expect(deployedAccess(stacks).databases.pg.tiers.read).toEqual(expect.arrayContaining(['member of rds_superuser', 'superuser']));
  });
});
