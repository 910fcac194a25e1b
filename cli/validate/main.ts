/**
 * `npm run validate`: the pull-request check of users.ts, services.ts and config.ts. Stricter than
 * synth: an entry past its expiry day fails here (synth drops it), so stale entries
 * are removed in review rather than linger.
 * `npm run validate -- --base <git-ref>`: also fails on a mass removal against that revision
 * (see the README, "Access report") unless the removal is acknowledged.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { config } from '../../config';
import { accessDiff, massRemoval } from '../../lib/access/access-diff';
import { clockFromEnv } from '../../lib/model/clock';
import { readServicesFile, readUsersFile } from '../../lib/validation/data-file';
import { validateInputs } from '../../lib/validation/inputs';
import { CommandError, runCommand, Write } from '../shared/command';
import { acknowledgementGiven, removalThreshold } from '../shared/removal-guard';
import { baseAndHead, synthesize, Synthesizer } from '../shared/revision';

/** This checkout: the users.ts and services.ts read here go with the config.ts this command imports. */
const PROJECT = path.resolve(__dirname, '../..');

/** The checkout validated and how its revisions are synthesized; tests hand in their own. */
export interface ValidateTarget {
  readonly project: string;
  readonly synthesize: Synthesizer;
}

/** Fails (CommandError) when the change against `base` is a mass removal nobody acknowledged. */
async function checkRemovals(target: ValidateTarget, base: string, acknowledgement: string | undefined, maxRemovedPeople: number, write: Write): Promise<void> {
  const [before, after] = await baseAndHead(target.project, base, target.synthesize);
  const removal = massRemoval(accessDiff(before, after), { maxRemovedPeople });
  if (!removal || acknowledgement === removal.acknowledgement) {
    write(removal ? `Mass removal against ${base} acknowledged (${removal.acknowledgement}).\n` : '');
    return;
  }
  const given = acknowledgement === undefined
    ? ''
    : `The acknowledgement given (${JSON.stringify(acknowledgement)}) is for another removal.\n`;
  throw new CommandError([
    `mass removal against ${base}:`,
    ...removal.reasons.map((r) => `  - ${r}`),
    `${given}If this is intended, run again with RDS_IAM_ACKNOWLEDGE_REMOVAL=${removal.acknowledgement} (or --acknowledge-removal ${removal.acknowledgement});`,
    `in a pull request, add the line "Acknowledge-removal: ${removal.acknowledgement}" to its description.`,
  ].join('\n'));
}

export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  write: Write,
  target: ValidateTarget = { project: PROJECT, synthesize },
): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: { base: { type: 'string' }, 'acknowledge-removal': { type: 'string' }, 'max-removed-people': { type: 'string' } },
  });
  const maxRemovedPeople = removalThreshold(values['max-removed-people'], env);
  const users = readUsersFile(target.project);
  const services = readServicesFile(target.project);
  const valid = validateInputs({ config, users, services, now: clockFromEnv(env)(), env, onExpired: 'error' });
  const counts = `${valid.validated.active.length} people, ${valid.services.length} services, ${Object.keys(config.databases).length} databases`;
  write(`users.ts, services.ts and config.ts are valid: ${counts}.\n`);
  if (values.base !== undefined) {
    await checkRemovals(target, values.base, acknowledgementGiven(values['acknowledge-removal'], env), maxRemovedPeople, write);
  }
}

if (require.main === module) runCommand('validate', main);
