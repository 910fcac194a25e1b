/**
 * `npm run validate`: the pull-request check of config.ts, users.ts and services.ts, read as
 * data. Stricter than synth: an entry past its expiry fails here (synth drops it), so stale
 * entries are removed in review rather than linger.
 * `npm run validate -- --base <git-ref> [--head <git-ref>]`: the head's data files (from git,
 * or the working tree) are checked, and the change against the base fails on a mass removal
 * or on any file changed besides the data files, each until it is acknowledged (see the
 * README, "Access report"). `--project <dir>` reads another checkout's revisions: the example
 * workflow runs the base revision's code on the pull request's checkout this way.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { accessDiff, massRemoval } from '../../lib/access/access-diff';
import { codeAcknowledgement } from '../../lib/access/code-changes';
import { clockFromEnv } from '../../lib/model/clock';
import { AppConfig } from '../../lib/model/types';
import { validateInputs } from '../../lib/validation/inputs';
import { CommandError, runCommand, Write } from '../shared/command';
import { acknowledgementGiven, codeAcknowledgementGiven, removalThreshold, removalWindowDays } from '../shared/removal-guard';
import { baseAndHead, changedCode, dataOf, resolveRevisions, RevisionRef, synthesizeData, Synthesizer } from '../shared/revision';

/** The checkout validated and how its revisions' data is synthesized; tests hand in their own. */
export interface ValidateTarget {
  readonly project: string;
  readonly synthesize: Synthesizer;
}

const DEFAULT_TARGET: ValidateTarget = { project: path.resolve(__dirname, '../..'), synthesize: synthesizeData };

/** The unacknowledged part of `given` against `expected`, as lines for the error. */
function refusal(what: string, expected: string, given: readonly string[], how: readonly string[]): string[] {
  const other = given.length === 0 ? [] : [`The acknowledgement${given.length === 1 ? '' : 's'} given (${given.map((g) => JSON.stringify(g)).join(', ')}) ${given.length === 1 ? 'is' : 'are'} for another ${what}.`];
  return [...other, ...how.map((line) => line.replace('<code>', expected))];
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, write: Write, target: ValidateTarget = DEFAULT_TARGET): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      base: { type: 'string' },
      head: { type: 'string' },
      project: { type: 'string' },
      'acknowledge-removal': { type: 'string' },
      'acknowledge-code': { type: 'string' },
      'max-removed-people': { type: 'string' },
      'removal-window-days': { type: 'string' },
    },
  });
  const now = clockFromEnv(env)();
  // Another checkout's data, read from its git (the review job: trusted code, the pull request's data).
  if (values.project !== undefined) target = { ...target, project: path.resolve(values.project) };
  if (values.head !== undefined && values.base === undefined) throw new CommandError('--head goes with --base');
  const refs = values.base !== undefined ? await resolveRevisions(target.project, values.base, values.head) : undefined;
  const headRef: RevisionRef = refs?.[1] ?? { name: 'the working tree' };
  const data = await dataOf(target.project, headRef);
  const valid = validateInputs({ config: data.config as AppConfig, users: data.users, services: data.services, now, env, onExpired: 'error' });
  const counts = `${valid.validated.active.length} people, ${valid.services.length} services, ${Object.keys(valid.config.databases).length} databases`;
  write(`users.ts, services.ts and config.ts${values.head !== undefined ? ` at ${values.head}` : ''} are valid: ${counts}.\n`);
  if (refs === undefined) return;

  const problems: string[] = [];
  const [before, after] = await baseAndHead(target.project, refs, env, target.synthesize);
  const maxRemovedPeople = removalThreshold(values['max-removed-people'], env);
  const removal = massRemoval(accessDiff(before, after), before, after, { maxRemovedPeople, windowDays: removalWindowDays(values['removal-window-days'], env), now });
  const removalGiven = acknowledgementGiven(values['acknowledge-removal'], env);
  if (removal && removalGiven.includes(removal.acknowledgement)) {
    write(`Mass removal against ${values.base} acknowledged (${removal.acknowledgement}).\n`);
  } else if (removal) {
    problems.push(`mass removal against ${values.base}:`, ...removal.reasons.map((r) => `  - ${r}`), ...refusal('removal', removal.acknowledgement, removalGiven, [
      'If this is intended, run again with RDS_IAM_ACKNOWLEDGE_REMOVAL=<code> (or --acknowledge-removal <code>);',
      'in a pull request, a reviewer other than the author approves with the line "Acknowledge-removal: <code>".',
    ]));
  }

  const code = await changedCode(target.project, refs);
  const expected = codeAcknowledgement(code);
  const codeGiven = codeAcknowledgementGiven(values['acknowledge-code'], env);
  if (expected !== undefined && codeGiven.includes(expected)) {
    write(`Code changes against ${values.base} acknowledged (${expected}): ${code.map((c) => c.path).join(', ')}.\n`);
  } else if (expected !== undefined) {
    problems.push(`${code.length} file${code.length === 1 ? '' : 's'} changed besides the data files (the access report cannot say what code does):`,
      ...code.map((c) => `  - ${c.path} (${c.status})`), ...refusal('set of code changes', expected, codeGiven, [
        'A code owner reviews them; then run again with RDS_IAM_ACKNOWLEDGE_CODE=<code> (or --acknowledge-code <code>);',
        'in a pull request, a code owner approves with the line "Acknowledge-code: <code>".',
      ]));
  }
  if (problems.length > 0) throw new CommandError(problems.join('\n'));
}

if (require.main === module) runCommand('validate', main);
