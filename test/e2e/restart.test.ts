import { DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { Clock } from '../../infra/local/clock';
import { callbackToken, eventually, givenRuntime, history, stopHarness, type Harness } from './steps';

const HOUR_MS = 3_600_000;

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Stops a runtime and starts the next one on the same data, port and virtual time. */
async function restart(h: Harness): Promise<Harness> {
  const edgePort = portOf(h.runtime.endpoints.edge);
  const now = h.runtime.clock.now();
  await stopHarness(h);
  return givenRuntime({ stage: h.stage, edgePort, clock: new Clock({ mode: 'manual', start: now }) });
}

describe('the embedded runtime restarted mid-execution', () => {
  let h: Harness;

  afterAll(() => stopHarness(h));

  it('carries on an execution parked on a callback and then on a Wait, doing no step twice', async () => {
    h = await givenRuntime();
    const { executionArn } = await h.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: h.runtime.names.machines.diagnostics,
        name: 'diag-restart',
        input: JSON.stringify({ reportTo: 'ops@ciss.ct.example', failuresBeforeSuccess: 0 }),
      }),
    );
    if (!executionArn) throw new Error('no execution');
    const { token } = await callbackToken(h, executionArn);

    // First restart: parked on the callback.
    h = await restart(h);
    expect(h.runtime.resumed).toBe(1);
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ by: 'after-restart' }) }));
    await eventually(async () => ((await history(h.sfn, executionArn)).some((e) => e.type === 'WaitStateEntered') ? true : undefined), 'the Wait state');
    await eventually(async () => (h.runtime.clock.pending().length > 0 ? true : undefined), 'the Wait to be on the clock');

    // Second restart: inside the one-hour Wait. Half of it passes before the stop.
    await h.runtime.clock.advance(HOUR_MS / 2);
    h = await restart(h);
    expect(h.runtime.resumed).toBe(1);
    await h.runtime.clock.advance(HOUR_MS / 2);
    const done = await eventually(async () => {
      const out = await h.sfn.send(new DescribeExecutionCommand({ executionArn }));
      return out.status === 'RUNNING' ? undefined : out;
    }, 'the execution to end');
    expect(done.status).toBe('SUCCEEDED');

    const events = await history(h.sfn, executionArn);
    const entered = events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toEqual(['RecordRunStarted', 'CheckSystem', 'AwaitOperatorAcknowledgement', 'CoolDown', 'SendReport', 'PublishRunCompleted', 'RecordRunSucceeded']);
    expect(events.filter((e) => e.taskScheduledEventDetails?.resource === 'invoke.waitForTaskToken')).toHaveLength(1);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  });
});
