/** The floor `npm run bench` compares the example app with: an empty one-stack cdktf app. */
import { App, TerraformStack } from 'cdktf';

const app = new App();
new TerraformStack(app, 'empty');
app.synth();
