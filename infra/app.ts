// CDK app entry (cdk.json): hub.config → one validated stack per stage, checked by cdk-nag.
import { App, Validations } from 'aws-cdk-lib';
import { describeSource, loadHubConfigFile } from '../config/load.js';
import { ConfigError } from '../shared/config.js';
import { hubChecks } from './stack/checks.js';
import { createHubStack } from './stack/hub-app.js';

const app = new App();
try {
  const configFile: unknown = process.env.HUB_CONFIG_FILE ?? app.node.tryGetContext('config');
  const loaded = await loadHubConfigFile(typeof configFile === 'string' ? configFile : undefined);
  console.error(describeSource(loaded));
  createHubStack(app, loaded.config);
} catch (error) {
  // A wrong field stops synth with its path, not a stack trace.
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
Validations.of(app).addPlugins(...hubChecks(app));
app.synth();
