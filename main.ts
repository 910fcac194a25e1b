import { App } from 'cdktf';
import { config } from './config';
import { exitOnValidationError } from './lib/validation/inputs';
import { synthesizeProject } from './stacks/compose';

exitOnValidationError(() => synthesizeProject({ config, projectDir: __dirname, env: process.env, newApp: () => new App() }));
