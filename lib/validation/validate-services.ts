import { byCodeUnit, sortedEntries } from '../model/order';
import { AppConfig, EngineFamily, homeEnvironmentOf, SERVICE_ROLE_PREFIX, SERVICE_TRUSTS, ServiceEntry, ServiceRole, ServiceTrust, Tier } from '../model/types';
import { Problems, show } from './problems';
import { freeTextProblem } from './text';
import { checkAccess, checkDatabaseUserName, fleetOf, NameWords, requirePlainList } from './validate-users';

/** An application with database access, as the stacks consume it. */
export interface ActiveService {
  readonly name: string;
  readonly role: ServiceRole;
  /** Database key → tier, sorted by key. */
  readonly access: ReadonlyMap<string, Tier>;
  /** The account of its databases: where its role and connect policy live. */
  readonly environmentKey: string;
  readonly reason?: string;
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

const KNOWN_FIELDS: ReadonlySet<string> = new Set(['name', 'role', 'access', 'reason']);
const REASON_LIMIT = 300;
/** An IAM role ARN, its path allowed: the account and the role name are what the checks need. */
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

export interface ValidateServicesOptions {
  /** Databases (and their environments) services may refer to. */
  readonly config: Pick<AppConfig, 'databases' | 'environments'>;
  /** Provider login names → where each is set, reserved like the master users. @default - none */
  readonly loginNames?: ReadonlyMap<string, string>;
  /** Every username in users.ts: a service may not share a database user with a person. @default [] */
  readonly usernames?: readonly string[];
}

/**
 * Checks every entry of `services.ts` and reports all problems in one Error. Returns the
 * services, sorted by name.
 */
export function validateServices(services: unknown, options: ValidateServicesOptions): ActiveService[] {
  const problems = new Problems('services.ts');
  const { databases, environments } = options.config;
  const fleet = fleetOf(databases, options.loginNames);
  const people = new Map((options.usernames ?? []).map((u) => [u.toLowerCase(), u]));
  requirePlainList(services, 'services', problems);

  const firstByFoldedName = new Map<string, { index: number; name: string }>();
  const valid: ActiveService[] = [];
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
      if (first) problems.add(where, `duplicate name: services[${first.index}] is ${show(first.name)} (names are compared ignoring case); keep one entry and merge their access`);
      else firstByFoldedName.set(folded, { index, name });
      const person = people.get(folded);
      if (person !== undefined) {
        problems.add(where, `name ${show(name)} is also a username in users.ts (${show(person)}; names are compared ignoring case): a service and a person cannot share a database user; rename the service`);
      }
    }
    if (entry.reason !== undefined) {
      const problem = freeTextProblem(entry.reason, REASON_LIMIT);
      if (problem) problems.add(where, `reason ${show(entry.reason)} ${problem}; remove it or fill it in`);
    }

    // Where the role and its connect policy live: the one account of its databases.
    const keys = typeof entry.access === 'object' && entry.access !== null ? Object.keys(entry.access).filter((k) => Object.prototype.hasOwnProperty.call(databases, k)) : [];
    const environmentOf = (key: string) => databases[key].environment;
    const accountOf = (key: string) => environments[environmentOf(key)]?.account;
    // A database of an undeclared environment has no account: config.ts's own check reports it.
    const accounts = [...new Set(keys.map(accountOf).filter((a): a is string => a !== undefined))];
    if (accounts.length > 1) {
      problems.add(where, `access spans accounts ${accounts.sort().join(' and ')} (${keys.map((k) => `${k}: ${accountOf(k)}`).join(', ')}); a role connects only to databases of its own account: give the service databases of one account, or a second entry with another name`);
    }
    checkRole(entry.role, where, accounts.length === 1 ? accounts[0] : undefined, problems);

    if (problems.count > before || name === undefined || accounts.length !== 1) return;
    valid.push({
      name,
      role: entry.role as ServiceRole,
      access: new Map(sortedEntries(entry.access as Record<string, Tier>)),
      environmentKey: homeEnvironmentOf(environments, accounts[0]),
      ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
    });
  });
  problems.throwIfAny();
  return valid.sort((a, b) => byCodeUnit(a.name, b.name));
}

function checkRole(role: unknown, where: string, account: string | undefined, problems: Problems): void {
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
  const arn = typeof value === 'string' ? ROLE_ARN.exec(value) : null;
  if (!arn) {
    problems.add(where, `role.arn ${show(value)} is not an IAM role ARN, e.g. 'arn:aws:iam::123456789012:role/orders-api'`);
  } else if (account !== undefined && arn[2] !== account) {
    problems.add(where, `role.arn is in account ${arn[2]}, its databases in ${account}; a role connects only to databases of its own account: use a role of ${account}, or { trust: … } to have one created there`);
  }
}
