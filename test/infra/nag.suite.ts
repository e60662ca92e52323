import { App, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { synthesizeStack } from '#infra/stack';
import { addNagChecks, nagFindings } from '#infra/aws/nag';
import { devSynthesizedStack } from './template';

describe('cdk-nag (AwsSolutions, NIST 800-53 rev 5)', () => {
  test('finds nothing unacknowledged in the stack', () => {
    // The default stage's one synthesis (./template.ts): the packs only read it.
    const stack = devSynthesizedStack();

    // Each finding prints as "rule at path: description", so a failure says what to fix or acknowledge.
    expect(nagFindings(stack).map((f) => `${f.rule} at ${f.path}: ${f.description}`)).toEqual([]);
  });

  test("checks the nested stacks too: a finding in the search database's is reported", () => {
    const stack = synthesizeStack();
    new sqs.Queue(stack.stateful.searchDbStack, 'Unchecked');

    expect(nagFindings(stack).map((f) => `${f.rule} at ${f.path}`)).toContainEqual(expect.stringMatching(/^AwsSolutions-SQS3 at .*\/SearchDbStack\/Unchecked\//));
  });

  test('stops synthesis of the app on a finding nobody acknowledged', () => {
    // Without CDK's built-in CloudFormation validation, as synthesizeStack (it only warns; loading it is ~15 s).
    const app = new App({ builtinCloudFormationValidation: false });
    addNagChecks(app);
    new sqs.Queue(new Stack(app, 'Unchecked'), 'Queue');

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3|Validation failed/);
  });

  test('synthesizes with the packs registered as validation plugins', () => {
    const stack = synthesizeStack({ nag: true });

    expect(() => (stack.node.root as App).synth()).not.toThrow();
  });
});
