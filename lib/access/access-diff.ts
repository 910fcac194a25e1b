import { createHash } from 'crypto';
import { expiryEnd } from '../model/clock';
import { byCodeUnit } from '../model/order';
import { ACKNOWLEDGEMENT_DIGEST_LENGTH } from './code-changes';
import { DeployedAccess, DeployedDatabase } from './deployed-access';

/** What users.ts (or services.ts) says about a person beyond access: for reviewers, never for granting. */
export interface PersonNotes {
  /** An application of services.ts, not a person. */
  readonly service?: boolean;
  readonly displayName?: string;
  readonly expires?: string;
  readonly reason?: string;
  /** Who answers for a service (services.ts). */
  readonly owner?: string;
}

/** Display name, expiry and reason of each entry of a users list (entries without a string username are skipped). */
export function personNotes(users: unknown): Map<string, PersonNotes> {
  const notes = new Map<string, PersonNotes>();
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  for (const entry of Array.isArray(users) ? users : []) {
    const { username, displayName, expires, reason } = (entry ?? {}) as Record<string, unknown>;
    if (typeof username !== 'string') continue;
    notes.set(username, {
      ...(text(displayName) !== undefined ? { displayName: text(displayName) } : {}),
      ...(text(expires) !== undefined ? { expires: text(expires) } : {}),
      ...(text(reason) !== undefined ? { reason: text(reason) } : {}),
    });
  }
  return notes;
}

/** The reason, owner and expiry of each entry of a services list, marked as a service (entries without a string name are skipped). */
export function serviceNotes(services: unknown): Map<string, PersonNotes> {
  const notes = new Map<string, PersonNotes>();
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  for (const entry of Array.isArray(services) ? services : []) {
    const { name, reason, owner, expires } = (entry ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string') continue;
    notes.set(name, {
      service: true,
      ...(text(expires) !== undefined ? { expires: text(expires) } : {}),
      ...(text(reason) !== undefined ? { reason: text(reason) } : {}),
      ...(text(owner) !== undefined ? { owner: text(owner) } : {}),
    });
  }
  return notes;
}

/** One revision as the report sees it: what deploys, and the notes of users.ts. */
export interface RevisionAccess {
  readonly access: DeployedAccess;
  readonly notes: ReadonlyMap<string, PersonNotes>;
}

export interface PersonChange {
  readonly person: string;
  readonly database: string;
  /** Tier before (absent for a gain). */
  readonly from?: string;
  /** Tier after (absent for a loss). */
  readonly to?: string;
}

/** Lines that appear and disappear in one list (a tier's abilities, a database's scopes, …). */
export interface LinesChange {
  /** Where: `orders`, `orders read`, a policy's label. */
  readonly where: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** A text (policy or resource configuration) before and after; absent side = not there. */
export interface TextChange {
  readonly where: string;
  readonly before?: string;
  readonly after?: string;
}

export interface AccessDiff {
  readonly gains: readonly PersonChange[];
  readonly losses: readonly PersonChange[];
  readonly tierChanges: readonly PersonChange[];
  readonly expiryChanges: readonly { readonly person: string; readonly from?: string; readonly to?: string }[];
  readonly databasesAdded: readonly string[];
  readonly databasesRemoved: readonly string[];
  /** What a tier can do, per `<database> <tier>`. */
  readonly abilities: readonly LinesChange[];
  /** Schemas (PostgreSQL) or databases (MySQL) the tiers reach, per database. */
  readonly scopes: readonly LinesChange[];
  /** What every person's own user is, per database. */
  readonly perPerson: readonly LinesChange[];
  /** Who reaches the engine port, per database. */
  readonly network: readonly LinesChange[];
  readonly identityCenterMembers: LinesChange;
  readonly identityCenterAssignments: LinesChange;
  /** Which role each service's connect policy is attached to (services.ts). */
  readonly serviceRoles: LinesChange;
  readonly policies: readonly TextChange[];
  readonly other: readonly TextChange[];
}

const sorted = (items: Iterable<string>) => [...new Set(items)].sort(byCodeUnit);
const keysOf = (...records: (Readonly<Record<string, unknown>> | undefined)[]) => sorted(records.flatMap((r) => Object.keys(r ?? {})));

function linesChange(where: string, before: readonly string[] = [], after: readonly string[] = []): LinesChange {
  const was = new Set(before);
  const is = new Set(after);
  return { where, added: after.filter((l) => !was.has(l)), removed: before.filter((l) => !is.has(l)) };
}

/** `SELECT, INSERT on x` → `SELECT on x`, `INSERT on x`: a privilege added to a grant shows alone. */
const GRANT_LINE = /^([A-Z][A-Z ]*(?:, [A-Z][A-Z ]*)*) on (.+)$/;

function privilegesChange(where: string, before: readonly string[] = [], after: readonly string[] = []): LinesChange {
  const explode = (lines: readonly string[]) => lines.flatMap((line) => {
    const grant = GRANT_LINE.exec(line);
    return grant ? grant[1].split(', ').map((privilege) => `${privilege} on ${grant[2]}`) : [line];
  });
  const { added, removed } = linesChange(where, explode(before), explode(after));
  // Back together per object: `+ DELETE, INSERT on all tables in schema audit`.
  const regroup = (lines: readonly string[]) => {
    const byTarget = new Map<string, string[]>();
    for (const line of lines) {
      const grant = GRANT_LINE.exec(line);
      const [privilege, target] = grant ? [grant[1], grant[2]] : ['', line];
      if (!byTarget.has(target)) byTarget.set(target, []);
      byTarget.get(target)!.push(privilege);
    }
    return [...byTarget].map(([target, privileges]) => (privileges[0] === '' ? target : `${privileges.join(', ')} on ${target}`));
  };
  return { where, added: regroup(added), removed: regroup(removed) };
}

/** True when lines appear or disappear. */
export const hasChanges = (c: LinesChange) => c.added.length > 0 || c.removed.length > 0;

/** Everything that differs in deployed access (and expiry) between two revisions. */
/** `record[key]` when it is the record's own: a person named `constructor` is not Object's. */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

export function accessDiff(base: RevisionAccess, head: RevisionAccess): AccessDiff {
  const a = base.access;
  const b = head.access;
  const gains: PersonChange[] = [];
  const losses: PersonChange[] = [];
  const tierChanges: PersonChange[] = [];
  const abilities: LinesChange[] = [];
  const scopes: LinesChange[] = [];
  const perPerson: LinesChange[] = [];
  const network: LinesChange[] = [];
  const empty: DeployedDatabase = { people: {}, tiers: {}, scopes: [], perPerson: [], network: [] };

  for (const database of keysOf(a.databases, b.databases)) {
    const was = own(a.databases, database) ?? empty;
    const is = own(b.databases, database) ?? empty;
    for (const person of keysOf(was.people, is.people)) {
      const from = own(was.people, person);
      const to = own(is.people, person);
      if (from === undefined) gains.push({ person, database, to });
      else if (to === undefined) losses.push({ person, database, from });
      else if (from !== to) tierChanges.push({ person, database, from, to });
    }
    for (const tier of keysOf(was.tiers, is.tiers)) {
      abilities.push(privilegesChange(`${database} ${tier}`, own(was.tiers, tier), own(is.tiers, tier)));
    }
    scopes.push(linesChange(database, was.scopes, is.scopes));
    perPerson.push(linesChange(database, was.perPerson, is.perPerson));
    network.push(linesChange(database, was.network, is.network));
  }

  // People in both revisions' users.ts whose expiry differs.
  const expiryChanges = sorted(head.notes.keys())
    .filter((person) => base.notes.has(person))
    .map((person) => ({ person, from: base.notes.get(person)!.expires, to: head.notes.get(person)!.expires }))
    .filter((c) => c.from !== c.to);

  const texts = (x: Readonly<Record<string, string>> = {}, y: Readonly<Record<string, string>> = {}): TextChange[] =>
    keysOf(x, y)
      .filter((where) => x[where] !== y[where])
      .map((where) => ({ where, ...(x[where] !== undefined ? { before: x[where] } : {}), ...(y[where] !== undefined ? { after: y[where] } : {}) }));

  return {
    gains,
    losses,
    tierChanges,
    expiryChanges,
    databasesAdded: keysOf(b.databases).filter((k) => !a.databases[k]),
    databasesRemoved: keysOf(a.databases).filter((k) => !b.databases[k]),
    abilities: abilities.filter(hasChanges),
    scopes: scopes.filter(hasChanges),
    perPerson: perPerson.filter(hasChanges),
    network: network.filter(hasChanges),
    identityCenterMembers: linesChange('identity-center', a.identityCenter?.members, b.identityCenter?.members),
    identityCenterAssignments: linesChange('identity-center', a.identityCenter?.assignments, b.identityCenter?.assignments),
    serviceRoles: linesChange('services', a.services?.roles, b.services?.roles),
    policies: texts({ ...a.identityCenter?.policies, ...a.services?.policies }, { ...b.identityCenter?.policies, ...b.services?.policies }),
    other: texts(a.other, b.other),
  };
}

/** True when the two revisions deploy the same access and the same expiry days. */
export function isUnchanged(diff: AccessDiff): boolean {
  const lists = [
    diff.gains, diff.losses, diff.tierChanges, diff.expiryChanges, diff.databasesAdded, diff.databasesRemoved,
    diff.abilities, diff.scopes, diff.perPerson, diff.network, diff.policies, diff.other,
  ];
  return lists.every((l) => l.length === 0) && ![diff.identityCenterMembers, diff.identityCenterAssignments, diff.serviceRoles].some(hasChanges);
}

/** How much removal a change may make before it needs an acknowledgement. */
export interface RemovalGuardOptions {
  /**
   * People who may lose access in one change, counted for all access and for each database;
   * services are counted apart, against the same number.
   * @default 3
   */
  readonly maxRemovedPeople?: number;
  /**
   * Days ahead in which an expiry the change sets or moves earlier counts as a removal now:
   * `expires: <tomorrow>` removes as surely as deleting the entry, one deploy later.
   * @default 7
   */
  readonly windowDays?: number;
  /** Today, for the window. @default - the system clock */
  readonly now?: Date;
}

export const DEFAULT_MAX_REMOVED_PEOPLE = 3;
export const DEFAULT_REMOVAL_WINDOW_DAYS = 7;

/** A change that removes more than a review should take on trust. */
export interface MassRemoval {
  /** One sentence per reason, for the report's warning and validate's error. */
  readonly reasons: readonly string[];
  /**
   * The acknowledgement that lets exactly this removal through: it names the count and a
   * digest of who and what is removed, so an acknowledgement never covers a larger removal.
   */
  readonly acknowledgement: string;
}

/** Whose access ends because of a change: at once, or within the window through an expiry the change brought forward. */
export interface Endings {
  /** Name → the databases whose access ends for them, sorted. */
  readonly byName: ReadonlyMap<string, readonly string[]>;
  /** Names whose every database access ends (they keep none after the window), sorted. */
  readonly allAccess: readonly string[];
  /** Names that end through an expiry the change set or brought forward into the window. */
  readonly byExpiry: ReadonlySet<string>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Who loses which access because of the change between `base` and `head`: every loss in the
 * diff, and every database of anyone whose expiry the change set or moved earlier to fall
 * within `windowDays` of `now`.
 */
export function endingsOf(diff: AccessDiff, base: RevisionAccess, head: RevisionAccess, options: RemovalGuardOptions = {}): Endings {
  const now = options.now ?? new Date();
  const horizon = now.getTime() + (options.windowDays ?? DEFAULT_REMOVAL_WINDOW_DAYS) * DAY_MS;
  const byName = new Map<string, Set<string>>();
  const end = (name: string, database: string) => {
    if (!byName.has(name)) byName.set(name, new Set());
    byName.get(name)!.add(database);
  };
  for (const loss of diff.losses) end(loss.person, loss.database);
  const headDatabases = databasesByName(head.access);
  const byExpiry = new Set<string>();
  for (const [name, note] of head.notes) {
    const after = note.expires !== undefined ? expiryEnd(note.expires) : undefined;
    if (after === undefined || after.getTime() > horizon) continue;
    const before = base.notes.get(name)?.expires;
    const beforeEnd = before !== undefined ? expiryEnd(before) : undefined;
    // Only what the change brought forward: an expiry already that close in the base is no news.
    if (beforeEnd !== undefined && beforeEnd.getTime() <= after.getTime()) continue;
    const databases = headDatabases.get(name) ?? [];
    if (databases.length === 0) continue;
    byExpiry.add(name);
    for (const database of databases) end(name, database);
  }
  const allAccess = [...byName.keys()].filter((name) => (headDatabases.get(name) ?? []).every((d) => byName.get(name)!.has(d)));
  return {
    byName: new Map([...byName].sort(([a], [b]) => byCodeUnit(a, b)).map(([name, databases]) => [name, sorted(databases)])),
    allAccess: sorted(allAccess),
    byExpiry,
  };
}

/** Name → the databases it has access to, in deployed access. */
function databasesByName(access: DeployedAccess): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [database, deployed] of Object.entries(access.databases)) {
    for (const name of Object.keys(deployed.people)) {
      if (!out.has(name)) out.set(name, []);
      out.get(name)!.push(database);
    }
  }
  return out;
}

/**
 * A mass removal in the change between `base` and `head`, or undefined: more than
 * `maxRemovedPeople` people (or, apart, services) whose access ends at once or within the
 * window, counted for all access and for each database; or a database key disappearing
 * (renaming a key replaces its database and drops everyone's users on it).
 */
export function massRemoval(diff: AccessDiff, base: RevisionAccess, head: RevisionAccess, options: RemovalGuardOptions = {}): MassRemoval | undefined {
  const max = options.maxRemovedPeople ?? DEFAULT_MAX_REMOVED_PEOPLE;
  const windowDays = options.windowDays ?? DEFAULT_REMOVAL_WINDOW_DAYS;
  const endings = endingsOf(diff, base, head, options);
  const isService = (name: string) => (head.notes.get(name) ?? base.notes.get(name))?.service === true;
  const before = databasesByName(base.access);
  const reasons: string[] = [];
  const when = (names: readonly string[]) => (names.some((n) => endings.byExpiry.has(n)) ? ` at once or within ${windowDays} days` : '');
  const listed = (names: readonly string[]) => names.map((n) => (endings.byExpiry.has(n) ? `${n} (expiry brought forward)` : n)).join(', ');
  for (const [kind, service] of [['people', false], ['services', true]] as const) {
    const population = [...before.keys()].filter((n) => isService(n) === service);
    const all = endings.allAccess.filter((n) => isService(n) === service);
    if (all.length > max) {
      reasons.push(`${all.length} of ${population.length} ${kind} lose all database access${when(all)} (more than ${max}): ${listed(all)}`);
    }
    for (const database of keysOf(...[...endings.byName.values()].map((ds) => Object.fromEntries(ds.map((d) => [d, true]))))) {
      const losing = [...endings.byName].filter(([n, ds]) => isService(n) === service && ds.includes(database)).map(([n]) => n);
      const had = [...before].filter(([n, ds]) => isService(n) === service && ds.includes(database)).length;
      // A database that disappears is its own reason below.
      if (losing.length > max && losing.some((n) => !all.includes(n)) && !diff.databasesRemoved.includes(database)) {
        reasons.push(`${losing.length} of ${had} ${kind} lose access to ${database}${when(losing)} (more than ${max}): ${listed(losing)}`);
      }
    }
  }
  for (const key of diff.databasesRemoved) {
    reasons.push(`database key ${key} disappears: its database and users stacks would be destroyed (a renamed key is a new database)`);
  }
  if (reasons.length === 0) return undefined;
  const digest = createHash('sha256')
    .update(JSON.stringify({ endings: [...endings.byName], databases: diff.databasesRemoved }))
    .digest('hex')
    .slice(0, ACKNOWLEDGEMENT_DIGEST_LENGTH);
  return { reasons, acknowledgement: `remove-${endings.byName.size}-${diff.databasesRemoved.length}-${digest}` };
}
