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
import { atCommit, commitOf, OWN_NODE_MODULES, revisionAccess, CommandError } from '../shared/revision';
import { removalThreshold } from '../shared/removal-guard';

const USAGE = 'usage: npm run access-report -- [--base <git-ref>] [--project <dir>] [--max-removed-people <n>]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { base: { type: 'string' }, project: { type: 'string' }, 'max-removed-people': { type: 'string' } },
  });
  const project = path.resolve(values.project ?? process.cwd());
  if (values.base === undefined) {
    process.stdout.write(accessMatrix(await revisionAccess(project), clockFromEnv(process.env)()));
    return;
  }
  const commit = await commitOf(project, values.base);
  const [base, head] = await Promise.all([
    atCommit(project, commit, OWN_NODE_MODULES, revisionAccess).catch((error: Error) => {
      throw new CommandError(`the base revision ${JSON.stringify(values.base)}: ${error.message}`);
    }),
    revisionAccess(project),
  ]);
  const diff = accessDiff(base, head);
  const caveats = base.notesReadable ? [] : [`users.ts at ${values.base} is not plain data, so expiry changes are not shown; access is compared in full.`];
  const removal = massRemoval(diff, { maxRemovedPeople: removalThreshold(values['max-removed-people']) });
  process.stdout.write(accessChanges(diff, base, head, { baseName: values.base, caveats, massRemoval: removal }));
}

main().catch((error: Error) => {
  if (!(error instanceof CommandError) && !(error instanceof TypeError && 'code' in error)) throw error;
  process.stderr.write(`access-report: ${error.message}\n${error instanceof TypeError ? `${USAGE}\n` : ''}`);
  process.exit(1);
});
