import { App } from 'cdktf';
import { config } from './config';
import { clockFromEnv } from './lib/model/clock';
import { composeApp } from './stacks/compose';
import { exitOnValidationError, validateInputs } from './lib/validation/inputs';
import { users } from './users';

exitOnValidationError(() => {
  const now = clockFromEnv(process.env)();
  // Everything is checked before the App exists, so bad input writes nothing.
  const inputs = validateInputs({ config, users, now, env: process.env });
  const app = new App();
  composeApp(app, inputs);
  if (inputs.validated.expired.length > 0) {
    process.stderr.write(`Expired, granted nothing; remove from users.ts: ${inputs.validated.expired.join(', ')}\n`);
  }
  app.synth();
});
