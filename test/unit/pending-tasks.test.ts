import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { Context } from 'aws-lambda';
import { DECIDER_ROLES } from '#infra/manifest';
import { METRIC, TASK_SLA_GRACE_SECONDS } from '#infra/manifest/monitoring';
import { reportPendingTasks, type PendingTaskTimes } from '../../functions/monitoring/domain/pending-tasks';
import { capturingOutput } from './output';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const HOUR = 3600_000;
const GRACE = TASK_SLA_GRACE_SECONDS;

function task(id: string, createdHoursAgo: number, expiresInHours: number): PendingTaskTimes {
  return {
    taskId: id,
    workflow: 'arrest-packet',
    step: 'clerk-review',
    createdAt: new Date(NOW.getTime() - createdHoursAgo * HOUR).toISOString(),
    expiresAt: new Date(NOW.getTime() + expiresInHours * HOUR).toISOString(),
  };
}

describe('reportPendingTasks', () => {
  it('reports an empty queue as zeros, so the metric is 0 and not missing', () => {
    expect(reportPendingTasks([], NOW, GRACE)).toEqual({ pending: 0, oldestAgeSeconds: 0, pastSla: 0, oldest: undefined, pastSlaTasks: [] });
  });

  it('names the oldest task and its age in whole seconds, whatever the order it was read in', () => {
    const report = reportPendingTasks([task('b', 1, 47), task('a', 30.5, 17.5), task('c', 0.25, 48)], NOW, GRACE);
    expect(report.pending).toBe(3);
    expect(report.oldestAgeSeconds).toBe(30.5 * 3600);
    expect(report.oldest).toEqual({ taskId: 'a', workflow: 'arrest-packet', step: 'clerk-review' });
    expect(report.pastSla).toBe(0);
  });

  it('counts a task as past its SLA only once its deadline plus the grace has passed', () => {
    const graceHours = GRACE / 3600;
    const justInside = task('inside', 49, -graceHours + 0.01);
    const justPast = task('past', 49, -graceHours);
    const longPast = task('long', 80, -30);
    const report = reportPendingTasks([justInside, justPast, longPast], NOW, GRACE);
    expect(report.pastSla).toBe(2);
    expect(report.pastSlaTasks.map((t) => t.taskId)).toEqual(['long', 'past']);
  });

  it('reports a task whose times cannot be read as old and past its SLA rather than hiding it', () => {
    const broken = { ...task('broken', 1, 1), createdAt: 'not a date', expiresAt: '' };
    const report = reportPendingTasks([task('fine', 1, 1), broken], NOW, GRACE);
    expect(report.oldest?.taskId).toBe('broken');
    expect(report.oldestAgeSeconds).toBe(Math.floor(NOW.getTime() / 1000));
    expect(report.pastSla).toBe(1);
  });
});

describe('the pending-task monitor function', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const context = { functionName: 'monitoring-pending-tasks', awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:m', memoryLimitInMB: '256', functionVersion: '$LATEST', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

  beforeAll(() => {
    Object.assign(process.env, { TABLE_NAME: 'main', TASK_SLA_GRACE_SECONDS: String(GRACE), POWERTOOLS_METRICS_NAMESPACE: 'CissWorkflows/test' });
  });
  afterEach(() => dynamo.reset());

  it('reads every page of every deciding role and publishes count, oldest age and past-SLA count as EMF', async () => {
    const { setTimeSource } = await import('#shared/time');
    setTimeSource(() => NOW.getTime());
    const item = (t: PendingTaskTimes) => ({ ...t });
    dynamo.on(QueryCommand).resolves({ Items: [] });
    // court-clerk: two pages; unit: one overdue task.
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'TASKS#PENDING#court-clerk' } })
      .resolvesOnce({ Items: [item(task('c1', 2, 46))], LastEvaluatedKey: { pk: 'x' } })
      .resolvesOnce({ Items: [item(task('c2', 20, 28))] });
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'TASKS#PENDING#unit' } }).resolves({ Items: [item(task('u1', 50, -2))] });

    const { handler } = await import('../../functions/monitoring/pending-tasks');
    const { result, written } = await capturingOutput(() => handler({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }, context));

    expect(result).toEqual({ pending: 3, oldestAgeSeconds: 50 * 3600, pastSla: 1 });
    for (const role of DECIDER_ROLES) {
      expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'byStatus', ExpressionAttributeValues: { ':pk': `TASKS#PENDING#${role}` } });
    }
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: { ':pk': 'TASKS#PENDING#court-clerk' }, ExclusiveStartKey: { pk: 'x' } });

    const lines = written.flatMap((w) => w.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const emf = lines.find((l) => '_aws' in l);
    expect(emf).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'CissWorkflows/test', Dimensions: [['service']] }] },
      service: 'ciss-workflows',
      [METRIC.pendingTasks]: 3,
      [METRIC.oldestPendingTaskAge]: 50 * 3600,
      [METRIC.pendingTasksPastSla]: 1,
    });
    const warning = lines.find((l) => l['message'] === 'human tasks past their SLA');
    expect(warning).toMatchObject({ level: 'WARN', pastSla: 1, pastSlaTasks: [expect.objectContaining({ taskId: 'u1' })] });
  });
});
