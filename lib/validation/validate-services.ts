import { byCodeUnit, sortedEntries } from '../model/order';
import { AppConfig, EngineFamily, homeEnvironmentOf, IAM_ROLE_ARN, SERVICE_ROLE_PREFIX, SERVICE_TRUSTS, ServiceEntry, ServiceRole, ServiceTrust, Tier } from '../model/types';
import { Problems, show } from './problems';
import { freeTextProblem } from './text';
import { checkAccess, checkDatabaseUserName, checkExpiry, fleetOf, NameWords, requirePlainList, ValidateUsersOptions } from './validate-users';

/** An application with database access, as the stacks consume it. */
export interface ActiveService {
  readonly name: string;
  readonly role: ServiceRole;
  /** Database key → tier, sorted by key. */
  readonly access: ReadonlyMap<string, Tier>;
  /** The account of its databases: where its role and connect policy live. */
  readonly environmentKey: string;
  /** Who answers for it. */
  readonly owner: string;
  readonly expires?: string;
  readonly reason?: string;
}

/** A service past its `expires`: granted nothing, its database users locked where the engine allows. */
export interface ExpiredService {
  readonly name: string;
  /** The databases and tiers the entry names, which no longer apply. */
  readonly access: ReadonlyMap<string, Tier>;
}

export interface ValidatedServices {
  /** Services that have access today, sorted by name. */
  readonly active: readonly ActiveService[];
  /** Entries past their expiry, sorted by name. */
  readonly expired: readonly ExpiredService[];
  /** With `invalidEntries: 'skip'`, the problems of the entries granted nothing for them; else empty. */
  readonly skipped: readonly string[];
}

/**
 * A service's database user name is also in its role's name (`SERVICE_ROLE_PREFIX<name>`, IAM allows 64)
 * and must fit MySQL's 32-character user names wherever it goes later.
 */
export const MAX_SERVICE_NAME_LENGTH = 32;

const SERVICE_NAME: NameWords = {
  field: 'name',
  emptyFix: "give the service's database user name, e.g. 'orders-api'",
  shorterFix: 'use a shorter service name',
  reservedFix: 'choose another service name',
  maxLength: { length: MAX_SERVICE_NAME_LENGTH, why: `MySQL's user names, and IAM role names with the ${SERVICE_ROLE_PREFIX} prefix` },
};

const KNOWN_FIELDS: ReadonlySet<string> = new Set(['name', 'role', 'access', 'owner', 'expires', 'expiresBeyondHorizon', 'reason']);
const TEXT_LIMITS = { owner: 100, reason: 300, expiresBeyondHorizon: 300 } as const;

export interface ValidateServicesOptions extends Pick<ValidateUsersOptions, 'now' | 'onExpired' | 'invalidEntries'> {
  /** Databases, environments (with the role ARNs services may use) and the expiry horizon. */
  readonly config: Pick<AppConfig, 'databases' | 'environments' | 'expiryHorizonDays'>;
  /** Provider login names → where each is set, reserved like the master users. @default - none */
  readonly loginNames?: ReadonlyMap<string, string>;
  /** Every username in users.ts: a service may not share a database user with a person. @default [] */
  readonly usernames?: readonly string[];
}

/**
 * Checks every entry of `services.ts` and reports all problems in one Error. Returns the
 * services that have access today and those past their expiry, sorted by name.
 */
export function validateServices(services: unknown, options: ValidateServicesOptions): ValidatedServices {
  const problems = new Problems('services.ts');
  const { databases, environments } = options.config;
  const fleet = fleetOf(databases, options.loginNames);
  const people = new Map((options.usernames ?? []).map((u) => [u.toLowerCase(), u]));
  requirePlainList(services, 'services', problems);

  const firstByFoldedName = new Map<string, { index: number; name: string }>();
  // Names given twice: when skipping, neither entry is granted (see validateUsers).
  const contested = new Map<string, { index: number; name: string }>();
  const valid: ActiveService[] = [];
  const expired: ExpiredService[] = [];
  services.forEach((raw, index) => {
    const before = problems.count;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.add(`services[${index}]`, `must be an object like { name: 'orders-api', role: { trust: 'ecs-tasks' }, access: { orders: 'write' } }, got ${show(raw)}`);
      return;
    }
    const entry = raw as Partial<ServiceEntry> & Record<string, unknown>;
    const name = typeof entry.name === 'string' ? entry.name : undefined;
    const where = `services[${index}]${name !== undefined ? ` (${show(name)})` : ''}`;
    for (const field of Object.keys(entry)) {
      if (!KNOWN_FIELDS.has(field)) problems.add(where, `unknown field ${show(field)}; the fields are ${[...KNOWN_FIELDS].join(', ')}`);
    }

    const families = new Set<EngineFamily>();
    checkAccess(entry.access, where, fleet, problems, families);
    if (name === undefined) {
      problems.add(where, `name must be a string, got ${show(entry.name)}; give the service's database user name, e.g. 'orders-api'`);
    } else {
      checkDatabaseUserName(name, where, SERVICE_NAME, families, fleet, problems);
      const folded = name.toLowerCase();
      const first = firstByFoldedName.get(folded);
      if (first) {
        problems.add(where, `duplicate name: services[${first.index}] is ${show(first.name)} (names are compared ignoring case); keep one entry and merge their access`);
        contested.set(folded, first);
      } else {
        firstByFoldedName.set(folded, { index, name });
      }
      const person = people.get(folded);
      if (person !== undefined) {
        problems.add(where, `name ${show(name)} is also a username in users.ts (${show(person)}; names are compared ignoring case): a service and a person cannot share a database user; rename the service`);
      }
    }
    if (typeof entry.owner !== 'string' || entry.owner.trim() === '') {
      problems.add(where, `owner must name who answers for this service (a team or a person), got ${show(entry.owner)}; e.g. owner: 'team-orders'`);
    }
    for (const field of ['owner', 'reason', 'expiresBeyondHorizon'] as const) {
      const value = entry[field];
      const problem = value === undefined || (field === 'owner' && typeof value !== 'string') ? undefined : freeTextProblem(value, TEXT_LIMITS[field]);
      if (problem) problems.add(where, `${field} ${show(value)} ${problem}${field === 'owner' ? '' : '; remove it or fill it in'}`);
    }
    const isExpired = checkExpiry(entry, where, { now: options.now, onExpired: options.onExpired, expiryHorizonDays: options.config.expiryHorizonDays }, problems);

    // Where the role and its connect policy live: the one account of its databases.
    const keys = typeof entry.access === 'object' && entry.access !== null ? Object.keys(entry.access).filter((k) => Object.prototype.hasOwnProperty.call(databases, k)) : [];
    const environmentOf = (key: string) => databases[key].environment;
    const accountOf = (key: string) => environments[environmentOf(key)]?.account;
    // A database of an undeclared environment has no account: config.ts's own check reports it.
    const accounts = [...new Set(keys.map(accountOf).filter((a): a is string => a !== undefined))];
    if (accounts.length > 1) {
      problems.add(where, `access spans accounts ${accounts.sort().join(' and ')} (${keys.map((k) => `${k}: ${accountOf(k)}`).join(', ')}); a role connects only to databases of its own account: give the service databases of one account, or a second entry with another name`);
    }
    checkRole(entry.role, where, accounts.length === 1 ? accounts[0] : undefined, environments, problems);

    if (problems.count > before || name === undefined || accounts.length !== 1) return;
    const access = new Map(sortedEntries(entry.access as Record<string, Tier>));
    if (isExpired) {
      expired.push({ name, access });
      return;
    }
    valid.push({
      name,
      role: entry.role as ServiceRole,
      access,
      environmentKey: homeEnvironmentOf(environments, accounts[0]),
      owner: entry.owner as string,
      ...(entry.expires !== undefined ? { expires: entry.expires } : {}),
      ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
    });
  });
  if (options.invalidEntries !== 'skip') problems.throwIfAny();
  for (const first of contested.values()) problems.add(`services[${first.index}] (${show(first.name)})`, 'granted nothing while another entry has the same name');
  return {
    active: valid.filter((s) => !contested.has(s.name.toLowerCase())).sort((a, b) => byCodeUnit(a.name, b.name)),
    expired: expired.sort((a, b) => byCodeUnit(a.name, b.name)),
    skipped: problems.list(),
  };
}

function checkRole(role: unknown, where: string, account: string | undefined, environments: AppConfig['environments'], problems: Problems): void {
  const example = "{ trust: 'ecs-tasks' } (a role this project creates) or { arn: 'arn:aws:iam::123456789012:role/orders-api' } (one that exists)";
  const keys = typeof role === 'object' && role !== null && !Array.isArray(role) ? Object.keys(role) : [];
  if (keys.length !== 1 || (keys[0] !== 'arn' && keys[0] !== 'trust')) {
    problems.add(where, `role must be ${example}, got ${show(role)}`);
    return;
  }
  const value = (role as Record<string, unknown>)[keys[0]];
  if (keys[0] === 'trust') {
    if (!SERVICE_TRUSTS.includes(value as ServiceTrust)) {
      problems.add(where, `role.trust ${show(value)} is not one of ${SERVICE_TRUSTS.join(', ')} (the AWS service that runs it: an EC2 instance profile, an ECS task, a Lambda function, an EKS pod with Pod Identity)`);
    }
    return;
  }
  const arn = typeof value === 'string' ? IAM_ROLE_ARN.exec(value) : null;
  if (!arn) {
    problems.add(where, `role.arn ${show(value)} is not an IAM role ARN, e.g. 'arn:aws:iam::123456789012:role/orders-api'`);
  } else if (account !== undefined && arn[2] !== account) {
    problems.add(where, `role.arn is in account ${arn[2]}, its databases in ${account}; a role connects only to databases of its own account: use a role of ${account}, or { trust: … } to have one created there`);
  } else if (account !== undefined) {
    // Only roles the platform listed: any other could be one a person may assume, and would carry their access.
    const allowed = Object.entries(environments).filter(([, env]) => env?.account === account && Array.isArray(env.serviceRoleArns) && env.serviceRoleArns.includes(value as string));
    if (allowed.length === 0) {
      const homes = Object.entries(environments).filter(([, env]) => env?.account === account).map(([key]) => `environments.${key}`);
      problems.add(where, `role.arn ${show(value)} is not in serviceRoleArns of ${homes.join(' or ')} in config.ts; the platform lists the existing roles services may use there (a change a code owner reviews), or use { trust: … } to have a role created`);
    }
  }
}
