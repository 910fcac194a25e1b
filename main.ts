import { App } from 'cdktf';
import { exitOnValidationError } from './lib/validation/inputs';
import { synthesizeProject } from './stacks/compose';

exitOnValidationError(() => synthesizeProject({ projectDir: __dirname, env: process.env, newApp: () => new App() }));
