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
import { baseAndHead, revisionAccess, runCommand } from '../shared/revision';
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
  const maxRemovedPeople = removalThreshold(values['max-removed-people']);
  const [base, head] = await baseAndHead(project, values.base);
  const diff = accessDiff(base, head);
  const caveats = base.notesReadable ? [] : [`users.ts at ${values.base} is not plain data, so expiry changes are not shown; access is compared in full.`];
  const removal = massRemoval(diff, { maxRemovedPeople });
  process.stdout.write(accessChanges(diff, base, head, { baseName: values.base, caveats, massRemoval: removal }));
}

runCommand('access-report', main, USAGE);
