import { validateInputs } from '../../../lib/validation/inputs';
import { validateUsers } from '../../../lib/validation/validate-users';
import { existingFleet, fleet, NOW, people } from '../../fixtures/fleet';

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
    expect(result.expired.map((u) => u.username)).toEqual(['dave']);
    expect(result.active.find((u) => u.username === 'dave')).toBeUndefined();
  });

  test('with invalid entries skipped, a bad entry is granted nothing, reported, and the rest stands', () => {
    const result = validateUsers([...people, { username: 'root', access: { pg: 'admin' } }, { username: 'BOB', access: { pg: 'admin' } }], {
      databases: fleet.databases, now: NOW, invalidEntries: 'skip',
    });
    // Neither bob nor BOB: review never saw the two entries together, so either could be the intruder.
    expect(result.active.map((u) => u.username)).toEqual(['alice', 'carol.x@example.com']);
    expect(result.expired.map((u) => u.username)).toEqual(['dave']);
    expect(result.skipped).toEqual([
      expect.stringMatching(/^users\[4\] \("root"\): username "root" is reserved/),
      expect.stringMatching(/^users\[5\] \("BOB"\): duplicate username/),
      'users[1] ("bob"): granted nothing while another entry has the same name',
    ]);
  });

  test('fails when the list itself is not plain data, even with invalid entries skipped', () => {
    expect(() => validateUsers({ users: [] }, { databases: fleet.databases, now: NOW, invalidEntries: 'skip' })).toThrow(/users: must be an array of entries/);
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

  test("fails when a username is an existing database's declared master user", () => {
    const databases = { ...existingFleet.databases, legacy: { ...existingFleet.databases.legacy, masterUsername: 'legacyowner' } };
    expect(() => validateUsers([{ username: 'LegacyOwner', access: { pg: 'read' } }], { databases, now: NOW }))
      .toThrow(/username "LegacyOwner" is reserved: a master user of config\.ts/);
  });

  test('engine-specific names are reserved only on that engine', () => {
    expect(check([{ username: 'mysql.sys', access: { pg: 'read' } }]).active).toHaveLength(1);
    expect(check([{ username: 'public', access: { my: 'read' } }]).active).toHaveLength(1);
  });

  test('fails when a username is what a Terraform provider logs in as, anywhere in the fleet', () => {
    const loginNames = new Map([['terraform', 'databases.pg.connection.username or RDS_IAM_PG_USERNAME']]);
    expect(() => validateUsers([{ username: 'Terraform', access: { my: 'read' } }], { databases: fleet.databases, now: NOW, loginNames }))
      .toThrow(/username "Terraform" is reserved: the user the Terraform provider logs in as \(databases\.pg\.connection\.username or RDS_IAM_PG_USERNAME\)/);
    const declared = { ...fleet, databases: { ...fleet.databases, pg: { ...fleet.databases.pg, connection: { username: 'deployer' } } } };
    expect(() => validateInputs({ config: declared, users: [{ username: 'deployer', access: { amy: 'read' } }], now: NOW, env: { RDS_IAM_PG_LOGIN: 'iam' } }))
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

  test.each(['2026-13-01', '2026-02-30', '31/12/2026', 20261231, '2026-07-01T24:00Z', '2026-07-01T18Z'])('fails when an expiry date is malformed: %j', (expires) => {
    expect(() => check([{ username: 'zoe', access: { pg: 'read' }, expires }]))
      .toThrow(/expires must be a real day YYYY-MM-DD \(the end of that day, UTC\) or a UTC time YYYY-MM-DDTHH:MMZ/);
  });

  test.each(['2026-07-01T18:00', '2026-07-01 18:00', '2026-07-01T18:00+02:00'])('fails when an expiry time has no zone or is not UTC: %j', (expires) => {
    expect(() => check([{ username: 'zoe', access: { pg: 'read' }, expires }]))
      .toThrow(/expires "2026-07-01.18:00.*" is ambiguous or not UTC; write the time in UTC with Z, e.g. '2026-07-01T18:00Z', or a day alone/);
  });

  test('an expiry time ends access at that instant, to the minute', () => {
    const at = (expires: string) => check([{ username: 'zoe', access: { pg: 'read' }, expires }]);
    // NOW is 2026-06-15T12:00Z.
    expect(at('2026-06-15T12:01Z').active).toHaveLength(1);
    expect(at('2026-06-15T12:00Z').expired.map((u) => u.username)).toEqual(['zoe']);
    expect(at('2026-06-15T11:59:59Z').expired.map((u) => u.username)).toEqual(['zoe']);
  });

  test('fails when an expiry time has passed and the check is strict, saying when', () => {
    expect(() => check([{ username: 'zoe', access: { pg: 'read' }, expires: '2026-06-15T09:30Z' }], 'error'))
      .toThrow(/users\[0\] \("zoe"\): access ended at 2026-06-15T09:30Z \(it is now 2026-06-15T12:00Z\); remove the entry or move expires later/);
  });

  test('fails when expires is more than the horizon ahead, unless the entry says why', () => {
    const far = { username: 'zoe', access: { pg: 'read' }, expires: '2027-06-16' };
    expect(() => check([far])).toThrow(/users\[0\] \("zoe"\): expires "2027-06-16" is more than 365 days ahead; bring it closer, or say why in expiresBeyondHorizon/);
    expect(check([{ ...far, expires: '2027-06-15' }]).active).toHaveLength(1);
    expect(check([{ ...far, expires: '2027-06-15T23:59Z' }]).active).toHaveLength(1);
    expect(() => check([{ ...far, expires: '2027-06-16T00:01Z' }])).toThrow(/more than 365 days ahead/);
    expect(check([{ ...far, expiresBeyondHorizon: 'Two-year contract, HR-7' }]).active).toHaveLength(1);
    const horizon = (days: number) => validateUsers([far], { databases: fleet.databases, now: NOW, expiryHorizonDays: days });
    expect(() => horizon(30)).toThrow(/more than 30 days ahead/);
    expect(horizon(400).active).toHaveLength(1);
  });

  test('fails when expiresBeyondHorizon has no expires, or hides characters', () => {
    expect(() => check([{ username: 'zoe', access: { pg: 'read' }, expiresBeyondHorizon: 'x' }])).toThrow(/expiresBeyondHorizon without expires/);
    expect(() => check([{ username: 'zoe', access: { pg: 'read' }, expires: '2026-07-01', expiresBeyondHorizon: 'a\u202eb' }]))
      .toThrow(/expiresBeyondHorizon "a\u202eb"/);
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
