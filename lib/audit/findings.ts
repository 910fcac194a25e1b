import { byCodeUnit } from '../model/order';
import { DEPARTED_ROLE, RDS_OWN_LOGINS } from './markers';
import { tierRoleName } from '../model/tiers';
import { grantsOn, serviceGrantsOn, Tier } from '../model/types';
import type { ValidatedUsers } from '../validation/validate-users';

/** An open connection to a database server, as its catalog lists it. */
export interface Session {
  /** PostgreSQL backend pid / MySQL connection id. */
  readonly id: number;
  readonly user: string;
  /** Where it connects from, as the server saw it. */
  readonly client?: string;
  /** When it logged in (PostgreSQL), ISO time. */
  readonly since?: string;
}

/** An object that runs as someone else than its caller: a SECURITY DEFINER function, a MySQL view, routine, trigger or event. */
export interface DefinerObject {
  /** `schema.name(args)` (PostgreSQL) or `database.name` (MySQL). */
  readonly object: string;
  /** function, procedure, view, trigger, event. */
  readonly kind: string;
  /** Whom it runs as: the owner (PostgreSQL) or the DEFINER's user name (MySQL). */
  readonly definer: string;
  /**
   * Whether someone with less than its definer's rights can set it off: PostgreSQL, a tier below
   * the owner may EXECUTE it; MySQL, it runs as its definer (views and routines `SQL SECURITY
   * DEFINER`, every trigger and event).
   * @default false
   */
  readonly lowerTiersRun?: boolean;
}

/** What one server's catalog says about its users, read by `lib/audit/catalog.ts`. */
export interface CatalogSnapshot {
  /** Users that log in with an IAM token: PostgreSQL direct members of `rds_iam`, MySQL `AWSAuthenticationPlugin` accounts. */
  readonly iamUsers: readonly string[];
  /** Every user or role name on the server, so a session of a dropped user can be told. */
  readonly existing: readonly string[];
  /** Users that may log in (PostgreSQL `rolcanlogin`; every MySQL account). */
  readonly canLogin: readonly string[];
  /** Tier role name → its direct members that are not tier roles themselves. */
  readonly tierMembers: Readonly<Record<string, readonly string[]>>;
  /**
   * PostgreSQL: roles the users stack made, tier roles and the powerless owner left out: set to
   * work as a tier role at login (`role=iam_…`), or with the password it makes never valid
   * (which a person cannot undo, so a reset setting does not hide them).
   */
  readonly marked: readonly string[];
  /** PostgreSQL: LOGIN roles that are no superuser (each one must be someone's); MySQL: none (not judged yet). */
  readonly logins: readonly string[];
  /** Objects that run as their definer (PostgreSQL: SECURITY DEFINER functions and procedures outside the system schemas). */
  readonly definers: readonly DefinerObject[];
  /** Open sessions, the audit's own left out. */
  readonly sessions: readonly Session[];
  /** MySQL family: the server is MariaDB (roles may be definers there). */
  readonly mariadb?: boolean;
}

/** Who users.ts gives this database. */
export interface DeclaredAccess {
  /** Person → tier, for entries that grant access now. */
  readonly active: ReadonlyMap<string, Tier>;
  /** People whose entry names this database but has expired. */
  readonly expired: ReadonlySet<string>;
  /** The project's own logins here (the master user, the users stack's login user): never drift. */
  readonly projectLogins: ReadonlySet<string>;
}

export interface TierMismatch {
  readonly user: string;
  readonly declared: Tier;
  /** The tier roles the user is in, sorted (empty when none). */
  readonly actual: readonly string[];
}

/** What differs between a database and users.ts; every list sorted. */
export interface Findings {
  /** IAM users users.ts does not give this database (made by hand, or not yet removed). */
  readonly undeclared: readonly string[];
  /** People users.ts gives this database who cannot log in here with IAM. */
  readonly missing: readonly { readonly user: string; readonly tier: Tier }[];
  /** People in other tier roles than users.ts says. */
  readonly wrongTier: readonly TierMismatch[];
  /** Members of a tier role users.ts does not put there. */
  readonly unmanagedTierMembers: readonly { readonly tier: string; readonly member: string }[];
  /** PostgreSQL: roles a removal left (IAM login already revoked), for `--drop-departed`. */
  readonly leftBehind: readonly string[];
  /** Open sessions of users who have no access now. */
  readonly sessionsWithoutAccess: readonly Session[];
  /**
   * PostgreSQL: LOGIN roles nobody declared: not the master or a provider login, not in users.ts
   * or services.ts, not made by the users stack, not RDS's own. Each is a door (a password, say).
   */
  readonly unknownLogins: readonly string[];
  /**
   * Objects that run as a leaver: PostgreSQL SECURITY DEFINER functions owned by a role a
   * removal left, an expired person or iam_departed; MySQL views, routines, triggers and events
   * whose DEFINER no longer exists; on both, those of an IAM user users.ts no longer names (on
   * MySQL 8.0.22+ they make its DROP USER fail). Adopt (re-own or re-define) or drop each.
   */
  readonly departedDefiners: readonly DefinerObject[];
  /**
   * Objects that run as iam_write or iam_admin and that a lower tier can set off: an admin's
   * delegation of their tier's rights (a definer view over a function that deletes, say), which
   * outlives them since it belongs to the tier. Review each: re-define it to run as the invoker, or drop it.
   */
  readonly tierDefiners: readonly DefinerObject[];
}

export const FINDING_KINDS: readonly (keyof Findings)[] = [
  'undeclared', 'missing', 'wrongTier', 'unmanagedTierMembers', 'leftBehind', 'sessionsWithoutAccess', 'unknownLogins', 'departedDefiners', 'tierDefiners',
];

/** Tiers whose rights a definer object can lend to a lower tier. */
const LENDING_TIERS: ReadonlySet<string> = new Set(['write', 'admin'].map((t) => tierRoleName(t as Tier)));

/** Compares a server's catalog with what users.ts declares for it. */
export function auditFindings(catalog: CatalogSnapshot, declared: DeclaredAccess): Findings {
  const iam = new Set(catalog.iamUsers);
  const canLogin = new Set(catalog.canLogin);
  const existing = new Set(catalog.existing);
  const marked = new Set(catalog.marked);
  const logsInWithIam = (user: string) => iam.has(user) && canLogin.has(user);
  const tiersOf = new Map<string, string[]>();
  const unmanagedTierMembers: { tier: string; member: string }[] = [];
  for (const [role, members] of Object.entries(catalog.tierMembers)) {
    // The login that created the tier roles holds them with admin option (MariaDB, PostgreSQL 16+).
    for (const member of members.filter((m) => !declared.projectLogins.has(m))) {
      if (!tiersOf.has(member)) tiersOf.set(member, []);
      tiersOf.get(member)!.push(role);
      const tier = declared.active.get(member);
      if (tier === undefined || tierRoleName(tier) !== role) unmanagedTierMembers.push({ tier: role, member });
    }
  }

  const missing: { user: string; tier: Tier }[] = [];
  const wrongTier: TierMismatch[] = [];
  for (const [user, tier] of declared.active) {
    if (!logsInWithIam(user)) {
      missing.push({ user, tier });
      continue;
    }
    const actual = [...(tiersOf.get(user) ?? [])].sort(byCodeUnit);
    if (actual.length !== 1 || actual[0] !== tierRoleName(tier)) wrongTier.push({ user, declared: tier, actual });
  }

  const hasAccess = (user: string) => declared.active.has(user) && logsInWithIam(user);
  const leftBehind = catalog.marked.filter((u) => !declared.active.has(u) && !declared.expired.has(u)).sort(byCodeUnit);
  const unknownLogins = catalog.logins
    // An undeclared IAM user is reported as such already.
    .filter((u) => !iam.has(u) && !declared.active.has(u) && !declared.expired.has(u) && !declared.projectLogins.has(u) && !marked.has(u) && !RDS_OWN_LOGINS.includes(u))
    .sort(byCodeUnit);
  const unknown = new Set(unknownLogins);
  const ours = (user: string) => iam.has(user) || marked.has(user) || declared.expired.has(user) || !existing.has(user) || unknown.has(user);
  // An IAM user users.ts no longer names counts as departed too: on MySQL 8.0.22+ its removal
  // fails while it is a DEFINER, so it stays, and what it defined is what blocks the drop.
  const undeclared = catalog.iamUsers.filter((u) => !declared.active.has(u) && !declared.projectLogins.has(u));
  const departed = new Set([...leftBehind, ...declared.expired, ...undeclared, DEPARTED_ROLE]);
  return {
    undeclared: [...undeclared].sort(byCodeUnit),
    missing: missing.sort((a, b) => byCodeUnit(a.user, b.user)),
    wrongTier: wrongTier.sort((a, b) => byCodeUnit(a.user, b.user)),
    unmanagedTierMembers: unmanagedTierMembers.sort((a, b) => byCodeUnit(a.tier, b.tier) || byCodeUnit(a.member, b.member)),
    leftBehind,
    // A session of an IAM user, of a role the users stack made, of an expired person, of an
    // unknown login, or of a user that no longer exists; other users' sessions are not this project's to judge.
    sessionsWithoutAccess: catalog.sessions.filter((s) => !hasAccess(s.user) && !declared.projectLogins.has(s.user) && ours(s.user)).sort((a, b) => byCodeUnit(a.user, b.user) || a.id - b.id),
    unknownLogins,
    // A definer that is gone (MySQL) or departed (PostgreSQL: its owner role stays).
    departedDefiners: catalog.definers.filter((d) => departed.has(d.definer) || !existing.has(d.definer))
      .map(({ lowerTiersRun: _lower, ...d }) => d)
      .sort((a, b) => byCodeUnit(a.object, b.object) || byCodeUnit(a.kind, b.kind)),
    tierDefiners: catalog.definers.filter((d) => LENDING_TIERS.has(d.definer) && d.lowerTiersRun === true)
      .sort((a, b) => byCodeUnit(a.object, b.object) || byCodeUnit(a.kind, b.kind)),
  };
}

/** Whether anything in `findings` differs from users.ts. */
export function hasDrift(findings: Findings): boolean {
  return FINDING_KINDS.some((kind) => findings[kind].length > 0);
}

/** What users.ts and services.ts declare for database `key`, with the project's own logins there. */
export function declaredFor(
  key: string,
  people: Pick<ValidatedUsers, 'active' | 'expired'>,
  projectLogins: readonly string[],
  services: readonly { readonly name: string; readonly access: ReadonlyMap<string, Tier> }[] = [],
): DeclaredAccess {
  return {
    active: new Map([...grantsOn(key, people.active), ...serviceGrantsOn(key, services)].map((g) => [g.username, g.tier])),
    expired: new Set(grantsOn(key, people.expired).map((g) => g.username)),
    projectLogins: new Set(projectLogins),
  };
}
