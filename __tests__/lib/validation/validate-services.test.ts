import { validateInputs } from '../../../lib/validation/inputs';
import { validateServices, ValidateServicesOptions } from '../../../lib/validation/validate-services';
import { fleet, NOW, people, services } from '../../fixtures/fleet';

const check = (list: unknown, usernames: readonly string[] = [], options: Partial<ValidateServicesOptions> = {}) => validateServices(list, { config: fleet, usernames, now: NOW, ...options });
const one = (entry: Record<string, unknown>, options: Partial<ValidateServicesOptions> = {}) =>
  check([{ name: 'reports-api', role: { trust: 'ecs-tasks' }, access: { pg: 'read' }, owner: 'team-reports', ...entry }], [], options);

describe('validateServices', () => {
  test('returns the services sorted by name, each with the environment of its account', () => {
    const result = check(services).active;
    expect(result.map((s) => [s.name, s.environmentKey, [...s.access]])).toEqual([
      ['etl', 'staging', [['amy', 'read'], ['apg', 'write']]],
      ['reports-api', 'production', [['my', 'write'], ['pg', 'read']]],
    ]);
    expect(result[1]).toMatchObject({ role: { trust: 'ecs-tasks' }, owner: 'team-reports', reason: 'REP-7' });
  });

  test('fails when a service takes a username of users.ts, compared ignoring case', () => {
    expect(() => check([{ name: 'Alice', role: { trust: 'lambda' }, access: { pg: 'read' }, owner: 'x' }], ['alice']))
      .toThrow(/services\[0\] \("Alice"\): name "Alice" is also a username in users\.ts \("alice"; names are compared ignoring case\): a service and a person cannot share a database user; rename the service/);
  });

  test('fails when two services share a name, compared ignoring case', () => {
    expect(() => check([...services, { name: 'ETL', role: { trust: 'lambda' }, access: { pg: 'read' }, owner: 'x' }]))
      .toThrow(/services\[2\] \("ETL"\): duplicate name: services\[1\] is "etl" \(names are compared ignoring case\)/);
  });

  test.each([
    ['root', /name "root" is reserved: a name people guess at for superusers; choose another service name/],
    ['dbmaster', /name "dbmaster" is reserved: a master user of config\.ts/],
    ['rds_iam', /name "rds_iam" is reserved: RDS owns names starting with rds/],
    ['pg_monitor', /name "pg_monitor" is reserved: PostgreSQL owns role names starting with pg_/],
    ['iam_write', /name "iam_write" is reserved: a tier role of this project/],
  ])('fails when the name is reserved: %s', (name, message) => {
    expect(() => one({ name })).toThrow(message);
  });

  test('fails when the name is what a Terraform provider logs in as', () => {
    const loginNames = new Map([['terraform', 'databases.my.connection.username or RDS_IAM_MY_USERNAME']]);
    expect(() => validateServices([{ name: 'terraform', role: { trust: 'ec2' }, access: { pg: 'read' }, owner: 'x' }], { config: fleet, loginNames, now: NOW }))
      .toThrow(/name "terraform" is reserved: the user the Terraform provider logs in as \(databases\.my\.connection\.username or RDS_IAM_MY_USERNAME\)/);
  });

  test.each([
    [{ name: 'orders api' }, /name contains a space; use only letters, digits and \. _ @ \+ = -/],
    [{ name: 'a'.repeat(33) }, /name is 33 characters; at most 32 \(MySQL's user names, and IAM role names with the rds-iam- prefix\); use a shorter service name/],
    [{ name: '' }, /name is empty; give the service's database user name, e\.g\. 'orders-api'/],
    [{ name: 7 }, /name must be a string, got 7/],
    [{ access: { nope: 'read' } }, /unknown database "nope"; the databases in config\.ts are amy, apg, my, pg/],
    [{ access: { pg: 'owner' } }, /unknown tier "owner" for database "pg"/],
    [{ access: {} }, /access is empty/],
    [{ role: { trust: 'batch' } }, /role\.trust "batch" is not one of ec2, ecs-tasks, lambda, eks-pod-identity/],
    [{ role: { arn: 'arn:aws:iam::123456789012:user/bob' } }, /role\.arn "arn:aws:iam::123456789012:user\/bob" is not an IAM role ARN/],
    [{ role: { arn: 'arn:aws:iam::999999999999:role/x' } }, /role\.arn is in account 999999999999, its databases in 123456789012; a role connects only to databases of its own account/],
    [{ role: { arn: 'arn:aws:iam::123456789012:role/x', trust: 'ec2' } }, /role must be \{ trust: 'ecs-tasks' \} \(a role this project creates\) or \{ arn: .* \(one that exists\), got/],
    [{ role: 'ecs' }, /role must be .*, got "ecs"/],
    [{ access: { pg: 'read', apg: 'read' } }, /access spans accounts 123456789012 and 210987654321 \(pg: 123456789012, apg: 210987654321\); a role connects only to databases of its own account/],
    [{ reason: 'line\nbreak' }, /reason "line\\nbreak" contains the invisible or control character U\+000A/],
    [{ team: 'a' }, /unknown field "team"; the fields are name, role, access, owner, expires, expiresBeyondHorizon, reason/],
    [{ owner: undefined }, /owner must name who answers for this service \(a team or a person\), got undefined; e\.g\. owner: 'team-orders'/],
    [{ owner: ' ' }, /owner must name who answers for this service/],
    [{ owner: 'team\u202Ea' }, /owner "team.a" contains the invisible or control character U\+202E; write plain text on one line$/m],
    [{ expires: '2026-13-01' }, /expires must be a real day YYYY-MM-DD/],
    [{ expires: '2028-01-01' }, /expires "2028-01-01" is more than 365 days ahead; bring it closer, or say why in expiresBeyondHorizon/],
  ])('fails when an entry has %j', (entry, message) => {
    expect(() => one(entry)).toThrow(message);
  });

  test('fails when an existing role is not one config.ts lists for services of that account', () => {
    // A role a person can assume would carry a service's standing access to them.
    expect(() => one({ role: { arn: 'arn:aws:iam::123456789012:role/ops-admin' } }))
      .toThrow(/role\.arn "arn:aws:iam::123456789012:role\/ops-admin" is not in serviceRoleArns of environments\.production in config\.ts; the platform lists the existing roles services may use there/);
    // Listed for another account's environment: still refused.
    expect(() => one({ role: { arn: 'arn:aws:iam::123456789012:role/data/etl' } })).toThrow(/is not in serviceRoleArns of environments\.production/);
  });

  test('accepts an existing role config.ts lists, as written', () => {
    expect(check(services).active.find((s) => s.name === 'etl')?.role).toEqual({ arn: 'arn:aws:iam::210987654321:role/data/etl' });
  });

  test('an expired service is granted nothing and named for locking; review fails on it instead', () => {
    const result = one({ expires: '2026-06-01' });
    expect(result.active).toEqual([]);
    expect(result.expired).toEqual([{ name: 'reports-api', access: new Map([['pg', 'read']]) }]);
    expect(one({ expires: '2026-06-20' }).active[0]).toMatchObject({ name: 'reports-api', expires: '2026-06-20' });
  });

  test('fails when a service has expired and the check is strict (review)', () => {
    expect(() => one({ expires: '2026-06-01' }, { onExpired: 'error' })).toThrow(/access expired after 2026-06-01 \(today is 2026-06-15\); remove the entry or move expires to a future day/);
  });

  test('with invalid entries skipped, a bad entry is granted nothing and the others stand', () => {
    const result = check([...services, { name: 'root', role: { trust: 'ec2' }, access: { pg: 'admin' }, owner: 'x' }], [], { invalidEntries: 'skip' });
    expect(result.active.map((s) => s.name)).toEqual(['etl', 'reports-api']);
    expect(result.skipped).toEqual([expect.stringMatching(/^services\[2\] \("root"\): name "root" is reserved/)]);
  });

  test('with invalid entries skipped, a person and a service of one name are both granted nothing', () => {
    // Two pull requests, each valid alone: a person named reports-api, and the service reports-api.
    const person = { username: 'Reports-API', access: { pg: 'admin' } };
    const runner = validateInputs({ config: fleet, users: [...people, person], services, now: NOW, invalidEntries: 'skip' });
    expect(runner.validated.active.map((u) => u.username)).not.toContain('Reports-API');
    expect(runner.services.map((s) => s.name)).toEqual(['etl']);
    expect(runner.skipped).toEqual(expect.arrayContaining([
      'users.ts: "Reports-API": granted nothing while services.ts has a service of that name',
      expect.stringMatching(/^services\.ts: services\[0\] \("reports-api"\): name "reports-api" is also a username in users\.ts/),
    ]));
  });

  test('with invalid entries skipped, two services of one name are both granted nothing', () => {
    const result = check([...services, { name: 'ETL', role: { trust: 'lambda' }, access: { pg: 'admin' }, owner: 'x' }], [], { invalidEntries: 'skip' });
    expect(result.active.map((s) => s.name)).toEqual(['reports-api']);
  });

  test('fails with config.ts\'s own message, not a crash, when a database names an undeclared environment', () => {
    const config = { ...fleet, databases: { ...fleet.databases, pg: { ...fleet.databases.pg, environment: 'nowhere' } } };
    expect(() => validateInputs({ config, users: people, services, now: NOW })).toThrow(/databases\.pg: environment "nowhere" is not declared/);
  });

  test('fails when the list is not a list of plain entries', () => {
    expect(() => check({ name: 'x' })).toThrow(/services: must be an array of entries, got object/);
    expect(() => check(['orders-api'])).toThrow(/services\[0\]: must be an object like \{ name: 'orders-api'/);
  });

  test('validateInputs reports users.ts and services.ts problems together', () => {
    const bad = () => validateInputs({ config: fleet, users: [...people, { username: 'root', access: { pg: 'read' } }], services: [{ name: 'bob', role: { trust: 'ec2' }, access: { pg: 'read' }, owner: 'x' }], now: NOW });
    expect(bad).toThrow(/users\.ts has 1 problem:[\s\S]*"root" is reserved[\s\S]*services\.ts has 1 problem:[\s\S]*name "bob" is also a username in users\.ts/);
  });
});
