/**
 * `npm run access-report`: who has which database access, as Markdown, read from what the
 * checkout's data files (config.ts, users.ts, services.ts) deploy, synthesized by this
 * process's own code.
 * `npm run access-report -- --base <git-ref> [--head <git-ref>]`: only what changes between
 * the two revisions' data (head: the working tree unless given), with every changed file
 * that is not data named at the top: the text a CI job posts on a pull request. Run by the
 * base revision's code (as the example workflow does), nothing the pull request's code does
 * can change it.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { accessChanges, accessMatrix } from './report';
import { accessDiff, massRemoval } from '../../lib/access/access-diff';
import { configurationChanges } from '../../lib/access/configuration-diff';
import { clockFromEnv } from '../../lib/model/clock';
import { runCommand, Write } from '../shared/command';
import { removalThreshold, removalWindowDays } from '../shared/removal-guard';
import { baseAndHead, changedCode, dataOf, resolveRevisions, revisionAccess, synthesizeData, Synthesizer } from '../shared/revision';

const USAGE = 'usage: npm run access-report -- [--base <git-ref> [--head <git-ref>]] [--project <dir>] [--max-removed-people <n>] [--removal-window-days <n>]';

/** `synth` synthesizes each revision's data: by default in this process; tests hand in their own. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, write: Write, synth: Synthesizer = synthesizeData): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      base: { type: 'string' },
      head: { type: 'string' },
      project: { type: 'string' },
      'max-removed-people': { type: 'string' },
      'removal-window-days': { type: 'string' },
    },
  });
  const project = path.resolve(values.project ?? process.cwd());
  const now = clockFromEnv(env)();
  if (values.base === undefined) {
    if (values.head !== undefined) throw new Error('--head compares with --base; give both, or neither for the whole matrix');
    write(accessMatrix(await revisionAccess(await dataOf(project, { name: 'the working tree' }), env, synth), now));
    return;
  }
  const maxRemovedPeople = removalThreshold(values['max-removed-people'], env);
  const windowDays = removalWindowDays(values['removal-window-days'], env);
  const refs = await resolveRevisions(project, values.base, values.head);
  const [base, head] = await baseAndHead(project, refs, env, synth);
  const diff = accessDiff(base, head);
  write(accessChanges(diff, base, head, {
    baseName: values.base,
    ...(values.head !== undefined ? { headName: values.head } : {}),
    codeChanges: await changedCode(project, refs),
    configuration: configurationChanges(base.stacks, head.stacks),
    massRemoval: massRemoval(diff, base, head, { maxRemovedPeople, windowDays, now }),
  }));
}

if (require.main === module) runCommand('access-report', main, { usage: USAGE });
