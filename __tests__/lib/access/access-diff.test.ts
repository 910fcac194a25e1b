import { accessDiff, isUnchanged, massRemoval, PersonNotes, RemovalGuardOptions, RevisionAccess } from '../../../lib/access/access-diff';
import { DeployedDatabase } from '../../../lib/access/deployed-access';
import { UserEntry } from '../../../lib/model/types';
import { cloneFleet, fleet, NOW, onlyDatabases, people } from '../../fixtures/fleet';
import { synthRevision as revision } from '../../fixtures/synth';

describe('accessDiff', () => {
  const base = revision();

  test('finds nothing between two synths of the same input, whatever the order of users.ts', () => {
    expect(isUnchanged(accessDiff(base, revision([...people].reverse())))).toBe(true);
  });

  test('finds gains, losses, tier and expiry changes', () => {
    const after: UserEntry[] = [
      { username: 'alice', access: { pg: 'admin', my: 'admin', apg: 'admin' } },
      { username: 'bob', access: { pg: 'read', my: 'read' } },
      { username: 'carol.x@example.com', access: { my: 'write', amy: 'read' }, expires: '2027-03-31', reason: 'T-1' },
      { username: 'erin', access: { apg: 'write' } },
    ];
    const diff = accessDiff(base, revision(after));
    expect(diff.gains).toEqual([{ person: 'erin', database: 'apg', to: 'write' }]);
    expect(diff.losses).toEqual([{ person: 'alice', database: 'amy', from: 'admin' }]);
    expect(diff.tierChanges).toEqual([{ person: 'bob', database: 'pg', from: 'write', to: 'read' }]);
    expect(diff.expiryChanges).toEqual([{ person: 'carol.x@example.com', from: '2026-12-31', to: '2027-03-31' }]);
    expect(diff.identityCenterMembers).toEqual({ where: 'identity-center', added: ['erin'], removed: [] });
  });

  test('finds a schema added in config.ts, though users.ts is unchanged', () => {
    const config = cloneFleet();
    config.databases.pg.schemas = ['public', 'reporting', 'audit'];
    const diff = accessDiff(base, revision(people, config as typeof fleet));
    expect(diff.scopes).toEqual([{ where: 'pg', added: ['schema audit'], removed: [] }]);
    expect(diff.abilities).toContainEqual(expect.objectContaining({ where: 'pg read', added: expect.arrayContaining(['SELECT on all tables in schema audit']) }));
    expect(isUnchanged(diff)).toBe(false);
  });

  test('finds a privilege added to a tier, one privilege at a time', () => {
    const diff = accessDiff(base, revision(people, fleet, (stacks) => {
      const grants = stacks['users-my'].resource.mysql_grant;
      const read = Object.values(grants).find((g: any) => g.role?.includes('tier-read') && g.privileges) as { privileges: string[] };
      read.privileges = [...read.privileges, 'INSERT', 'DROP'];
    }));
    expect(diff.abilities).toEqual([{ where: 'my read', added: ['DROP, INSERT on shop.*'], removed: [] }]);
  });

  test('finds a policy change and a changed resource it does not model', () => {
    const config = cloneFleet();
    config.identityCenter!.sessionDuration = 'PT12H';
    const diff = accessDiff(base, revision(people.slice(0, 3), config as typeof fleet));
    expect(diff.other.map((c) => c.where)).toEqual(['identity-center aws_ssoadmin_permission_set.permission-set/permission-set']);
    const removedDb = cloneFleet();
    delete removedDb.databases.amy;
    const policy = accessDiff(base, revision(people.map((p) => ({ ...p, access: { pg: 'read' as const } })), removedDb as typeof fleet)).policies;
    expect(policy).toHaveLength(1);
    expect(policy[0].before).toContain('database-amy');
    expect(policy[0].after).not.toContain('database-amy');
  });
});

/** The guard as validate runs it, on the tests' clock. */
const guard = (base: RevisionAccess, head: RevisionAccess, options: RemovalGuardOptions = {}) => massRemoval(accessDiff(base, head), base, head, { now: NOW, ...options });

describe('massRemoval', () => {
  // Everyone is on pg, so pg is the only database these revisions need.
  const { config } = onlyDatabases('pg');
  const many: UserEntry[] = ['p1', 'p2', 'p3', 'p4', 'p5'].map((username) => ({ username, access: { pg: 'read' } }));
  const onPg = (users: UserEntry[]) => revision(users, config);
  const base = onPg(many);

  test('is nothing for removals up to the threshold', () => {
    expect(guard(base, onPg(many.slice(3)))).toBeUndefined();
  });

  test('fails when more people than the threshold lose all access, naming them and an acknowledgement for exactly that', () => {
    const removal = guard(base, onPg(many.slice(4)));
    expect(removal?.reasons).toEqual(['4 of 5 people lose all database access (more than 3): p1, p2, p3, p4']);
    expect(removal?.acknowledgement).toMatch(/^remove-4-0-[0-9a-f]{32}$/);
    const other = guard(base, onPg([...many.slice(0, 1), ...many.slice(2, 3)]));
    expect(other?.acknowledgement).not.toBe(removal?.acknowledgement);
    expect(guard(base, onPg(many.slice(4)), { maxRemovedPeople: 4 })).toBeUndefined();
  });

  test('fails when a database key disappears (a rename replaces the database)', () => {
    const renamed = { ...config, databases: { postgres: config.databases.pg } };
    const moved = many.map((p) => ({ ...p, access: { postgres: 'read' as const } }));
    const removal = guard(base, revision(moved, renamed));
    expect(removal?.reasons).toEqual([expect.stringMatching(/^database key pg disappears: its database and users stacks would be destroyed/)]);
  });
});

describe('massRemoval, counted as access ends', () => {
  /** A revision from who has which database, without a synth: the guard reads only that and the notes. */
  const shaped = (people: Record<string, readonly string[]>, notes: Record<string, PersonNotes> = {}): RevisionAccess => {
    const databases: Record<string, DeployedDatabase> = {};
    for (const [name, keys] of Object.entries(people)) {
      for (const key of keys) {
        databases[key] ??= { people: {}, tiers: {}, scopes: [], perPerson: [], network: [] };
        (databases[key].people as Record<string, string>)[name] = 'read';
      }
    }
    return { access: { databases, other: {} }, notes: new Map(Object.entries(notes)) };
  };
  const five = { p1: ['pg', 'my'], p2: ['pg', 'my'], p3: ['pg', 'my'], p4: ['pg', 'my'], p5: ['pg'] };

  test('fails when more than 3 people lose one database though they keep another', () => {
    const head = shaped({ p1: ['my'], p2: ['my'], p3: ['my'], p4: ['my'], p5: ['pg'] });
    expect(guard(shaped(five), head)?.reasons).toEqual(['4 of 5 people lose access to pg (more than 3): p1, p2, p3, p4']);
  });

  test('fails when an expiry set to tomorrow on 4 of 5 people ends their access within the window, and not beyond it', () => {
    const soon = (expires: string) => Object.fromEntries(['p1', 'p2', 'p3', 'p4'].map((p) => [p, { expires }]));
    const removal = guard(shaped(five), shaped(five, soon('2026-06-16')));
    expect(removal?.reasons).toEqual([
      '4 of 5 people lose all database access at once or within 7 days (more than 3): p1 (expiry brought forward), p2 (expiry brought forward), p3 (expiry brought forward), p4 (expiry brought forward)',
    ]);
    expect(guard(shaped(five), shaped(five, soon('2026-06-16')), { windowDays: 0 })).toBeUndefined();
    expect(guard(shaped(five), shaped(five, soon('2026-07-30')))).toBeUndefined();
    // An expiry the base already had that close is no news of this change.
    expect(guard(shaped(five, soon('2026-06-16')), shaped(five, soon('2026-06-16')))).toBeUndefined();
    expect(guard(shaped(five, soon('2026-06-20')), shaped(five, soon('2026-06-16')))?.reasons).toHaveLength(1);
  });

  test('counts services apart from people, and says which', () => {
    const service = { service: true };
    const notes = { s1: service, s2: service, s3: service, s4: service };
    const before = shaped({ ...five, s1: ['pg'], s2: ['pg'], s3: ['pg'], s4: ['pg'] }, notes);
    const removal = guard(before, shaped({ ...five }, notes));
    expect(removal?.reasons).toEqual(['4 of 4 services lose all database access (more than 3): s1, s2, s3, s4']);
    expect(guard(before, shaped({ ...five, s4: ['pg'] }, notes))).toBeUndefined();
  });
});

describe('people named like properties every object has', () => {
  // USERNAME_PATTERN lets these through; a plain object answers them with Object's own functions.
  const BUILTIN = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'];
  const plain = (people: Record<string, string>): RevisionAccess => ({
    access: { databases: { orders: { people, tiers: {}, scopes: [], perPerson: [], network: [] } }, other: {} },
    notes: new Map(),
  });

  test.each(BUILTIN)('%s gaining access is a gain, losing it a loss', (name) => {
    expect(accessDiff(plain({}), plain({ [name]: 'admin' }))).toEqual(expect.objectContaining({ gains: [{ person: name, database: 'orders', to: 'admin' }], tierChanges: [] }));
    expect(accessDiff(plain({ [name]: 'admin' }), plain({}))).toEqual(expect.objectContaining({ losses: [{ person: name, database: 'orders', from: 'admin' }], tierChanges: [] }));
  });

  test('four of them removed at once is a mass removal', () => {
    const before = plain(Object.fromEntries(BUILTIN.slice(0, 4).map((n) => [n, 'admin'])));
    expect(massRemoval(accessDiff(before, plain({})), before, plain({}))).toBeDefined();
  });
});
