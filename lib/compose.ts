import { App } from 'cdktf';
import { DatabaseStack } from '../stacks/database-stack';
import { UsersStack } from '../stacks/users-stack';
import { sortedEntries } from './order';
import { ValidationError } from './problems';
import { AppConfig, DatabaseGrant, UserEntry } from './types';
import { ConnectionOverrides } from './connection';
import { validateConfig } from './validate-config';
import { ValidatedUsers, validateUsers } from './validate-users';

export interface ComposeInput {
  readonly config: AppConfig;
  readonly users: readonly UserEntry[];
  /** Today, for expiry. */
  readonly now: Date;
  /** Environment variables (`RDS_IAM_<KEY>_*` connection overrides). @default {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default "drop" */
  readonly onExpired?: 'drop' | 'error';
}

/** Inputs that passed every check; the only thing composeApp accepts. */
export interface ValidInputs {
  readonly config: AppConfig;
  readonly connections: Readonly<Record<string, ConnectionOverrides>>;
  readonly validated: ValidatedUsers;
}

/** Checks config.ts, the connection variables and users.ts; throws one ValidationError per file. */
export function validateInputs(input: ComposeInput): ValidInputs {
  const connections = validateConfig(input.config, input.env ?? {});
  const validated = validateUsers(input.users, {
    databases: input.config.databases,
    now: input.now,
    onExpired: input.onExpired,
  });
  return { config: input.config, connections, validated };
}

export interface ComposedApp {
  readonly databases: Readonly<Record<string, DatabaseStack>>;
  readonly users: Readonly<Record<string, UsersStack>>;
  readonly validated: ValidatedUsers;
}

/** Declares the stacks: per database, `database-<key>` and `users-<key>`. */
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
      grants: grantsFor(key, validated),
      connection: connections[key],
    });
  }
  return { databases, users: usersStacks, validated };
}

/** Who may use database `key`, sorted by username. */
export function grantsFor(key: string, validated: ValidatedUsers): DatabaseGrant[] {
  return validated.active.flatMap((user) => {
    const tier = user.access.get(key);
    return tier ? [{ username: user.username, tier }] : [];
  });
}

/**
 * Runs `main`, turning a ValidationError into its message on stderr and exit code 1,
 * so people see what to fix rather than a stack trace.
 */
export function exitOnValidationError(main: () => void): void {
  try {
    main();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    process.stderr.write(`\n${error.message}\n\nNothing was synthesized.\n`);
    process.exit(1);
  }
}
