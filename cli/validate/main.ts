/**
 * `npm run validate`: the pull-request check of users.ts and config.ts. Stricter than
 * synth: an entry past its expiry day fails here (synth drops it), so stale entries
 * are removed in review rather than linger.
 */
import { config } from '../../config';
import { clockFromEnv } from '../../lib/model/clock';
import * as path from 'path';
import { readUsersFile } from '../../lib/validation/data-file';
import { exitOnValidationError, validateInputs } from '../../lib/validation/inputs';

exitOnValidationError(() => {
  const now = clockFromEnv(process.env)();
  const users = readUsersFile(path.resolve(__dirname, '../..'));
  const { active } = validateInputs({ config, users, now, env: process.env, onExpired: 'error' }).validated;
  process.stdout.write(`users.ts and config.ts are valid: ${active.length} people, ${Object.keys(config.databases).length} databases.\n`);
});
