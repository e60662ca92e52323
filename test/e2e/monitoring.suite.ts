import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { METRIC, metricsNamespace, TASK_SLA_GRACE_SECONDS } from '../../infra/manifest/monitoring';
import { captureOutput, eventually, history, type Harness } from './steps';
import { sharedRuntime } from './shared-runtime';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * The pending-task monitor runs on the embedded runtime's schedule, as the EventBridge rule runs
 * it in AWS: moving the clock runs it, and its metrics (EMF) and log line land in the output.
 */
describe('the pending-task monitor on the embedded runtime', () => {
  let h: Harness;
  let output: ReturnType<typeof captureOutput>;

  beforeAll(async () => {
    output = captureOutput();
    h = await sharedRuntime();
  });
  afterAll(() => {
    output.restore();
  });

  /** JSON lines written since `from`, parsed. */
  const linesSince = (from: number): Record<string, unknown>[] =>
    output.written
      .slice(from)
      .flatMap((w) => w.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const metricLines = (from: number) => linesSince(from).filter((l) => METRIC.pendingTasks in l);

  it('does not run before its period has passed', async () => {
    await h.runtime.clock.advance(4 * MINUTE);
    expect(h.runtime.scheduler.runs).toEqual([]);
  });

  it('runs when the clock passes 5 minutes and publishes the queue, a pending approval included', async () => {
    const start = await h.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: h.runtime.names.machines.approval,
        name: 'monitored-approval',
        input: JSON.stringify({ subjectId: 'monitored', title: 'Monitored task', question: 'Approve?', assignee: { role: 'court-clerk', email: 'clerk.ga14@jud.ct.example', court: 'GA14' }, decisionSeconds: 30 * 86_400 }),
      }),
    );
    const executionArn = start.executionArn ?? '';
    await eventually(async () => ((await history(h.sfn, executionArn)).some((e) => e.type === 'TaskSubmitted') ? true : undefined), 'the human task to open');

    const from = output.written.length;
    await h.runtime.clock.advance(2 * MINUTE);
    const run = await eventually(async () => h.runtime.scheduler.runs[0], 'the scheduled run');
    expect(run).toMatchObject({ schedule: 'pending-tasks', target: 'monitoring-pending-tasks', ok: true });

    const emf = await eventually(async () => metricLines(from)[0], 'the EMF metrics line');
    expect(emf).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: metricsNamespace(h.stage) }] },
      [METRIC.pendingTasks]: 1,
      [METRIC.pendingTasksPastSla]: 0,
      service: 'ciss-workflows',
    });
    expect(emf[METRIC.oldestPendingTaskAge]).toBeGreaterThanOrEqual(120);
    expect(emf[METRIC.oldestPendingTaskAge]).toBeLessThan(600);
  });

  it('reports a task stuck past its deadline as past its SLA, by task id', async () => {
    const now = h.runtime.clock.now();
    await h.dynamo.send(
      new PutCommand({
        TableName: h.runtime.names.tables.main,
        Item: {
          pk: 'TASK#stuck-task',
          sk: 'TASK',
          gsi1pk: 'TASKS#PENDING#unit',
          gsi1sk: `-#${new Date(now - 3 * DAY).toISOString()}#stuck-task`,
          taskId: 'stuck-task',
          workflow: 'access-request',
          step: 'business-need-review',
          status: 'PENDING',
          createdAt: new Date(now - 3 * DAY).toISOString(),
          expiresAt: new Date(now - TASK_SLA_GRACE_SECONDS * 1000 - MINUTE).toISOString(),
        },
      }),
    );
    const runs = h.runtime.scheduler.runs.length;
    const from = output.written.length;
    await h.runtime.clock.advance(5 * MINUTE);
    await eventually(async () => (h.runtime.scheduler.runs.length > runs ? true : undefined), 'the next scheduled run');

    const emf = await eventually(async () => metricLines(from)[0], 'the EMF metrics line');
    expect(emf).toMatchObject({ [METRIC.pendingTasks]: 2, [METRIC.pendingTasksPastSla]: 1 });
    expect(emf[METRIC.oldestPendingTaskAge]).toBeGreaterThanOrEqual(3 * 24 * 3600);
    const warning = linesSince(from).find((l) => l['message'] === 'human tasks past their SLA');
    expect(warning).toMatchObject({ level: 'WARN', function_name: `ciss-${h.stage}-monitoring-pending-tasks`, pastSlaTasks: [expect.objectContaining({ taskId: 'stuck-task', workflow: 'access-request' })] });
  });

  it('makes up the runs a jump of the clock skipped with one run, not one per period', async () => {
    const runs = h.runtime.scheduler.runs.length;
    await h.runtime.clock.advance(DAY);
    await eventually(async () => (h.runtime.scheduler.runs.length > runs ? true : undefined), 'a run after the jump');
    await h.runtime.eventBridge.idle();
    // A day is 288 periods; the jump is made up by a run or two (one may start while timers fire).
    expect(h.runtime.scheduler.runs.length - runs).toBeLessThanOrEqual(3);
    expect(h.runtime.scheduler.runs.every((r) => r.ok)).toBe(true);
  });
});
