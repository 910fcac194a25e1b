import { validateInputs } from '../../../lib/validation/inputs';
import { validateUsers } from '../../../lib/validation/validate-users';
import { fleet, NOW, people } from '../../fixtures/fleet';

const check = (users: readonly unknown[], onExpired: 'drop' | 'error' = 'drop') =>
  validateUsers(users, { databases: fleet.databases, now: NOW, onExpired });

describe('validateUsers', () => {
  test('returns active users sorted by username, whatever the input order', () => {
    const result = check([...people].reverse());
    expect(result.active.map((u) => u.username)).toEqual(['alice', 'bob', 'carol.x@example.com']);
    expect(result.active[1].access).toEqual(new Map([['my', 'read'], ['pg', 'write']]));
    expect(result.active[0].displayName).toBe('alice');
  });

  test('drops an entry after its last day and lists it as expired', () => {
    const result = check(people);
    expect(result.expired).toEqual(['dave']);
    expect(result.active.find((u) => u.username === 'dave')).toBeUndefined();
  });

  test('keeps access through the whole last day (UTC)', () => {
    const lastDay = [{ username: 'erin', access: { pg: 'read' }, expires: '2026-06-15' }];
    expect(check(lastDay).active).toHaveLength(1);
  });

  test('accepts Identity Center e-mail style names', () => {
    expect(check([{ username: 'jane.doe+ops@example.com', access: { pg: 'read' } }]).active).toHaveLength(1);
  });

  test('fails when an entry has expired and the check is strict', () => {
    expect(() => check(people, 'error')).toThrow(/users\[3\] \("dave"\): access expired after 2026-06-14 \(today is 2026-06-15\); remove the entry/);
  });

  test('fails when two usernames differ only by case', () => {
    expect(() => check([{ username: 'alice', access: { pg: 'read' } }, { username: 'Alice', access: { my: 'read' } }]))
      .toThrow(/users\[1\] \("Alice"\): duplicate username: users\[0\] is "alice"/);
  });

  test('fails when a username is empty or whitespace', () => {
    expect(() => check([{ username: '  ', access: { pg: 'read' } }])).toThrow(/users\[0\] \(" {2}"\): username is empty/);
  });

  test.each([
    ["o'brien", /contains "'"/],
    ['back`tick', /contains "`"/],
    ['star*', /contains "\*"/],
    ['what?', /contains "\?"/],
    ['dollar$', /contains "\$"/],
    ['team/alice', /contains "\/"/],
    ['alice smith', /contains a space/],
    ['bell\u0007', /contains a control character \(U\+0007\)/],
    ['-flag', /must start with a letter or digit/],
  ])('fails when a username has unsafe characters: %j', (username, message) => {
    expect(() => check([{ username, access: { pg: 'read' } }])).toThrow(message);
  });

  test('fails when a username is longer than MySQL allows (32)', () => {
    const username = 'a'.repeat(33);
    expect(() => check([{ username, access: { my: 'read' } }])).toThrow(/username is 33 characters; MySQL allows at most 32/);
    expect(check([{ username, access: { pg: 'read' } }]).active).toHaveLength(1);
  });

  test('fails when a username is longer than PostgreSQL allows (63)', () => {
    expect(() => check([{ username: 'a'.repeat(64), access: { pg: 'read' } }])).toThrow(/PostgreSQL allows at most 63/);
  });

  test.each([
    ['root', 'pg', /"root" is reserved: a name people guess at for superusers/],
    ['Admin', 'my', /"Admin" is reserved: a name people guess at/],
    ['rdsadmin', 'my', /RDS owns names starting with rds/],
    ['rds_superuser', 'pg', /RDS owns names starting with rds/],
    ['rds_replication', 'pg', /RDS owns names starting with rds/],
    ['rds_password', 'pg', /RDS owns names starting with rds/],
    ['postgres', 'pg', /the PostgreSQL bootstrap superuser/],
    ['none', 'pg', /"none" is reserved: a PostgreSQL reserved role name/],
    ['public', 'pg', /a PostgreSQL reserved role name/],
    ['current_user', 'pg', /a PostgreSQL reserved role name/],
    ['session_user', 'pg', /a PostgreSQL reserved role name/],
    ['current_role', 'pg', /a PostgreSQL reserved role name/],
    ['pg_monitor', 'pg', /PostgreSQL owns role names starting with pg_/],
    ['mysql.sys', 'my', /a MySQL\/MariaDB system account/],
    ['mysql.infoschema', 'amy', /a MySQL\/MariaDB system account/],
    ['mariadb.sys', 'my', /a MySQL\/MariaDB system account/],
    ['AWS_LAMBDA_ACCESS', 'amy', /an RDS\/Aurora MySQL integration role \(AWS_\*_ACCESS\)/],
    ['aws_load_s3_access', 'my', /AWS_\*_ACCESS/],
    ['dbmaster', 'pg', /a master user of config\.ts/],
    ['iam_read', 'my', /a tier role of this project/],
  ])('fails when a username is reserved: %s on %s', (username, database, message) => {
    expect(() => check([{ username, access: { [database]: 'read' } }])).toThrow(message);
  });

  test('engine-specific names are reserved only on that engine', () => {
    expect(check([{ username: 'mysql.sys', access: { pg: 'read' } }]).active).toHaveLength(1);
    expect(check([{ username: 'public', access: { my: 'read' } }]).active).toHaveLength(1);
  });

  test('fails when a username is what a Terraform provider logs in as, anywhere in the fleet', () => {
    const loginNames = new Map([['terraform', 'databases.pg.connection.username or RDS_IAM_PG_USERNAME']]);
    expect(() => validateUsers([{ username: 'Terraform', access: { my: 'read' } }], { databases: fleet.databases, now: NOW, loginNames }))
      .toThrow(/username "Terraform" is reserved: the user the Terraform provider logs in as \(databases\.pg\.connection\.username or RDS_IAM_PG_USERNAME\)/);
    expect(() => validateInputs({ config: fleet, users: [{ username: 'deployer', access: { amy: 'read' } }], now: NOW, env: { RDS_IAM_PG_LOGIN: 'iam', RDS_IAM_PG_USERNAME: 'deployer' } }))
      .toThrow(/users\[0\].*"deployer" is reserved: the user the Terraform provider logs in as \(databases\.pg\.connection\.username or RDS_IAM_PG_USERNAME\)/);
  });

  test('fails when a database key is unknown', () => {
    expect(() => check([{ username: 'zoe', access: { nope: 'read' } }]))
      .toThrow(/users\[0\] \("zoe"\): unknown database "nope"; the databases in config.ts are amy, apg, my, pg/);
  });

  test('fails when a tier is unknown', () => {
    expect(() => check([{ username: 'zoe', access: { pg: 'superuser' } }]))
      .toThrow(/unknown tier "superuser" for database "pg"; use one of read, write, admin/);
  });

  test('fails when access is empty', () => {
    expect(() => check([{ username: 'zoe', access: {} }])).toThrow(/access is empty/);
  });

  test.each(['2026-13-01', '2026-02-30', '31/12/2026', 20261231])('fails when an expiry date is malformed: %j', (expires) => {
    expect(() => check([{ username: 'zoe', access: { pg: 'read' }, expires }])).toThrow(/expires must be a real day written YYYY-MM-DD/);
  });

  test.each([
    ['a newline and an HTML comment', 'reason', 'ok\n<!--', /reason "ok\\n<!--" contains the invisible or control character U\+000A/],
    ['a bidi override', 'displayName', 'Ann \u202Enimda', /displayName "Ann \u202Enimda" contains the invisible or control character U\+202E/],
    ['a zero-width space', 'displayName', 'Ann\u200B', /U\+200B/],
    ['more than 300 characters', 'reason', 'x'.repeat(301), /reason "x+" is 301 characters long; the limit is 300/],
    ['more than 100 characters', 'displayName', 'y'.repeat(101), /the limit is 100/],
  ])('fails when free text holds %s', (_, field, value, message) => {
    expect(() => check([{ username: 'dave', access: { pg: 'read' }, [field]: value }])).toThrow(message);
  });

  test('fails when an entry has an unknown field', () => {
    expect(() => check([{ username: 'zoe', access: { pg: 'read' }, expiry: '2027-01-01' }])).toThrow(/unknown field "expiry"/);
  });

  test('fails when an entry is not an object', () => {
    expect(() => check(['zoe'])).toThrow(/users\[0\]: must be an object/);
  });

  test('fails with every problem listed at once', () => {
    const bad = [
      { username: 'root', access: { pg: 'read' } },
      { username: 'ok', access: { nope: 'read' } },
      { username: 'x y', access: { pg: 'owner' } },
    ];
    expect(() => check(bad)).toThrow(/users.ts has 4 problems:\n {2}- users\[0\]/);
  });
});
