import { byCodeUnit } from '../model/order';
import { entryPointOf } from '../terraform/interpolate';
import { forEachValue, StackJson } from '../terraform/synthesized';

/**
 * What a synthesized app deploys, as access: read from the stacks' Terraform JSON, not from
 * users.ts, so the access report shows what `cdktf deploy` would do whatever produced it
 * (a users.ts entry, a schema in config.ts, a privilege in the tier table, a module change).
 * Every resource of the users and Identity Center stacks is either understood here or listed
 * under `other` with its configuration: nothing a stack declares goes unreported.
 */

export interface DeployedDatabase {
  /** Person → tier (the tier role's name when it is not one of ours), sorted by person. */
  readonly people: Readonly<Record<string, string>>;
  /** Tier → what it can do, one sorted line per grant or membership. */
  readonly tiers: Readonly<Record<string, readonly string[]>>;
  /** Where the tiers reach: `schema <name>` (PostgreSQL) or `database <name>` (MySQL), sorted. */
  readonly scopes: readonly string[];
  /** What every person's own database user is, with `<person>` and `<tier>` for the parts that vary. */
  readonly perPerson: readonly string[];
  /** Who can reach the engine port, and the instance settings that decide how. */
  readonly network: readonly string[];
}

export interface DeployedIdentityCenter {
  /** Members of the access group, sorted. */
  readonly members: readonly string[];
  /** Policy label → the policy document, formatted for a line diff. */
  readonly policies: Readonly<Record<string, string>>;
  /** `permission set → account` lines, sorted. */
  readonly assignments: readonly string[];
}

/** The IAM side of services.ts: what each service's role may do and who may assume it. */
export interface DeployedServices {
  /** `<stack> policy <name>` / `<stack> role <name> trust` → the document, formatted for a line diff. */
  readonly policies: Readonly<Record<string, string>>;
  /** `role <role> ← policy <policy>` and `instance profile <name> → role <role>` lines, sorted. */
  readonly roles: readonly string[];
}

export interface DeployedAccess {
  /** Database key → what its users stack grants (and its database stack exposes). */
  readonly databases: Readonly<Record<string, DeployedDatabase>>;
  readonly identityCenter?: DeployedIdentityCenter;
  readonly services?: DeployedServices;
  /** `<stack> <type>.<path>` → configuration of every resource not modelled above. */
  readonly other: Readonly<Record<string, string>>;
}

type Body = Readonly<Record<string, unknown>>;

/** One resource instance: a `for_each` resource yields one per key, with `each` resolved. */
interface Instance {
  readonly type: string;
  /** The construct path inside the stack (`access/tier-read`), stable across synths. */
  readonly path: string;
  readonly body: Body;
  /** The `for_each` key, when the resource has one (the person, in users stacks). */
  readonly each?: string;
}

/** The deployed access of an app, from its stacks by stack name (`users-orders`, …). */
export function deployedAccess(stacks: Readonly<Record<string, StackJson>>): DeployedAccess {
  const databases: Record<string, DeployedDatabase> = {};
  const other: Record<string, string> = {};
  let identityCenter: DeployedIdentityCenter | undefined;
  let services: DeployedServices | undefined;
  for (const name of Object.keys(stacks).sort(byCodeUnit)) {
    const stack = stacks[name];
    if (name.startsWith('users-')) {
      const key = name.slice('users-'.length);
      databases[key] = { ...usersStackAccess(name, stack, other), network: networkOf(stacks[`database-${key}`]) };
    } else if (name === 'identity-center' || name.startsWith('connect-policy-')) {
      identityCenter = mergeIdentityCenter(identityCenter, identityCenterAccess(name, stack, other));
    } else if (name.startsWith('services-')) {
      const found = servicesAccess(name, stack, other);
      services = { policies: { ...services?.policies, ...found.policies }, roles: [...(services?.roles ?? []), ...found.roles].sort(byCodeUnit) };
    }
  }
  return { databases, ...(identityCenter ? { identityCenter } : {}), ...(services ? { services } : {}), other };
}

/** Terraform's `${type.name.attr}` reference to another resource of the same stack. */
const REFERENCE = /^\$\{([a-z0-9_]+)\.([\w-]+)\.([a-z_]+)\}$/;

function instancesOf(stack: StackJson): Instance[] {
  const out: Instance[] = [];
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, raw] of Object.entries(byName)) {
      const { '//': meta, for_each: forEach, depends_on: _dependsOn, ...body } = raw;
      const path = (meta as { metadata?: { path?: string } } | undefined)?.metadata?.path?.split('/').slice(1).join('/') ?? name;
      // References to other resources become the value they name, so a line reads `iam_read`, not a token.
      const resolved = resolveReferences(body, stack) as Body;
      const map = forEachMap(forEach, stack.locals ?? {});
      if (map === undefined) {
        out.push({ type, path, body: resolved });
        continue;
      }
      for (const [key, value] of Object.entries(map)) {
        out.push({ type, path, body: substituteEach(resolved, key, value) as Body, each: key });
      }
    }
  }
  return out;
}

/** The `for_each` map of a resource; an expression it cannot resolve counts as one instance keyed by its text. */
function forEachMap(forEach: unknown, locals: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | undefined {
  if (forEach === undefined) return undefined;
  const map = forEachValue(forEach, locals);
  return typeof map === 'object' && map !== null ? (map as Record<string, unknown>) : { [String(forEach)]: String(forEach) };
}

/** `value` with every string replaced by `leaf(string)`, through lists and objects (keys in code-unit order when `sortKeys`). */
function mapStrings(value: unknown, leaf: (text: string) => unknown, sortKeys = false): unknown {
  if (typeof value === 'string') return leaf(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, leaf, sortKeys));
  if (typeof value === 'object' && value !== null) {
    const keys = sortKeys ? Object.keys(value).sort(byCodeUnit) : Object.keys(value);
    return Object.fromEntries(keys.map((k) => [k, mapStrings((value as Record<string, unknown>)[k], leaf, sortKeys)]));
  }
  return value;
}

/** A `${type.name.attr}` reference replaced by the literal it names in the same stack. */
function resolveReferences(value: unknown, stack: StackJson): unknown {
  return mapStrings(value, (text) => {
    const ref = REFERENCE.exec(text);
    const target = ref ? stack.resource?.[ref[1]]?.[ref[2]]?.[ref[3]] : undefined;
    return typeof target === 'string' && !target.includes('${') ? target : text;
  });
}

/** `${each.key}`, `${each.value}` and `${each.value.<attribute>}` replaced by one instance's key and value. */
function substituteEach(value: unknown, key: string, eachValue: unknown): unknown {
  return mapStrings(value, (text) => {
    if (text === '${each.key}') return key;
    if (text === '${each.value}') return eachValue;
    const attribute = /^\$\{each\.value\.(\w+)\}$/.exec(text)?.[1];
    return attribute !== undefined && typeof eachValue === 'object' && eachValue !== null && attribute in eachValue
      ? (eachValue as Record<string, unknown>)[attribute]
      : text;
  });
}

/** Resource configuration as canonical text (sorted keys, one per line), for `other`. */
function canonical(value: unknown): string {
  return JSON.stringify(mapStrings(value, (text) => text, true), null, 2);
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const privilegesOf = (body: Body) => [...list(body.privileges)].sort(byCodeUnit).join(', ');
const grantOption = (body: Body) => (body.with_grant_option === true || body.grant_option === true ? ' with grant option' : '');
const adminOption = (body: Body) => (body.with_admin_option === true || body.admin_option === true ? ' with admin option' : '');

/** Role attributes of a PostgreSQL role that widen what it can do (false or absent is the safe default). */
const PG_ROLE_FLAGS: readonly [string, string][] = [
  ['superuser', 'superuser'], ['create_database', 'can create databases'], ['create_role', 'can create roles'],
  ['replication', 'can replicate'], ['bypass_row_level_security', 'bypasses row-level security'],
];

function usersStackAccess(stackName: string, stack: StackJson, other: Record<string, string>): Omit<DeployedDatabase, 'network'> {
  const instances = instancesOf(stack);
  // Tier roles: `access/tier-<tier>` in the module; their names label everything that reaches them.
  const tierOfRole = new Map<string, string>();
  for (const i of instances) {
    const tier = /(?:^|\/)tier-([\w-]+)$/.exec(i.path)?.[1];
    if (tier && i.each === undefined && (i.type === 'postgresql_role' || i.type === 'mysql_role')) tierOfRole.set(String(i.body.name), tier);
  }
  const label = (role: string) => tierOfRole.get(role) ?? role;

  const tiers = new Map<string, Set<string>>();
  const addTo = (role: string, line: string) => {
    const name = label(role);
    if (!tiers.has(name)) tiers.set(name, new Set());
    tiers.get(name)!.add(line);
  };
  const scopes = new Set<string>();
  const people = new Map<string, Set<string>>();
  const perPerson = new Set<string>();
  const personLine = (person: string, line: string) => {
    if (!people.has(person)) people.set(person, new Set());
    // A tier role held, or made the default role (MariaDB), reads the same for everyone.
    const [, how, role] = /^(member of|default role) (.+)$/.exec(line) ?? [];
    const tier = role !== undefined ? tierOfRole.get(role) : undefined;
    if (tier !== undefined && how === 'member of') people.get(person)!.add(tier);
    perPerson.add(tier !== undefined ? `${how} <tier>` : line);
  };

  for (const i of instances) {
    const b = i.body;
    const lines = describeUsersResource(i);
    if (lines === undefined) {
      other[`${stackName} ${i.type}.${i.path}${i.each !== undefined ? `["${i.each}"]` : ''}`] = canonical(b);
      continue;
    }
    if ((i.type === 'postgresql_grant' || i.type === 'postgresql_default_privileges') && typeof b.schema === 'string') scopes.add(`schema ${b.schema}`);
    if (i.type === 'postgresql_schema') scopes.add(`schema ${String(b.name)}`);
    if (i.type === 'mysql_grant' && b.role !== undefined && typeof b.database === 'string' && b.database !== '*') scopes.add(`database ${b.database}`);
    if (i.each !== undefined) {
      for (const line of lines.lines) personLine(i.each, line);
    } else if (lines.role !== undefined) {
      for (const line of lines.lines) addTo(lines.role, line);
    }
  }

  const peopleByName: Record<string, string> = {};
  for (const person of [...people.keys()].sort(byCodeUnit)) {
    const held = [...people.get(person)!].sort(byCodeUnit);
    peopleByName[person] = held.length > 0 ? held.join(' + ') : '(no tier)';
  }
  const tierLines: Record<string, string[]> = {};
  for (const name of [...tiers.keys()].sort(byCodeUnit)) tierLines[name] = [...tiers.get(name)!].sort(byCodeUnit);
  return { people: peopleByName, tiers: tierLines, scopes: [...scopes].sort(byCodeUnit), perPerson: [...perPerson].sort(byCodeUnit) };
}

/**
 * A users-stack resource as access lines, and the role they belong to (absent for a
 * per-person resource: its lines belong to the `for_each` key). Undefined when the
 * resource is not one this model knows: the caller lists it whole.
 */
function describeUsersResource(i: Instance): { role?: string; lines: string[] } | undefined {
  const b = i.body;
  switch (i.type) {
    case 'postgresql_role': {
      // A person's role that cannot log in (expired, locked) grants nothing.
      if (i.each !== undefined && b.login !== true && list(b.roles).length === 0) return { lines: [] };
      const lines = list(b.roles).map((r) => `member of ${r}`);
      if (b.login === true) lines.push('can log in');
      if (b.inherit === false) lines.push('does not inherit');
      for (const [flag, words] of PG_ROLE_FLAGS) if (b[flag] === true) lines.push(words);
      if (typeof b.password === 'string' || typeof b.password_wo === 'string') lines.push('has a password');
      if (i.each !== undefined && b.name !== i.each) lines.push(`named ${String(b.name)}`);
      return { role: String(b.name), lines };
    }
    case 'postgresql_grant': {
      const on = b.object_type === 'database'
        ? `database ${String(b.database)}`
        : b.object_type === 'schema'
          ? `schema ${String(b.schema)}`
          : `${list(b.objects).length > 0 ? list(b.objects).join(', ') : `all ${String(b.object_type)}s`} in schema ${String(b.schema)}`;
      const columns = list(b.columns).length > 0 ? ` (columns ${list(b.columns).join(', ')})` : '';
      return { role: String(b.role), lines: [`${privilegesOf(b)} on ${on}${columns}${grantOption(b)}`] };
    }
    case 'postgresql_default_privileges':
      return {
        role: String(b.role),
        lines: [`${privilegesOf(b)} on ${String(b.object_type)}s created later in schema ${String(b.schema ?? '(any)')} by ${String(b.owner)}${grantOption(b)}`],
      };
    case 'postgresql_grant_role':
      return { role: String(b.role), lines: [`member of ${String(b.grant_role)}${adminOption(b)}`] };
    case 'postgresql_schema':
      // A schema's owner or policy blocks grant access: such a schema is listed whole.
      return b.owner === undefined && b.policy === undefined ? { lines: [] } : undefined;
    case 'mysql_role':
      return { role: String(b.name), lines: [] };
    case 'mysql_grant': {
      const who = i.each !== undefined ? undefined : String(b.role ?? `${String(b.user)}@${String(b.host ?? '%')}`);
      const lines = list(b.roles).map((r) => `member of ${r}`);
      if (list(b.privileges).length > 0) lines.push(`${privilegesOf(b)} on ${String(b.database)}.${String(b.table ?? '*')}${grantOption(b)}`);
      if (i.each !== undefined && b.user !== i.each) lines.push(`for user ${String(b.user)}`);
      return { ...(who !== undefined ? { role: who } : {}), lines };
    }
    case 'mysql_user':
      if (i.each === undefined) return undefined;
      return {
        lines: [`user ${b.user === i.each ? '<person>' : String(b.user)}@${String(b.host ?? 'localhost')}, ${String(b.auth_plugin ?? 'password')} login, TLS ${String(b.tls_option ?? 'NONE')}`],
      };
    case 'mysql_default_roles':
      return { lines: list(b.roles).map((r) => `default role ${r}`) };
    default:
      return undefined;
  }
}

type DataBlocks = Readonly<Record<string, Readonly<Record<string, Body>>>>;

/** Ingress rules and the instance settings that decide who reaches the engine port. */
function networkOf(stack: StackJson | undefined): string[] {
  if (!stack) return [];
  const lines: string[] = [];
  // An existing database is only looked up: who reaches it is decided elsewhere, and a reviewer should know.
  const data = (stack.data ?? {}) as DataBlocks;
  for (const lookup of Object.values(data.aws_db_instance ?? {})) lines.push(`existing instance ${String(lookup.db_instance_identifier)}: network managed outside this project`);
  for (const lookup of Object.values(data.aws_rds_cluster ?? {})) lines.push(`existing cluster ${String(lookup.cluster_identifier)}: network managed outside this project`);
  for (const lookup of Object.values(data.aws_db_proxy ?? {})) {
    lines.push(`existing proxy ${String(lookup.name)}: a way in, checked at plan for end-to-end IAM and TLS; network managed outside this project`);
  }
  const groups = (stack.resource?.aws_security_group ?? {}) as Readonly<Record<string, Body>>;
  // A rule admitting a security group of this stack names it (`security group orders-proxy`), not its token.
  const groupName = (id: unknown) => {
    const ref = /^\$\{aws_security_group\.([\w-]+)\.id\}$/.exec(String(id));
    return ref && groups[ref[1]] ? `security group ${String(groups[ref[1]].name)}` : String(id);
  };
  const provider = ((stack.provider as Record<string, Body[]> | undefined)?.aws ?? [])[0];
  for (const i of instancesOf(stack)) {
    const b = i.body;
    // Rules of a proxy's own security group are its network; the rule letting the proxy into the database is the database's.
    const where = i.path.startsWith('proxy/') && i.path !== 'proxy/database-ingress'
      ? 'proxy: '
      : i.path.startsWith('database/replica-region/') ? `replicas in ${String(((stack.provider as Record<string, Body[]> | undefined)?.aws ?? []).find((p) => p.alias === 'replicas')?.region)}: ` : '';
    if (i.type === 'aws_vpc_security_group_ingress_rule') {
      const from = b.cidr_ipv4 ?? b.cidr_ipv6 ?? b.referenced_security_group_id ?? b.prefix_list_id;
      lines.push(`${where}${String(b.ip_protocol)} ${String(b.from_port)}-${String(b.to_port)} from ${groupName(from)}`);
    } else if (i.type === 'aws_vpc_security_group_egress_rule') {
      const to = b.cidr_ipv4 ?? b.cidr_ipv6 ?? b.referenced_security_group_id ?? b.prefix_list_id;
      lines.push(`${where}out ${String(b.ip_protocol)} ${String(b.from_port)}-${String(b.to_port)} to ${groupName(to)}`);
    } else if (i.type === 'aws_db_proxy') {
      // A way in: who reaches it (the rules above) and the ARN each user's policy names.
      const auth = b.default_auth_scheme === 'IAM_AUTH' ? 'end-to-end IAM (no secret)' : `auth scheme ${String(b.default_auth_scheme ?? 'NONE')}, not end-to-end IAM`;
      const region = String(provider?.region ?? '<region>');
      const account = String(list(provider?.allowed_account_ids)[0] ?? '<account>');
      lines.push(`proxy ${String(b.name)}: ${auth}, ${b.require_tls === true ? 'TLS required' : 'TLS not required'}`);
      lines.push(`proxy ${String(b.name)}: a way in as arn:aws:rds-db:${region}:${account}:dbuser:<prx- id of proxy ${String(b.name)}>/<user>`);
    } else if (i.type === 'aws_iam_role_policy' && i.path.startsWith('proxy/')) {
      lines.push(`proxy: its role may log in to this database only: ${canonical(JSON.parse(String(b.policy)).Statement?.[0]?.Resource ?? b.policy)}`);
    } else if (i.type === 'aws_db_instance' && typeof b.replicate_source_db === 'string') {
      // A replica is a way in of its own: its resource id is in every policy beside the database's.
      const aliased = ((stack.provider as Record<string, Body[]> | undefined)?.aws ?? []).find((p) => `aws.${String(p.alias)}` === b.provider);
      const region = String((b.provider !== undefined ? aliased?.region : provider?.region) ?? '<region>');
      lines.push(`replica ${String(b.identifier)} (${region}): a way in, ${b.iam_database_authentication_enabled === true ? 'IAM database authentication on' : 'IAM database authentication off'}${b.publicly_accessible === true ? ', publicly accessible' : ''}`);
    } else if (i.type === 'aws_db_instance' || i.type === 'aws_rds_cluster' || i.type === 'aws_rds_cluster_instance') {
      if (b.publicly_accessible === true) lines.push(`${i.path}: publicly accessible`);
      if (i.type !== 'aws_rds_cluster_instance' && b.iam_database_authentication_enabled !== true) lines.push(`${i.path}: IAM database authentication off`);
    } else if (i.type === 'aws_security_group_rule' || i.type === 'aws_security_group') {
      if (i.type === 'aws_security_group_rule' || list(b.ingress).length > 0) lines.push(`${i.type}.${i.path}: ${canonical(b)}`);
    }
  }
  return lines.sort(byCodeUnit);
}

function identityCenterAccess(stackName: string, stack: StackJson, other: Record<string, string>): DeployedIdentityCenter {
  const members = new Set<string>();
  const policies: Record<string, string> = {};
  const assignments: string[] = [];
  for (const i of instancesOf(stack)) {
    const b = i.body;
    if (i.type === 'aws_identitystore_group_membership' && i.each !== undefined) {
      members.add(i.each);
    } else if (i.type === 'aws_ssoadmin_permission_set_inline_policy' || i.type === 'aws_iam_policy') {
      const document = String(b.inline_policy ?? b.policy);
      policies[`${stackName} ${i.type === 'aws_iam_policy' ? `policy ${String(b.name)}` : 'permission set inline policy'}`] = formatPolicy(document);
    } else if (i.type === 'aws_ssoadmin_account_assignment') {
      assignments.push(`${String(b.principal_type)} → ${String(b.target_type)} ${String(b.target_id)}`);
    } else {
      other[`${stackName} ${i.type}.${i.path}${i.each !== undefined ? `["${i.each}"]` : ''}`] = canonical(b);
    }
  }
  return { members: [...members].sort(byCodeUnit), policies, assignments: assignments.sort(byCodeUnit) };
}

/** Roles, trust and connect policies of one services stack; anything else goes to `other`. */
function servicesAccess(stackName: string, stack: StackJson, other: Record<string, string>): DeployedServices {
  const policies: Record<string, string> = {};
  const roles: string[] = [];
  const policyNames = new Map(Object.entries(stack.resource?.aws_iam_policy ?? {}).map(([id, b]) => [`\${aws_iam_policy.${id}.arn}`, String(b.name)]));
  for (const i of instancesOf(stack)) {
    const b = i.body;
    if (i.type === 'aws_iam_policy') {
      policies[`${stackName} policy ${String(b.name)}`] = formatPolicy(String(b.policy));
    } else if (i.type === 'aws_iam_role') {
      policies[`${stackName} role ${String(b.name)} trust`] = formatPolicy(String(b.assume_role_policy));
    } else if (i.type === 'aws_iam_role_policy_attachment') {
      roles.push(`role ${String(b.role)} ← policy ${policyNames.get(String(b.policy_arn)) ?? String(b.policy_arn)}`);
    } else if (i.type === 'aws_iam_instance_profile') {
      roles.push(`instance profile ${String(b.name)} → role ${String(b.role)}`);
    } else {
      other[`${stackName} ${i.type}.${i.path}`] = canonical(b);
    }
  }
  return { policies, roles: roles.sort(byCodeUnit) };
}

/** A cross-stack reference cdktf writes for a value of another stack (a database's, its proxy's or a replica's resource id). */
const CROSS_STACK = /\$\{(data\.terraform_remote_state\.cross-stack-reference-input-([\w-]+)\.outputs\.cross-stack-output-[\w-]*?(cluster_resource_id|resource_id|arn)(?:_[0-9A-F]{8})?)\}/g;

/** `<resource_id of database-orders>`, `<resource_id of database-orders proxy>`, `<resource_id of database-orders replica-1>`. */
function crossStackLabel(_match: string, reference: string, stack: string, attribute: string): string {
  const entry = entryPointOf(reference);
  return `<${attribute} of ${stack}${entry !== undefined ? ` ${entry}` : ''}>`;
}

/**
 * A policy document indented one key per line, so a change diffs line by line, with
 * cross-stack references as `<resource_id of database-orders>` and Terraform's `$${` escape
 * as the `${` IAM sees.
 */
function formatPolicy(document: string): string {
  let text: string;
  try {
    text = JSON.stringify(JSON.parse(document), null, 2);
  } catch {
    text = document;
  }
  return text.replace(CROSS_STACK, crossStackLabel).replace(/\$\$\{/g, '${');
}

function mergeIdentityCenter(a: DeployedIdentityCenter | undefined, b: DeployedIdentityCenter): DeployedIdentityCenter {
  if (!a) return b;
  return {
    members: [...new Set([...a.members, ...b.members])].sort(byCodeUnit),
    policies: { ...a.policies, ...b.policies },
    assignments: [...a.assignments, ...b.assignments].sort(byCodeUnit),
  };
}
