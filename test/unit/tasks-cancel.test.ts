import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { Context } from 'aws-lambda';
import { capturingOutput } from './output';

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:ciss-workflows-dev-arrest-packet:CT0000100-2025-0001-v1';
const context = { functionName: 'tasks-cancel', awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:c', memoryLimitInMB: '256', functionVersion: '$LATEST', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
const statusChange = (status: string) => ({ source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', detail: { executionArn: EXECUTION, status } });

/**
 * tasks-cancel trusts Step Functions, not the event: an "execution ended" event for an execution
 * that DescribeExecution shows still running (a forged or late event, or one before a redrive)
 * cancels nothing.
 */
describe('tasks-cancel', () => {
  const sfn = mockClient(SFNClient);
  const dynamo = mockClient(DynamoDBDocumentClient);

  beforeAll(() => {
    Object.assign(process.env, { TABLE_NAME: 'main', SENDER_EMAIL: 'noreply@ciss.ct.example', PUBLIC_API_URL: 'https://api.example', TASK_TOKEN_KEY_ID: 'key' });
  });
  afterEach(() => {
    sfn.reset();
    dynamo.reset();
  });

  async function cancel(status: string): Promise<unknown> {
    const { handler } = await import('../../functions/tasks/cancel');
    return (await capturingOutput(() => handler(statusChange(status), context))).result;
  }

  it('cancels nothing, and reads no task, when the execution is still running', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    expect(await cancel('ABORTED')).toEqual({ cancelled: 0 });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: EXECUTION });
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 0);
  });

  it('cancels nothing when there is no such execution', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
    expect(await cancel('FAILED')).toEqual({ cancelled: 0 });
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 0);
  });

  it('looks for open tasks once Step Functions confirms the execution has ended', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });
    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect(await cancel('ABORTED')).toEqual({ cancelled: 0 });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: { ':pk': `EXEC#${EXECUTION}` } });
  });

  it('asks nothing of Step Functions for a success or a start', async () => {
    expect(await cancel('SUCCEEDED')).toEqual({ cancelled: 0 });
    expect(await cancel('RUNNING')).toEqual({ cancelled: 0 });
    expect(sfn).toHaveReceivedCommandTimes(DescribeExecutionCommand, 0);
  });
});
