import { Annotations, App } from 'cdktf';
import { DatabaseStack } from './database-stack';
import { UsersStack } from './users-stack';
import { ConnectPolicyStack } from './connect-policy-stack';
import { ServicesStack } from './services-stack';
import { DEFAULT_POLICY_NAME, IdentityCenterStack } from './identity-center-stack';
import { byCodeUnit, sortedEntries } from '../lib/model/order';
import { connectPolicyFor } from '../lib/iam/policy';
import { AppConfig, DatabaseGrant, grantsOn, homeEnvironmentOf, isExisting, serviceGrantsOn } from '../lib/model/types';
import { loginOf } from '../lib/model/connection';
import { clockFromEnv } from '../lib/model/clock';
import { ProjectData, readProjectData } from '../lib/validation/data-file';
import { invalidEntriesFromEnv, validateInputs, ValidInputs } from '../lib/validation/inputs';
import { ValidatedUsers } from '../lib/validation/validate-users';
import { ActiveService } from '../lib/validation/validate-services';

export interface ComposedApp {
  readonly databases: Readonly<Record<string, DatabaseStack>>;
  readonly users: Readonly<Record<string, UsersStack>>;
  /** Present when config.ts has `identityCenter`. */
  readonly identityCenter?: IdentityCenterStack;
  /** Customer-managed connect policies, by environment key (one per database account). */
  readonly connectPolicies: Readonly<Record<string, ConnectPolicyStack>>;
  /** The IAM side of services.ts, by environment key (one per account with services). */
  readonly services: Readonly<Record<string, ServicesStack>>;
  readonly validated: ValidatedUsers;
}

/**
 * Declares the stacks: per database, `database-<key>` and `users-<key>`; with
 * `identityCenter`, `identity-center` (and `connect-policy-<environment>`); per account with
 * services, `services-<environment>`.
 */
export function composeApp(app: App, inputs: ValidInputs): ComposedApp {
  const { config, connections, validated } = inputs;

  const databases: Record<string, DatabaseStack> = {};
  const usersStacks: Record<string, UsersStack> = {};
  for (const [key, db] of sortedEntries(config.databases)) {
    const envProps = { environmentKey: db.environment, environment: config.environments[db.environment] };
    const dbStack = new DatabaseStack(app, `database-${key}`, {
      ...envProps,
      databaseKey: key,
      database: db,
      needsMasterSecret: loginOf(connections[key]) === 'master-secret',
      ...(!isExisting(db) && db.replicas?.environment !== undefined
        ? { replicaEnvironment: { key: db.replicas.environment, environment: config.environments[db.replicas.environment] } }
        : {}),
    });
    databases[key] = dbStack;
    usersStacks[key] = new UsersStack(app, `users-${key}`, {
      ...envProps,
      database: dbStack.database,
      schemas: db.schemas,
      // A service is a database user like a person: the users stacks make no difference.
      grants: byUsername([...grantsOn(key, validated.active), ...serviceGrantsOn(key, inputs.services)]),
      locked: byUsername([...grantsOn(key, validated.expired), ...serviceGrantsOn(key, inputs.expiredServices)]),
      connection: connections[key],
    });
  }
  const { identityCenter, connectPolicies } = composeIdentityCenter(app, config, databases, validated);
  const services = composeServices(app, config, databases, inputs.services);
  return { databases, users: usersStacks, identityCenter, connectPolicies, services, validated };
}

/** Grants in username order, whoever they come from: the order users stacks expect. */
function byUsername(grants: DatabaseGrant[]): DatabaseGrant[] {
  return grants.sort((a, b) => byCodeUnit(a.username, b.username));
}

/** `services-<environment>`: each service's role and connect policy, in the account of its databases. */
function composeServices(
  app: App,
  config: AppConfig,
  databases: Readonly<Record<string, DatabaseStack>>,
  services: readonly ActiveService[],
): Record<string, ServicesStack> {
  const stacks: Record<string, ServicesStack> = {};
  const environmentKeys = [...new Set(services.map((s) => s.environmentKey))].sort(byCodeUnit);
  for (const environmentKey of environmentKeys) {
    stacks[environmentKey] = new ServicesStack(app, `services-${environmentKey}`, {
      environmentKey,
      environment: config.environments[environmentKey],
      services: services
        .filter((s) => s.environmentKey === environmentKey)
        .map((s) => ({ name: s.name, role: s.role, databases: [...s.access.keys()].map((key) => ({ key, database: databases[key].database })) })),
    });
  }
  return stacks;
}

/**
 * `identity-center` (attribute, group, permission set, assignments) and, for a
 * customer-managed policy, `connect-policy-<environment>` in each database account.
 */
function composeIdentityCenter(
  app: App,
  config: AppConfig,
  databases: Readonly<Record<string, DatabaseStack>>,
  validated: ValidatedUsers,
): Pick<ComposedApp, 'identityCenter' | 'connectPolicies'> {
  const ic = config.identityCenter;
  if (!ic) return { connectPolicies: {} };
  const dbStacks = sortedEntries(databases);
  const accountOf = (key: string) => config.environments[config.databases[key].environment].account;
  const accounts = [...new Set(dbStacks.map(([key]) => accountOf(key)))].sort(byCodeUnit);
  const identityCenter = new IdentityCenterStack(app, 'identity-center', {
    identityCenter: ic,
    databases: dbStacks.map(([, stack]) => stack.database),
    usernames: validated.active.map((u) => u.username),
    accounts,
  });

  const connectPolicies: Record<string, ConnectPolicyStack> = {};
  if (ic.policy === 'customer-managed') {
    for (const account of accounts) {
      const inAccount = dbStacks.filter(([key]) => accountOf(key) === account);
      // IAM is global per account: one policy per account.
      const environmentKey = homeEnvironmentOf(config.environments, account);
      const environment = config.environments[environmentKey];
      const stack = new ConnectPolicyStack(app, `connect-policy-${environmentKey}`, {
        environmentKey,
        environment,
        policyName: ic.customerManagedPolicyName ?? DEFAULT_POLICY_NAME,
        policy: connectPolicyFor(inAccount.map(([, s]) => s.database), ic),
      });
      identityCenter.addDependency(stack);
      connectPolicies[environmentKey] = stack;
    }
  }
  return { identityCenter, connectPolicies };
}

/** Database key → names of the expired entries there (sorted), for the synth notice. */
export function expiredByDatabase(entries: readonly { readonly name: string; readonly access: ReadonlyMap<string, unknown> }[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const { name, access } of entries) {
    for (const key of access.keys()) {
      if (!result.has(key)) result.set(key, []);
      result.get(key)!.push(name);
    }
  }
  for (const names of result.values()) names.sort(byCodeUnit);
  return new Map([...result].sort(([a], [b]) => byCodeUnit(a, b)));
}

export interface SynthesizeProjectProps {
  /** The folder holding config.ts, users.ts and services.ts. */
  readonly projectDir: string;
  /** The data files' values, instead of reading them from `projectDir` (another revision's, read from git). @default - read from `projectDir` */
  readonly data?: ProjectData;
  /**
   * Environment: `RDS_IAM_NOW` for the clock, `RDS_IAM_<KEY>_*` connection overrides,
   * `RDS_IAM_INVALID_ENTRIES=skip` to grant invalid entries nothing instead of failing.
   */
  readonly env: NodeJS.ProcessEnv;
  /** Makes the App, called only once every input passed. */
  readonly newApp: () => App;
}

/**
 * Runs `run` with Node's source maps off, then as before. cdktf formats a full stack trace for
 * every token it makes, kept for an error it would raise only on a bug; through tsx's source
 * maps that formatting is about a tenth of a synth. A stack is formatted when first read, so an
 * error thrown here still prints mapped to the TypeScript lines.
 */
function withoutSourceMaps<T>(run: () => T): T {
  if (!process.sourceMapsEnabled) return run();
  process.setSourceMapsEnabled(false);
  try {
    return run();
  } finally {
    process.setSourceMapsEnabled(true);
  }
}

/**
 * What `cdktf synth` runs (main.ts): config.ts, users.ts and services.ts read as data, checked
 * before the App exists, so bad input throws a ValidationError and writes nothing; then every
 * stack, with a notice on each users stack that still names expired people.
 */
export function synthesizeProject(props: SynthesizeProjectProps): ComposedApp {
  // Read as data, never imported: code in a data file could answer validation, review and synth differently.
  const { config, users, services } = props.data ?? readProjectData(props.projectDir);
  const inputs = validateInputs({
    config: config as AppConfig,
    users,
    services,
    now: clockFromEnv(props.env)(),
    env: props.env,
    invalidEntries: invalidEntriesFromEnv(props.env),
  });
  return withoutSourceMaps(() => {
    const app = props.newApp();
    const composed = composeApp(app, inputs);
    // A notice, not an error: cdktf prints annotations per stack with their level (stderr would read as [ERROR]).
    const expired = { 'users.ts': inputs.validated.expired.map((u) => ({ name: u.username, access: u.access })), 'services.ts': inputs.expiredServices };
    for (const [file, entries] of Object.entries(expired)) {
      for (const [key, names] of expiredByDatabase(entries)) {
        Annotations.of(composed.users[key]).addWarning(`Expired: granted nothing, locked out where the engine allows; remove from ${file}: ${names.join(', ')}`);
      }
    }
    // Skipped entries were granted nothing everywhere: say so on every users stack, where the deploy prints it.
    if (inputs.skipped.length > 0) {
      for (const stack of Object.values(composed.users)) {
        Annotations.of(stack).addWarning(`Invalid entries skipped (RDS_IAM_INVALID_ENTRIES=skip), granted nothing until fixed:\n${inputs.skipped.map((p) => `  - ${p}`).join('\n')}`);
      }
    }
    app.synth();
    return composed;
  });
}
