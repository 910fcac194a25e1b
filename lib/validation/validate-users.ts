import { expiryEnd, hasExpired, parseDay } from '../model/clock';
import { DATABASE_DEFAULTS } from '../model/defaults';
import { byCodeUnit, sortedEntries } from '../model/order';
import { tierRoleName } from '../model/tiers';
import { Problems, show } from './problems';
import { plainDataProblem } from './plain-data';
import { freeTextProblem } from './text';
import { DatabaseConfig, engineFamily, EngineFamily, Tier, TIERS, UserEntry } from '../model/types';

/** Longest user name each engine accepts. */
export const MAX_USERNAME_LENGTH: Readonly<Record<EngineFamily, number>> = { mysql: 32, postgres: 63 };

/**
 * Letters, digits and `. _ @ + = -`, starting with a letter or digit: safe unquoted in
 * an IAM ARN, valid in a principal tag value, and never a quote, wildcard or `$`
 * in SQL or IAM. Identity Center names such as `jane.doe@example.com` fit.
 */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+=-]*$/;
const ALLOWED_CHARS = /[A-Za-z0-9._@+=-]/;

/** A rule that makes a name unusable, and the words an error message says it with. */
interface ReservedRule {
  readonly matches: (folded: string) => boolean;
  readonly rule: string;
}

const named = (names: readonly string[], rule: string): ReservedRule => {
  const set = new Set(names);
  return { matches: (folded) => set.has(folded), rule };
};

/** Names no person may have on any engine. Compared lower-case. */
const RESERVED_EVERYWHERE: readonly ReservedRule[] = [
  named(['root', 'admin', 'administrator'], 'a name people guess at for superusers'),
  named(TIERS.map(tierRoleName), 'a tier role of this project'),
  // rdsadmin, rdsrepladmin, rdsproxyadmin, rds_iam, rds_superuser, rds_replication, rds_password, rds_superuser_role, …
  { matches: (folded) => folded.startsWith('rds'), rule: 'RDS owns names starting with rds' },
];

/** Names an engine keeps for itself or its RDS flavour. */
const RESERVED_BY_ENGINE: Readonly<Record<EngineFamily, readonly ReservedRule[]>> = {
  postgres: [
    named(['none', 'public', 'current_user', 'session_user', 'current_role', 'user'], 'a PostgreSQL reserved role name'),
    named(['postgres'], 'the PostgreSQL bootstrap superuser'),
    { matches: (folded) => folded.startsWith('pg_'), rule: 'PostgreSQL owns role names starting with pg_' },
  ],
  mysql: [
    { matches: (folded) => folded.startsWith('mysql.') || folded === 'mariadb.sys', rule: 'a MySQL/MariaDB system account (mysql.*, mariadb.sys)' },
    { matches: (folded) => /^aws_\w+_access$/.test(folded), rule: 'an RDS/Aurora MySQL integration role (AWS_*_ACCESS)' },
  ],
};

/** Characters a reviewer reads in one table cell: a name, and a ticket or a sentence. */
export const FREE_TEXT_LIMITS = { displayName: 100, reason: 300, expiresBeyondHorizon: 300 } as const;

const KNOWN_FIELDS: ReadonlySet<string> = new Set(['username', 'access', 'displayName', 'expires', 'expiresBeyondHorizon', 'reason']);

/** How far ahead `expires` may be without `expiresBeyondHorizon`, unless config.ts says otherwise. */
export const DEFAULT_EXPIRY_HORIZON_DAYS = 365;

export interface ValidateUsersOptions {
  /** The databases users may refer to, by key. */
  readonly databases: Readonly<Record<string, DatabaseConfig>>;
  /** Today, for expiry. */
  readonly now: Date;
  /**
   * User names the Terraform providers log in as (`connection.username`,
   * `RDS_IAM_<KEY>_USERNAME`) → where each is set: granting one through users.ts would hand
   * out the provider's own login.
   * @default - none besides the master users
   */
  readonly loginNames?: ReadonlyMap<string, string>;
  /**
   * What an entry past its `expires` day does: `drop` grants it nothing (what a scheduled
   * deploy wants, so access ends on time); `error` fails (what a pull-request check wants).
   * @default "drop"
   */
  readonly onExpired?: 'drop' | 'error';
  /**
   * How many days ahead `expires` may be; an entry beyond says why in `expiresBeyondHorizon`.
   * @default 365
   */
  readonly expiryHorizonDays?: number;
  /**
   * What an entry with a problem does: `fail` throws (review, synth by hand); `skip` grants it
   * nothing and reports it in `skipped`, so one bad entry cannot stop the scheduled deploy from
   * applying every removal and expiry (`RDS_IAM_INVALID_ENTRIES=skip`, the runner only).
   * A list that is not plain data fails either way.
   * @default "fail"
   */
  readonly invalidEntries?: 'fail' | 'skip';
}

/** A person with at least one database, as the stacks consume them. */
export interface ActiveUser {
  readonly username: string;
  readonly displayName: string;
  readonly access: ReadonlyMap<string, Tier>;
  readonly expires?: string;
  readonly reason?: string;
}

/** A person past their `expires`: granted nothing, their database users locked where the engine allows. */
export interface ExpiredUser {
  readonly username: string;
  /** The databases and tiers the entry names, which no longer apply. */
  readonly access: ReadonlyMap<string, Tier>;
}

export interface ValidatedUsers {
  /** Entries that grant access today, sorted by username so input order never matters. */
  readonly active: readonly ActiveUser[];
  /** Entries past their expiry, sorted by username. */
  readonly expired: readonly ExpiredUser[];
  /** With `invalidEntries: 'skip'`, the problems of the entries granted nothing for them; else empty. */
  readonly skipped: readonly string[];
}

/**
 * Checks every entry of `users.ts` and reports all problems in one Error.
 * Returns the entries that grant access today.
 */
export function validateUsers(users: unknown, options: ValidateUsersOptions): ValidatedUsers {
  const problems = new Problems('users.ts');
  const firstByFoldedName = new Map<string, { index: number; username: string }>();
  // Names given twice: when skipping, neither entry is granted, since either may be the one review never saw together.
  const contested = new Map<string, { index: number; username: string }>();
  const active: ActiveUser[] = [];
  const expired: ExpiredUser[] = [];
  const fleet = fleetOf(options.databases, options.loginNames);

  requirePlainList(users, 'users', problems);

  (users as readonly unknown[]).forEach((raw, index) => {
    const problemsBefore = problems.count;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.add(`users[${index}]`, `must be an object like { username: 'jane.doe', access: { orders: 'read' } }, got ${show(raw)}`);
      return;
    }
    const entry = raw as Partial<UserEntry> & Record<string, unknown>;
    const name = typeof entry.username === 'string' ? entry.username : undefined;
    const where = `users[${index}]${name !== undefined ? ` (${show(name)})` : ''}`;

    for (const field of Object.keys(entry)) {
      if (!KNOWN_FIELDS.has(field)) {
        problems.add(where, `unknown field ${show(field)}; the fields are ${[...KNOWN_FIELDS].join(', ')}`);
      }
    }

    const families = new Set<EngineFamily>();
    checkAccess(entry.access, where, fleet, problems, families);
    if (name === undefined) {
      problems.add(where, `username must be a string, got ${show(entry.username)}; use the Identity Center user name, e.g. 'jane.doe'`);
    } else {
      checkDatabaseUserName(name, where, PERSON_NAME, families, fleet, problems);
      const folded = name.toLowerCase();
      const first = firstByFoldedName.get(folded);
      if (first) {
        problems.add(where, `duplicate username: users[${first.index}] is ${show(first.username)} (names are compared ignoring case); keep one entry and merge their access`);
        contested.set(folded, first);
      } else {
        firstByFoldedName.set(folded, { index, username: name });
      }
    }
    for (const field of ['displayName', 'reason', 'expiresBeyondHorizon'] as const) {
      const value = entry[field];
      const problem = value === undefined ? undefined : freeTextProblem(value, FREE_TEXT_LIMITS[field]);
      if (problem) problems.add(where, `${field} ${show(value)} ${problem}; remove it or fill it in`);
    }

    const isExpired = checkExpiry(entry, where, options, problems);

    if (problems.count > problemsBefore || name === undefined) return;
    const access = new Map(sortedEntries(entry.access as Record<string, Tier>));
    if (isExpired) {
      expired.push({ username: name, access });
      return;
    }
    active.push({
      username: name,
      displayName: entry.displayName ?? name,
      access,
      ...(entry.expires !== undefined ? { expires: entry.expires } : {}),
      ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
    });
  });

  if (options.invalidEntries !== 'skip') problems.throwIfAny();
  for (const first of contested.values()) problems.add(`users[${first.index}] (${show(first.username)})`, 'granted nothing while another entry has the same name');
  return {
    active: active.filter((u) => !contested.has(u.username.toLowerCase())).sort((a, b) => byCodeUnit(a.username, b.username)),
    expired: expired.sort((a, b) => byCodeUnit(a.username, b.username)),
    skipped: problems.list(),
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Checks `expires` (a day, or a UTC time with `Z`), its horizon and the override; returns
 * whether the entry has expired (dropped, or an error when the check is strict).
 */
export function checkExpiry(
  entry: { readonly expires?: unknown; readonly expiresBeyondHorizon?: unknown },
  where: string,
  options: Pick<ValidateUsersOptions, 'now' | 'onExpired' | 'expiryHorizonDays'>,
  problems: Problems,
): boolean {
  const { expires } = entry;
  if (expires === undefined) {
    if (entry.expiresBeyondHorizon !== undefined) problems.add(where, 'expiresBeyondHorizon without expires; remove it, or set expires');
    return false;
  }
  const end = typeof expires === 'string' ? expiryEnd(expires) : undefined;
  if (end === undefined) {
    const noZone = typeof expires === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2})?$/.test(expires);
    problems.add(where, noZone
      ? `expires ${show(expires)} is ambiguous or not UTC; write the time in UTC with Z, e.g. '${expires.slice(0, 10)}T${expires.slice(11, 16)}Z', or a day alone ('${expires.slice(0, 10)}', the end of that day, UTC)`
      : `expires must be a real day YYYY-MM-DD (the end of that day, UTC) or a UTC time YYYY-MM-DDTHH:MMZ, got ${show(expires)}; e.g. '2027-03-31' or '2027-03-31T18:00Z'`);
    return false;
  }
  const horizonDays = options.expiryHorizonDays ?? DEFAULT_EXPIRY_HORIZON_DAYS;
  // The last day may be at most `horizonDays` after today (UTC): its end is the midnight after.
  const startOfToday = Math.floor(options.now.getTime() / DAY_MS) * DAY_MS;
  if (end.getTime() > startOfToday + (horizonDays + 1) * DAY_MS && entry.expiresBeyondHorizon === undefined) {
    problems.add(where, `expires ${show(expires)} is more than ${horizonDays} days ahead; bring it closer, or say why in expiresBeyondHorizon: '…'`);
  }
  if (!hasExpired(expires as string, options.now)) return false;
  if ((options.onExpired ?? 'drop') === 'error') {
    const today = options.now.toISOString();
    problems.add(where, parseDay(expires as string)
      ? `access expired after ${expires} (today is ${today.slice(0, 10)}); remove the entry or move expires to a future day`
      : `access ended at ${expires} (it is now ${today.slice(0, 16)}Z); remove the entry or move expires later`);
  }
  return true;
}

/** Stops at once (throwing `problems`) unless `list` is an array of plain data. */
export function requirePlainList(list: unknown, name: string, problems: Problems): asserts list is readonly unknown[] {
  if (!Array.isArray(list)) {
    problems.add(name, `must be an array of entries, got ${typeof list}`);
    problems.throwIfAny();
  }
  // A getter could answer the validator one thing and synth another: only plain fields count.
  const notPlain = plainDataProblem(list, name);
  if (notPlain) {
    problems.add(notPlain.at, notPlain.problem);
    problems.throwIfAny();
  }
}

/** Facts about config.ts every entry is checked against, worked out once per list. */
export interface Fleet {
  readonly databases: Readonly<Record<string, DatabaseConfig>>;
  /** Database keys, sorted, for messages. */
  readonly keys: readonly string[];
  /** Master user names, lower-case: reserved for people. */
  readonly masterNames: ReadonlySet<string>;
  /** Provider login names, lower-case → where they are set. */
  readonly loginNames: ReadonlyMap<string, string>;
}

export function fleetOf(databases: Readonly<Record<string, DatabaseConfig>>, loginNames: ReadonlyMap<string, string> = new Map()): Fleet {
  return {
    databases,
    keys: Object.keys(databases).sort(byCodeUnit),
    masterNames: new Set(Object.values(databases).map((d) => (d.masterUsername ?? DATABASE_DEFAULTS.masterUsername).toLowerCase())),
    loginNames: new Map([...loginNames].map(([name, from]) => [name.toLowerCase(), from])),
  };
}

/** An access map of database key → tier; adds the engine families it reaches to `families`. */
export function checkAccess(
  access: unknown,
  where: string,
  fleet: Fleet,
  problems: Problems,
  families: Set<EngineFamily>,
): void {
  const { databases, keys: known } = fleet;
  if (typeof access !== 'object' || access === null || Array.isArray(access)) {
    problems.add(where, `access must be an object of database key → tier, e.g. { ${known[0] ?? 'orders'}: 'read' }, got ${show(access)}`);
    return;
  }
  const grants = Object.entries(access as Record<string, unknown>);
  if (grants.length === 0) {
    problems.add(where, `access is empty; give at least one database (${known.join(', ')}) or remove the entry`);
  }
  for (const [key, tier] of grants) {
    const database = Object.prototype.hasOwnProperty.call(databases, key) ? databases[key] : undefined;
    if (!database) {
      problems.add(where, `unknown database ${show(key)}; the databases in config.ts are ${known.join(', ') || '(none)'}`);
    } else {
      families.add(engineFamily(database.engine));
    }
    if (!TIERS.includes(tier as Tier)) {
      problems.add(where, `unknown tier ${show(tier)} for database ${show(key)}; use one of ${TIERS.join(', ')}`);
    }
  }
}

/** How messages about a database user's name speak of it, per list. */
export interface NameWords {
  /** The field: `username`, `name`. */
  readonly field: string;
  /** What to write instead of an empty one. */
  readonly emptyFix: string;
  /** What to do about a name that is too long. */
  readonly shorterFix: string;
  /** What to do about a reserved name. */
  readonly reservedFix: string;
  /** A limit on every engine, instead of each engine's own. @default - each engine's MAX_USERNAME_LENGTH */
  readonly maxLength?: { readonly length: number; readonly why: string };
}

const PERSON_NAME: NameWords = {
  field: 'username',
  emptyFix: "use the Identity Center user name, e.g. 'jane.doe'",
  shorterFix: 'use a shorter Identity Center user name',
  reservedFix: "use the person's own user name",
};

/** A database user's name: characters, length on the engines it reaches, and names reserved there. */
export function checkDatabaseUserName(
  name: string,
  where: string,
  words: NameWords,
  families: ReadonlySet<EngineFamily>,
  fleet: Fleet,
  problems: Problems,
): void {
  const { field } = words;
  if (name.trim() === '') {
    problems.add(where, `${field} is empty; ${words.emptyFix}`);
    return;
  }
  if (!USERNAME_PATTERN.test(name)) {
    const bad = [...new Set([...name].filter((c) => !ALLOWED_CHARS.test(c)))];
    const detail = bad.length > 0
      ? `contains ${bad.map(describeChar).join(', ')}`
      : 'must start with a letter or digit';
    problems.add(where, `${field} ${detail}; use only letters, digits and . _ @ + = - (these are unsafe in SQL identifiers, IAM ARNs and principal tags)`);
  }
  if (words.maxLength && name.length > words.maxLength.length) {
    problems.add(where, `${field} is ${name.length} characters; at most ${words.maxLength.length} (${words.maxLength.why}); ${words.shorterFix}`);
  }
  for (const family of words.maxLength ? [] : families) {
    const max = MAX_USERNAME_LENGTH[family];
    if (name.length > max) {
      problems.add(where, `${field} is ${name.length} characters; ${family === 'mysql' ? 'MySQL' : 'PostgreSQL'} allows at most ${max}; ${words.shorterFix}`);
    }
  }
  const folded = name.toLowerCase();
  const broken = reservedRules(families).find((r) => r.matches(folded))?.rule
    ?? (fleet.masterNames.has(folded) ? 'a master user of config.ts' : undefined)
    ?? (fleet.loginNames.has(folded) ? `the user the Terraform provider logs in as (${fleet.loginNames.get(folded)})` : undefined);
  if (broken) problems.add(where, `${field} ${show(name)} is reserved: ${broken}; ${words.reservedFix}`);
}

const rulesByFamilies = new Map<string, readonly ReservedRule[]>();

/** The reserved-name rules for a person on databases of these engine families (one list per combination). */
function reservedRules(families: ReadonlySet<EngineFamily>): readonly ReservedRule[] {
  const sorted = [...families].sort();
  const key = sorted.join(',');
  let rules = rulesByFamilies.get(key);
  if (!rules) {
    rules = [...RESERVED_EVERYWHERE, ...sorted.flatMap((family) => RESERVED_BY_ENGINE[family])];
    rulesByFamilies.set(key, rules);
  }
  return rules;
}

function describeChar(c: string): string {
  if (c === ' ') return 'a space';
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  return show(c);
}
