import { App } from 'aws-cdk-lib';
import { CissWorkflowsStack, DEFAULT_STAGE, stackName } from './stack';

// Environment-agnostic on purpose: `cdk synth` works offline, and the account and region come
// from the credentials at deploy time.
const app = new App();
const context: unknown = app.node.tryGetContext('stage');
const stage = typeof context === 'string' && context !== '' ? context : DEFAULT_STAGE;
new CissWorkflowsStack(app, stackName(stage), {
  stage,
  description: `ciss-workflows (${stage}): CJIS workflow orchestration — CCHRS access requests and the CISS arrest workflow`,
});
