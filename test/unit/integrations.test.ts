import { describeResource, TaskError } from '../../infra/local/stepfunctions/integrations';

describe('describeResource', () => {
  it('reads a bare Lambda function ARN as a direct invoke', () => {
    expect(describeResource('arn:aws:lambda:us-east-1:123456789012:function:diagnostics-check')).toEqual({ kind: 'lambda', style: 'arn', waitForTaskToken: false });
  });

  it('reads lambda:invoke as the optimized Lambda integration', () => {
    expect(describeResource('arn:aws:states:::lambda:invoke')).toEqual({ kind: 'lambda', style: 'invoke', waitForTaskToken: false });
  });

  it('reads lambda:invoke.waitForTaskToken as a callback task', () => {
    expect(describeResource('arn:aws:states:::lambda:invoke.waitForTaskToken')).toEqual({ kind: 'lambda', style: 'invoke', waitForTaskToken: true });
  });

  it('reads dynamodb:putItem as the optimized DynamoDB integration, whose errors start with DynamoDB.', () => {
    expect(describeResource('arn:aws:states:::dynamodb:putItem')).toEqual({ kind: 'sdk', service: 'dynamodb', action: 'putItem', waitForTaskToken: false, errorPrefix: 'DynamoDB' });
  });

  it('reads aws-sdk:dynamodb:putItem as an SDK integration of the same service and action', () => {
    expect(describeResource('arn:aws:states:::aws-sdk:dynamodb:putItem')).toMatchObject({ kind: 'sdk', service: 'dynamodb', action: 'putItem', waitForTaskToken: false });
  });

  it('reads events:putEvents as the optimized EventBridge integration', () => {
    expect(describeResource('arn:aws:states:::events:putEvents')).toEqual({ kind: 'sdk', service: 'events', action: 'putEvents', waitForTaskToken: false, errorPrefix: 'EventBridge' });
  });

  it('reads a waitForTaskToken suffix on a service integration', () => {
    expect(describeResource('arn:aws:states:::events:putEvents.waitForTaskToken')).toMatchObject({ kind: 'sdk', waitForTaskToken: true });
  });

  it.each(['arn:aws:states:::states:startExecution.sync', 'arn:aws:states:::states:startExecution.sync:2'])('refuses the .sync integration %s with States.Runtime', (resource) => {
    const describe = () => describeResource(resource);

    expect(describe).toThrow(TaskError);
    expect(describe).toThrow(expect.objectContaining({ name: 'States.Runtime', message: expect.stringContaining('.sync') }));
  });

  it.each(['arn:aws:sqs:us-east-1:123456789012:queue', 'arn:aws:states:::lambda', 'not-an-arn', ''])('refuses the unknown resource %p with States.Runtime', (resource) => {
    expect(() => describeResource(resource)).toThrow(expect.objectContaining({ name: 'States.Runtime' }));
  });
});
