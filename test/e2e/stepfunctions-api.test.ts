import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { callbackToken, ended as endedOf, eventually, givenRuntime, stopHarness, type Harness } from './steps';

const input = (failuresBeforeSuccess = 0) => JSON.stringify({ reportTo: 'ops@ciss.ct.example', failuresBeforeSuccess });

describe('the local Step Functions API, as an operator uses it', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await givenRuntime();
  });
  afterAll(() => stopHarness(h));

  async function start(name: string, body = input()): Promise<string> {
    const out = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: h.runtime.names.machines.diagnostics, name, input: body }));
    if (!out.executionArn) throw new Error('no execution');
    return out.executionArn;
  }

  const parkedToken = async (executionArn: string) => (await callbackToken(h, executionArn)).token;
  const ended = (executionArn: string) => endedOf(h.sfn, executionArn);

  it('lists the manifest machines', async () => {
    const out = await h.sfn.send(new ListStateMachinesCommand({}));
    expect(out.stateMachines?.map((m) => m.stateMachineArn)).toContain(h.runtime.names.machines.diagnostics);
  });

  it('answers a repeated StartExecution with the same name and input with the same execution, and refuses other input', async () => {
    const first = await start('api-idempotent');
    await expect(start('api-idempotent')).resolves.toBe(first);
    await expect(start('api-idempotent', input(1))).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    const running = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: h.runtime.names.machines.diagnostics, statusFilter: 'RUNNING' }));
    expect(running.executions?.filter((e) => e.name === 'api-idempotent')).toHaveLength(1);
  });

  it('takes a callback that arrives while the task Lambda is still running', async () => {
    const previous = h.runtime.lambda.observer;
    const sent: Promise<unknown>[] = [];
    h.runtime.lambda.observer = (name, event) => {
      previous?.(name, event);
      const payload = event as { taskToken?: string; runId?: string } | null;
      if (payload?.runId === 'api-early-callback' && payload.taskToken) {
        sent.push(h.sfn.send(new SendTaskSuccessCommand({ taskToken: payload.taskToken, output: JSON.stringify({ by: 'quick-operator' }) })));
      }
    };
    try {
      const arn = await start('api-early-callback');
      await eventually(async () => (sent.length ? true : undefined), 'the early callback');
      await Promise.all(sent);
      const out = await eventually(async () => {
        const d = await h.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
        if (d.status === 'RUNNING' && h.runtime.clock.pending().length) await h.runtime.clock.advance(3_600_000);
        return d.status === 'RUNNING' ? undefined : d;
      }, 'the execution to end');
      expect(out.status).toBe('SUCCEEDED');
    } finally {
      h.runtime.lambda.observer = previous;
    }
  });

  it('fails the task on SendTaskFailure and follows the Catch', async () => {
    const arn = await start('api-task-failure');
    await h.sfn.send(new SendTaskFailureCommand({ taskToken: await parkedToken(arn), error: 'OperatorRefused', cause: 'not today' }));
    const out = await ended(arn);
    expect(out.status).toBe('FAILED');
    expect(out.error).toBe('DiagnosticsFailed');
  });

  it('keeps a task alive while heartbeats come, and times it out when they stop', async () => {
    const arn = await start('api-heartbeat');
    const token = await parkedToken(arn);
    await h.runtime.clock.advance(3_000_000);
    await h.sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await h.runtime.clock.advance(3_000_000);
    await expect(h.sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).resolves.toMatchObject({ status: 'RUNNING' });
    await h.runtime.clock.advance(700_000);
    const out = await ended(arn);
    expect(out.status).toBe('FAILED');
    const events = (await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? [];
    expect(events.find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails?.error).toBe('States.HeartbeatTimeout');
    await expect(h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('stops an execution: ABORTED, and its task token completes nothing afterwards', async () => {
    const arn = await start('api-stop');
    const token = await parkedToken(arn);
    await h.sfn.send(new StopExecutionCommand({ executionArn: arn, error: 'Operator', cause: 'duplicate run' }));
    const out = await ended(arn);
    expect(out).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'duplicate run' });
    await expect(h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('redrives a failed execution from the state it failed in', async () => {
    const arn = await start('api-redrive');
    await h.sfn.send(new SendTaskFailureCommand({ taskToken: await parkedToken(arn), error: 'OperatorRefused', cause: 'no' }));
    expect((await ended(arn)).status).toBe('FAILED');
    await h.sfn.send(new RedriveExecutionCommand({ executionArn: arn }));
    const again = await ended(arn);
    expect(again.redriveCount).toBe(1);
    const events = (await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? [];
    expect(events.filter((e) => e.type === 'ExecutionRedriven')).toHaveLength(1);
  });

  it('pages ListExecutions from the listing its first page saw: every execution once, even when one starts meanwhile', async () => {
    const machine = h.runtime.names.machines.diagnostics;
    for (const n of [1, 2, 3, 4, 5]) await start(`api-page-${n}`);
    const whole = (await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 1000 }))).executions?.map((e) => e.name) ?? [];
    const paged: (string | undefined)[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 2, nextToken }));
      paged.push(...(out.executions ?? []).map((e) => e.name));
      nextToken = out.nextToken;
      // Newest first: one started between pages would push the rest one place down a fresh listing.
      if (++pages === 1) await start('api-aaa-meanwhile');
    } while (nextToken);

    expect(paged).toEqual(whole);
    expect(whole).toEqual(expect.arrayContaining(['api-page-1', 'api-page-5']));
    const after = (await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 1000 }))).executions?.map((e) => e.name) ?? [];
    expect(after).toEqual(expect.arrayContaining([...whole, 'api-aaa-meanwhile']));
    expect(after).toHaveLength(whole.length + 1);
  });
});
