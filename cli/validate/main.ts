/**
 * `npm run validate`: the pull-request check of users.ts and config.ts. Stricter than
 * synth: an entry past its expiry day fails here (synth drops it), so stale entries
 * are removed in review rather than linger.
 */
import { config } from '../../config';
import { clockFromEnv } from '../../lib/model/clock';
import { exitOnValidationError, validateInputs } from '../../lib/validation/inputs';
import { users } from '../../users';

exitOnValidationError(() => {
  const now = clockFromEnv(process.env)();
  const { active } = validateInputs({ config, users, now, env: process.env, onExpired: 'error' }).validated;
  process.stdout.write(`users.ts and config.ts are valid: ${active.length} people, ${Object.keys(config.databases).length} databases.\n`);
});
