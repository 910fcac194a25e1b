import { App } from 'cdktf';
import { DatabaseStack } from './database-stack';
import { UsersStack } from './users-stack';
import { ConnectPolicyStack } from './connect-policy-stack';
import { DEFAULT_POLICY_NAME, IdentityCenterStack } from './identity-center-stack';
import { byCodeUnit, sortedEntries } from '../lib/model/order';
import { connectPolicyFor } from '../lib/iam/policy';
import { AppConfig, grantsOn } from '../lib/model/types';
import { ValidInputs } from '../lib/validation/inputs';
import { ValidatedUsers } from '../lib/validation/validate-users';

export interface ComposedApp {
  readonly databases: Readonly<Record<string, DatabaseStack>>;
  readonly users: Readonly<Record<string, UsersStack>>;
  /** Present when config.ts has `identityCenter`. */
  readonly identityCenter?: IdentityCenterStack;
  /** Customer-managed connect policies, by environment key (one per database account). */
  readonly connectPolicies: Readonly<Record<string, ConnectPolicyStack>>;
  readonly validated: ValidatedUsers;
}

/**
 * Declares the stacks: per database, `database-<key>` and `users-<key>`; with
 * `identityCenter`, `identity-center` (and `connect-policy-<environment>`).
 */
export function composeApp(app: App, inputs: ValidInputs): ComposedApp {
  const { config, connections, validated } = inputs;

  const databases: Record<string, DatabaseStack> = {};
  const usersStacks: Record<string, UsersStack> = {};
  for (const [key, db] of sortedEntries(config.databases)) {
    const envProps = { environmentKey: db.environment, environment: config.environments[db.environment] };
    const dbStack = new DatabaseStack(app, `database-${key}`, { ...envProps, databaseKey: key, database: db });
    databases[key] = dbStack;
    usersStacks[key] = new UsersStack(app, `users-${key}`, {
      ...envProps,
      database: dbStack.database,
      schemas: db.schemas,
      // validated lists are sorted by username, so these are too.
      grants: grantsOn(key, validated.active),
      locked: grantsOn(key, validated.expired),
      connection: connections[key],
    });
  }
  const { identityCenter, connectPolicies } = composeIdentityCenter(app, config, databases, validated);
  return { databases, users: usersStacks, identityCenter, connectPolicies, validated };
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
      // IAM is global per account: one policy per account, in its first environment.
      const [environmentKey, environment] = sortedEntries(config.environments).find(([, env]) => env.account === account)!;
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

/** Database key → usernames whose entry expired there (sorted), for the synth notice. */
export function expiredByDatabase(validated: ValidatedUsers): Map<string, string[]> {
  const result = new Map<string, string[]>();
  // validated.expired is sorted, so each database's names come out sorted.
  for (const user of validated.expired) {
    for (const key of user.access.keys()) {
      if (!result.has(key)) result.set(key, []);
      result.get(key)!.push(user.username);
    }
  }
  return new Map([...result].sort(([a], [b]) => byCodeUnit(a, b)));
}
