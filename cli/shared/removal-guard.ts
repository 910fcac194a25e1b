/** The mass-removal guard's settings, from flags or the environment (CI sets the latter). */
import { DEFAULT_MAX_REMOVED_PEOPLE } from '../../lib/access/access-diff';
import { CommandError } from './command';

/**
 * How many people may lose all access in one change: `--max-removed-people`, else
 * `RDS_IAM_MAX_REMOVED_PEOPLE`, else the default.
 */
export function removalThreshold(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const raw = flag ?? env.RDS_IAM_MAX_REMOVED_PEOPLE;
  if (raw === undefined || raw === '') return DEFAULT_MAX_REMOVED_PEOPLE;
  if (!/^\d{1,6}$/.test(raw)) {
    throw new CommandError(`the removal threshold must be a whole number of people, got ${JSON.stringify(raw)}; e.g. --max-removed-people 5`);
  }
  return Number(raw);
}

/** The acknowledgement given: `--acknowledge-removal`, else `RDS_IAM_ACKNOWLEDGE_REMOVAL`. */
export function acknowledgementGiven(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = (flag ?? env.RDS_IAM_ACKNOWLEDGE_REMOVAL ?? '').trim();
  return raw === '' ? undefined : raw;
}
