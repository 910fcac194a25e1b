import { Annotations, App } from 'cdktf';
import { config } from './config';
import { clockFromEnv } from './lib/model/clock';
import { readUsersFile } from './lib/validation/data-file';
import { exitOnValidationError, validateInputs } from './lib/validation/inputs';
import { composeApp, expiredByDatabase } from './stacks/compose';

exitOnValidationError(() => {
  const now = clockFromEnv(process.env)();
  // Read as data, never imported: code in users.ts could answer validation and synth differently.
  const users = readUsersFile(__dirname);
  // Everything is checked before the App exists, so bad input writes nothing.
  const inputs = validateInputs({ config, users, now, env: process.env });
  const app = new App();
  const composed = composeApp(app, inputs);
  // A notice, not an error: cdktf prints annotations per stack with their level (stderr would read as [ERROR]).
  for (const [key, names] of expiredByDatabase(inputs.validated)) {
    Annotations.of(composed.users[key]).addWarning(`Expired: granted nothing, locked out where the engine allows; remove from users.ts: ${names.join(', ')}`);
  }
  app.synth();
});
