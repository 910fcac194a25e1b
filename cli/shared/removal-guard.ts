/** The review guards' settings and acknowledgements, from flags or the environment (CI sets the latter). */
import { DEFAULT_MAX_REMOVED_PEOPLE, DEFAULT_REMOVAL_WINDOW_DAYS } from '../../lib/access/access-diff';
import { CommandError } from './command';

function wholeNumber(raw: string | undefined, fallback: number, what: string, example: string): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,6}$/.test(raw)) throw new CommandError(`${what} must be a whole number, got ${JSON.stringify(raw)}; e.g. ${example}`);
  return Number(raw);
}

/**
 * How many people (and, apart, services) may lose access in one change: `--max-removed-people`,
 * else `RDS_IAM_MAX_REMOVED_PEOPLE`, else the default.
 */
export function removalThreshold(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  return wholeNumber(flag ?? env.RDS_IAM_MAX_REMOVED_PEOPLE, DEFAULT_MAX_REMOVED_PEOPLE, 'the removal threshold', '--max-removed-people 5');
}

/** Days in which an expiry brought forward counts as a removal: `--removal-window-days`, else `RDS_IAM_REMOVAL_WINDOW_DAYS`, else 7. */
export function removalWindowDays(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  return wholeNumber(flag ?? env.RDS_IAM_REMOVAL_WINDOW_DAYS, DEFAULT_REMOVAL_WINDOW_DAYS, 'the removal window', '--removal-window-days 14');
}

/** Acknowledgements given, any number, separated by spaces or commas (CI passes every approving review's). */
const given = (raw: string | undefined): readonly string[] => (raw ?? '').split(/[\s,]+/).filter((code) => code !== '');

/** The removal acknowledgements given: `--acknowledge-removal`, else `RDS_IAM_ACKNOWLEDGE_REMOVAL`. */
export function acknowledgementGiven(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): readonly string[] {
  return given(flag ?? env.RDS_IAM_ACKNOWLEDGE_REMOVAL);
}

/** The code-change acknowledgements given: `--acknowledge-code`, else `RDS_IAM_ACKNOWLEDGE_CODE`. */
export function codeAcknowledgementGiven(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): readonly string[] {
  return given(flag ?? env.RDS_IAM_ACKNOWLEDGE_CODE);
}
