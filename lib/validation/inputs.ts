import { AppConfig } from '../model/types';
import { ConnectionOverrides, envPrefix } from '../model/connection';
import { show, ValidationError } from './problems';
import { validateConfig } from './validate-config';
import { ValidatedUsers, validateUsers } from './validate-users';
import { ActiveService, ExpiredService, validateServices } from './validate-services';
import { plainDataProblem } from './plain-data';

export interface ComposeInput {
  readonly config: AppConfig;
  /** The `users` list: checked here, so anything may come in (see readUsersFile). */
  readonly users: unknown;
  /** The `services` list, checked likewise (see readServicesFile). @default [] */
  readonly services?: unknown;
  /** Today, for expiry. */
  readonly now: Date;
  /** Environment variables (`RDS_IAM_<KEY>_*` connection overrides). @default {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default "drop" */
  readonly onExpired?: 'drop' | 'error';
  /** What an entry of users.ts or services.ts with a problem does (see ValidateUsersOptions). @default "fail" */
  readonly invalidEntries?: 'fail' | 'skip';
}

/** Inputs that passed every check; the only thing composeApp accepts. */
export interface ValidInputs {
  readonly config: AppConfig;
  readonly connections: Readonly<Record<string, ConnectionOverrides>>;
  readonly validated: ValidatedUsers;
  /** Applications with database access, sorted by name. */
  readonly services: readonly ActiveService[];
  /** Services past their expiry, sorted by name. */
  readonly expiredServices: readonly ExpiredService[];
  /** With `invalidEntries: 'skip'`: the problems of the entries of users.ts and services.ts granted nothing for them. */
  readonly skipped: readonly string[];
}

/**
 * Checks config.ts (with the connection variables), users.ts and services.ts, and throws one
 * ValidationError listing the problems of all, so one run shows everything to fix.
 */
export function validateInputs(input: ComposeInput): ValidInputs {
  const failures: string[] = [];
  const attempt = <T>(check: () => T): T | undefined => {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      failures.push(error.message);
      return undefined;
    }
  };
  const connections = attempt(() => validateConfig(input.config, input.env ?? {}));
  const loginNames = new Map(
    Object.entries(connections ?? {})
      .filter(([, c]) => c.username !== undefined)
      .map(([key, c]) => [c.username as string, `databases.${key}.connection.username or ${envPrefix(key)}USERNAME`]),
  );
  const validated = attempt(() =>
    validateUsers(input.users, {
      databases: input.config?.databases ?? {},
      now: input.now,
      onExpired: input.onExpired,
      loginNames,
      expiryHorizonDays: input.config?.expiryHorizonDays,
      invalidEntries: input.invalidEntries,
    }),
  );
  // Read only from plain data: a getter could answer this check and validateUsers differently.
  const usernames = Array.isArray(input.users) && plainDataProblem(input.users, 'users') === undefined
    ? input.users.map((u) => (u as { username?: unknown } | null)?.username).filter((u): u is string => typeof u === 'string')
    : [];
  const services = attempt(() =>
    validateServices(input.services ?? [], {
      config: { databases: input.config?.databases ?? {}, environments: input.config?.environments ?? {}, expiryHorizonDays: input.config?.expiryHorizonDays },
      loginNames,
      usernames,
      now: input.now,
      onExpired: input.onExpired,
      invalidEntries: input.invalidEntries,
    }),
  );
  if (!connections || !validated || !services) throw new ValidationError(failures.join('\n\n'));
  // A person and a service with one name share a database user: when skipping, neither is granted it,
  // since review never saw the two together (each came in its own pull request).
  const serviceNames = new Set(servicesNamed(input.services));
  const clashing = validated.active.filter((u) => serviceNames.has(u.username.toLowerCase()));
  return {
    config: input.config,
    connections,
    validated: clashing.length === 0 ? validated : { ...validated, active: validated.active.filter((u) => !clashing.includes(u)) },
    services: services.active,
    expiredServices: services.expired,
    skipped: [
      ...validated.skipped.map((p) => `users.ts: ${p}`),
      ...clashing.map((u) => `users.ts: ${show(u.username)}: granted nothing while services.ts has a service of that name`),
      ...services.skipped.map((p) => `services.ts: ${p}`),
    ],
  };
}

/** The folded names of a services list, read only from plain data (anything else fails validation). */
function servicesNamed(services: unknown): string[] {
  if (!Array.isArray(services) || plainDataProblem(services, 'services') !== undefined) return [];
  return services.map((s) => (s as { name?: unknown } | null)?.name).filter((n): n is string => typeof n === 'string').map((n) => n.toLowerCase());
}

/** `RDS_IAM_INVALID_ENTRIES=skip`: the scheduled deploy's setting (see ValidateUsersOptions.invalidEntries). */
export function invalidEntriesFromEnv(env: Readonly<Record<string, string | undefined>>): 'fail' | 'skip' {
  const value = env.RDS_IAM_INVALID_ENTRIES;
  if (value === undefined || value === '' || value === 'fail') return 'fail';
  if (value === 'skip') return 'skip';
  throw new ValidationError(`RDS_IAM_INVALID_ENTRIES=${JSON.stringify(value)} must be 'skip' (grant an invalid entry nothing and deploy the rest) or 'fail' (the default)`);
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
    // Not process.exit(): nothing else runs, and pending writes (tsx's compile cache) finish.
    process.exitCode = 1;
  }
}
