import { auditFindings, CatalogSnapshot, declaredFor, DeclaredAccess, hasDrift } from '../../../lib/audit/findings';

const declared: DeclaredAccess = {
  active: new Map([['alice', 'admin'], ['bob', 'read']]),
  expired: new Set(['erin']),
  projectLogins: new Set(['dbmaster']),
};

/** A server exactly as users.ts says, with the creator's admin memberships of the tier roles. */
const clean: CatalogSnapshot = {
  iamUsers: ['alice', 'bob'],
  existing: ['alice', 'app', 'bob', 'dbmaster', 'erin', 'iam_admin', 'iam_read', 'iam_write', 'rds_iam'],
  canLogin: ['alice', 'bob', 'dbmaster'],
  tierMembers: { iam_admin: ['alice', 'dbmaster'], iam_read: ['bob', 'dbmaster'], iam_write: ['dbmaster'] },
  marked: ['alice', 'bob', 'erin'],
  logins: ['alice', 'bob', 'dbmaster', 'rdsadmin'],
  definers: [{ object: 'public.report()', kind: 'function', definer: 'alice' }],
  sessions: [{ id: 7, user: 'alice' }, { id: 8, user: 'dbmaster' }, { id: 9, user: 'app' }],
};
const NONE = { undeclared: [], missing: [], wrongTier: [], unmanagedTierMembers: [], leftBehind: [], sessionsWithoutAccess: [], unknownLogins: [], departedDefiners: [], tierDefiners: [] };

describe('auditFindings', () => {
  test('a server as users.ts says has no findings: the project’s logins, expired people’s locked roles and other users’ sessions are not drift', () => {
    expect(auditFindings(clean, declared)).toEqual(NONE);
    expect(hasDrift(auditFindings(clean, declared))).toBe(false);
  });

  test('reports an IAM user made by hand and its tier membership', () => {
    const found = auditFindings({ ...clean, iamUsers: [...clean.iamUsers, 'mallory'], logins: [...clean.logins, 'mallory'], tierMembers: { ...clean.tierMembers, iam_admin: ['alice', 'mallory'] } }, declared);
    expect(found).toEqual({ ...NONE, undeclared: ['mallory'], unmanagedTierMembers: [{ tier: 'iam_admin', member: 'mallory' }] });
    expect(hasDrift(found)).toBe(true);
  });

  test('reports declared people who cannot log in with IAM, and tiers that differ', () => {
    const found = auditFindings({ ...clean, iamUsers: ['bob'], tierMembers: { iam_admin: [], iam_read: ['bob'], iam_write: ['bob'] } }, declared);
    expect(found.missing).toEqual([{ user: 'alice', tier: 'admin' }]);
    expect(found.wrongTier).toEqual([{ user: 'bob', declared: 'read', actual: ['iam_read', 'iam_write'] }]);
    expect(found.unmanagedTierMembers).toEqual([{ tier: 'iam_write', member: 'bob' }]);
  });

  test('reports a role a removal left (marked, declared nowhere)', () => {
    expect(auditFindings({ ...clean, marked: [...clean.marked, 'dev'], existing: [...clean.existing, 'dev'] }, declared).leftBehind).toEqual(['dev']);
  });

  test('reports sessions of an expired person, a left role, an undeclared IAM user and a dropped user; not of people with access', () => {
    const found = auditFindings({
      ...clean,
      iamUsers: [...clean.iamUsers, 'mallory'],
      marked: [...clean.marked, 'dev'],
      existing: [...clean.existing, 'dev', 'mallory'],
      sessions: [...clean.sessions, { id: 4, user: 'erin' }, { id: 3, user: 'dev' }, { id: 2, user: 'mallory' }, { id: 1, user: 'gone' }],
    }, declared);
    expect(found.sessionsWithoutAccess.map((s) => s.user)).toEqual(['dev', 'erin', 'gone', 'mallory']);
  });
});

describe('offboarding findings (issue 31)', () => {
  test('a LOGIN role nobody declared, made by hand without the mark, is a finding, and so is its session', () => {
    const found = auditFindings({ ...clean, logins: [...clean.logins, 'eve'], existing: [...clean.existing, 'eve'], sessions: [...clean.sessions, { id: 3, user: 'eve' }] }, declared);
    expect(found).toEqual({ ...NONE, unknownLogins: ['eve'], sessionsWithoutAccess: [{ id: 3, user: 'eve' }] });
    expect(hasDrift(found)).toBe(true);
  });

  test('a role with the mark but its role= setting reset is still a role a removal left, not an unknown login', () => {
    const found = auditFindings({ ...clean, marked: [...clean.marked, 'mia'], logins: [...clean.logins, 'mia'], existing: [...clean.existing, 'mia'] }, declared);
    expect(found).toEqual({ ...NONE, leftBehind: ['mia'] });
  });

  test('definer objects of a left role, an expired person, iam_departed, or a definer that no longer exists are findings; of people with access not', () => {
    const found = auditFindings({
      ...clean,
      marked: [...clean.marked, 'mia'],
      existing: [...clean.existing, 'mia', 'iam_departed'],
      definers: [
        ...clean.definers,
        { object: 'public.peek()', kind: 'function', definer: 'mia' }, { object: 'public.old()', kind: 'procedure', definer: 'erin' },
        { object: 'public.kept()', kind: 'function', definer: 'iam_departed' }, { object: 'billing.v', kind: 'view', definer: 'gone' },
      ],
    }, declared);
    expect(found.departedDefiners.map((d) => `${d.object} ${d.definer}`)).toEqual(['billing.v gone', 'public.kept() iam_departed', 'public.old() erin', 'public.peek() mia']);
  });

  test('definer objects of an IAM user users.ts no longer names are findings: on MySQL 8 they make its removal fail', () => {
    const found = auditFindings({
      ...clean,
      iamUsers: [...clean.iamUsers, 'olga'], canLogin: [...clean.canLogin, 'olga'], existing: [...clean.existing, 'olga'],
      definers: [...clean.definers, { object: 'billing.olga_totals', kind: 'view', definer: 'olga' }],
    }, declared);
    expect(found.undeclared).toEqual(['olga']);
    expect(found.departedDefiners).toEqual([{ object: 'billing.olga_totals', kind: 'view', definer: 'olga' }]);
  });

  test('objects that run as iam_write or iam_admin for a lower tier are findings: a leaver\'s delegation outlives them', () => {
    const found = auditFindings({
      ...clean,
      definers: [
        ...clean.definers,
        { object: 'billing.mia_view', kind: 'view', definer: 'iam_admin', lowerTiersRun: true },
        { object: 'billing.totals', kind: 'view', definer: 'iam_read', lowerTiersRun: true },
        { object: 'public.admin_only()', kind: 'function', definer: 'iam_admin' },
        { object: 'public.refresh()', kind: 'function', definer: 'iam_write', lowerTiersRun: true },
      ],
    }, declared);
    expect(found.tierDefiners.map((d) => `${d.object} ${d.definer}`)).toEqual(['billing.mia_view iam_admin', 'public.refresh() iam_write']);
    expect(hasDrift(found)).toBe(true);
  });
});

describe('declaredFor', () => {
  test('takes the people who name the database, and the project’s logins', () => {
    const people = {
      active: [{ username: 'alice', displayName: 'Alice', access: new Map([['orders', 'admin' as const]]) }, { username: 'bob', displayName: 'Bob', access: new Map([['billing', 'read' as const]]) }],
      expired: [{ username: 'erin', access: new Map([['orders', 'read' as const]]) }],
    };
    expect(declaredFor('orders', people, ['dbmaster'])).toEqual({ active: new Map([['alice', 'admin']]), expired: new Set(['erin']), projectLogins: new Set(['dbmaster']) });
  });

  test('services of services.ts are declared users like people', () => {
    const services = [{ name: 'orders-api', access: new Map([['orders', 'write' as const]]) }, { name: 'etl', access: new Map([['billing', 'read' as const]]) }];
    expect(declaredFor('orders', { active: [], expired: [] }, ['dbmaster'], services).active).toEqual(new Map([['orders-api', 'write']]));
  });
});
