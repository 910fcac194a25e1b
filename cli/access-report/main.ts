/**
 * `npm run access-report`: who has which database access, as Markdown, read from the
 * synthesized stacks (what `cdktf deploy` would apply), not from users.ts.
 * `npm run access-report -- --base <git-ref>`: only what changes against that revision
 * (synthesized in a throwaway worktree), the text a CI job posts on a pull request.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { accessChanges, accessMatrix } from './report';
import { accessDiff, massRemoval } from '../../lib/access/access-diff';
import { clockFromEnv } from '../../lib/model/clock';
import { runCommand, Write } from '../shared/command';
import { removalThreshold } from '../shared/removal-guard';
import { baseAndHead, revisionAccess, synthesize, Synthesizer } from '../shared/revision';

const USAGE = 'usage: npm run access-report -- [--base <git-ref>] [--project <dir>] [--max-removed-people <n>]';

/** `synth` synthesizes each revision: by default its own cdktf.json app; tests hand in their own. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, write: Write, synth: Synthesizer = synthesize): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: { base: { type: 'string' }, project: { type: 'string' }, 'max-removed-people': { type: 'string' } },
  });
  const project = path.resolve(values.project ?? process.cwd());
  if (values.base === undefined) {
    write(accessMatrix(await revisionAccess(project, synth), clockFromEnv(env)()));
    return;
  }
  const maxRemovedPeople = removalThreshold(values['max-removed-people'], env);
  const [base, head] = await baseAndHead(project, values.base, synth);
  const diff = accessDiff(base, head);
  const caveats = base.notesReadable ? [] : [`users.ts at ${values.base} is not plain data, so expiry changes are not shown; access is compared in full.`];
  const removal = massRemoval(diff, { maxRemovedPeople });
  write(accessChanges(diff, base, head, { baseName: values.base, caveats, massRemoval: removal }));
}

if (require.main === module) runCommand('access-report', main, { usage: USAGE });
