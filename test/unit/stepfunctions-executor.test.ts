/**
 * The local Step Functions engine never stops the process when an execution ends (issue 17: the
 * seeded certifications' renewal executions under `npm start`). Node ends a process on an
 * unhandled rejection, so an execution's end — stopped while a Wait is pending, or an end that
 * could not be stored — must settle every promise it leaves with somebody listening.
 */
import { jest } from '@jest/globals';
import { Clock } from '../../infra/local/clock';
import type { Machine } from '../../infra/local/stepfunctions/definition';
import { Executor } from '../../infra/local/stepfunctions/executor';
import type { ExecutionRecord, HistoryEvent, SfnStore, StoredToken, TokenStatus } from '../../infra/local/stepfunctions/store';
import { hashToken, Tasks } from '../../infra/local/stepfunctions/tasks';

const MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:unit';

function machineOf(definition: Machine['definition']): Machine {
  return { record: { arn: MACHINE_ARN, name: 'unit', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::000000000000:role/unit', createdAt: 0 }, definition, engines: new Map() };
}

function recordOf(name: string, startDate: number): ExecutionRecord {
  return { executionArn: `arn:aws:states:us-east-1:000000000000:execution:unit:${name}`, stateMachineArn: MACHINE_ARN, name, status: 'RUNNING', input: '{}', startDate, redriveCount: 0 };
}

/** What History writes, kept in memory: the engine's storage is not what these tests are about. */
function memoryStore(): SfnStore {
  return { writeStep: async () => undefined, updateExecution: async () => undefined, closeToken: async () => true, getToken: async () => undefined } as unknown as SfnStore;
}

/** Waits (up to 2 s) until `ready`. */
const until = async (ready: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !ready(); i++) await new Promise((r) => setTimeout(r, 5));
};

type KeptToken = { status: TokenStatus; outcome?: string; executionArn: string; stateName: string };

/** History and tokens kept in memory, a token closed only from PARKED (as the DynamoDB store's condition does). */
function keepingTokens(events: HistoryEvent[], tokens: Map<string, KeptToken>) {
  return {
    writeStep: async (_arn: string, written: readonly HistoryEvent[], _record?: ExecutionRecord, registered: readonly StoredToken[] = []) => {
      events.push(...written);
      for (const t of registered) tokens.set(t.tokenHash, { ...t, status: 'PARKED' });
    },
    getToken: async (hash: string) => tokens.get(hash),
    getExecution: async () => ({ status: 'RUNNING' }),
    closeToken: async (hash: string, status: Exclude<TokenStatus, 'PARKED'>, outcome?: string) => {
      const t = tokens.get(hash);
      if (!t || t.status !== 'PARKED') return false;
      tokens.set(hash, { ...t, status, outcome });
      return true;
    },
  };
}

describe('an execution that ends never stops the process', () => {
  const unhandled: unknown[] = [];
  const listen = (reason: unknown): void => void unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', listen));
  afterAll(() => process.off('unhandledRejection', listen));
  beforeEach(() => (unhandled.length = 0));
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };

  it('stopped while its Wait (a renewal reminder a year away) is pending: ABORTED, and nothing left unhandled', async () => {
    const clock = new Clock({ mode: 'manual', start: Date.parse('2026-11-30T09:00:00Z') });
    const store = memoryStore();
    const tasks = new Tasks({ store, clock, lambda: {} as never, clients: {} as never });
    const ended: string[] = [];
    const executor = new Executor({ store, clock, machines: {} as never, tasks, onStatusChange: (e) => void ended.push(e.status) });
    const machine = machineOf({ StartAt: 'WaitUntil30DaysBeforeExpiry', States: { WaitUntil30DaysBeforeExpiry: { Type: 'Wait', TimestampPath: '$.remind30At', Next: 'Done' }, Done: { Type: 'Succeed' } } });
    const record = recordOf('SC-1-renewal', clock.now());
    const run = executor.launch(machine, record, 'WaitUntil30DaysBeforeExpiry', { remind30At: '2027-10-31T09:00:00Z' }, 1);
    await settle();
    expect(clock.pending()).toEqual([Date.parse('2027-10-31T09:00:00Z')]);

    await executor.stop(record, clock.now());
    await settle();
    await expect(run.done).resolves.toBeUndefined();
    expect(ended).toEqual(['ABORTED']);
    expect(clock.pending()).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('a Wait whose timestamp is already past goes straight on (an expiry near or gone at start-up)', async () => {
    const clock = new Clock({ mode: 'manual', start: Date.parse('2026-11-30T09:00:00Z') });
    const store = memoryStore();
    const tasks = new Tasks({ store, clock, lambda: {} as never, clients: {} as never });
    const ended: string[] = [];
    const executor = new Executor({ store, clock, machines: {} as never, tasks, onStatusChange: (e) => void ended.push(e.status) });
    const machine = machineOf({ StartAt: 'WaitUntilExpiry', States: { WaitUntilExpiry: { Type: 'Wait', TimestampPath: '$.expiresAt', Next: 'Done' }, Done: { Type: 'Succeed' } } });
    const run = executor.launch(machine, recordOf('SC-2-renewal', clock.now()), 'WaitUntilExpiry', { expiresAt: '2026-11-29T09:00:00Z' }, 1);
    await expect(run.done).resolves.toBeUndefined();
    expect(ended).toEqual(['SUCCEEDED']);
    expect(unhandled).toEqual([]);
  });

  it('an end that cannot be stored (the store fails as the execution closes) is logged, and the run still settles', async () => {
    const clock = new Clock({ mode: 'manual' });
    const store = memoryStore();
    const tasks = new Tasks({ store, clock, lambda: {} as never, clients: {} as never });
    jest.spyOn(tasks, 'closeTokensOf').mockRejectedValue(new Error('DynamoDB Local is not answering'));
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const executor = new Executor({ store, clock, machines: {} as never, tasks });
    const run = executor.launch(machineOf({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }), recordOf('ends', clock.now()), 'Done', {}, 1);
    await expect(run.done).resolves.toBeUndefined();
    await settle();
    expect(errors.mock.calls.flat().join(' ')).toContain('ends could not be driven to its end: DynamoDB Local is not answering');
    expect(executor.runningCount()).toBe(0);
    expect(unhandled).toEqual([]);
    errors.mockRestore();
  });
});

/**
 * The engine under the runtime times every Task (and every Wait, which it sees as a Task) on a
 * real-time timer of its own, ~23 days at most (setTimeout's limit). Under `npm start`'s real
 * clock a renewal reminder's Wait of 335 days, or a human task left for weeks, would fail
 * States.Timeout after 23 days of uptime. The executor carries such a run on afresh, at the
 * same state, before the engine's limit: these tests shorten both to fractions of a second.
 */
describe('a Wait or a parked task held past the engine’s real-time limit', () => {
  const limits = { timeoutSeconds: 0.2, rearmAfterMs: 40 };

  /** A store that keeps what History writes: events, the record, the tokens. */
  function keepingStore() {
    const events: HistoryEvent[] = [];
    const tokens = new Map<string, { status: TokenStatus; outcome?: string; executionArn: string; stateName: string }>();
    const store = {
      writeStep: async (_arn: string, written: readonly HistoryEvent[], _record?: ExecutionRecord, registered: readonly StoredToken[] = []) => {
        events.push(...written);
        for (const t of registered) tokens.set(t.tokenHash, { ...t, status: 'PARKED' });
      },
      getToken: async (hash: string) => tokens.get(hash),
      history: async () => [...events],
      // A decision that comes while the run is being carried on finds no waiter: it is stored with the token.
      getExecution: async () => ({ status: 'RUNNING' }),
      closeToken: async (hash: string, status: Exclude<TokenStatus, 'PARKED'>, outcome?: string) => {
        const token = tokens.get(hash);
        if (!token || token.status !== 'PARKED') return false;
        tokens.set(hash, { ...token, status, outcome });
        return true;
      },
    };
    return { events, tokens, store: store as unknown as SfnStore };
  }

  it('a 335-day Wait is carried on past the limit and ends when its time comes, entered once', async () => {
    const clock = new Clock({ mode: 'manual', start: Date.parse('2026-11-30T09:00:00Z') });
    const { events, store } = keepingStore();
    const tasks = new Tasks({ store, clock, lambda: {} as never, clients: {} as never });
    const ended: string[] = [];
    const executor = new Executor({ store, clock, machines: {} as never, tasks, onStatusChange: (e) => void ended.push(e.status), engineLimits: limits });
    const machine = machineOf({ StartAt: 'WaitUntilRenewal', States: { WaitUntilRenewal: { Type: 'Wait', Seconds: 335 * 86_400, Next: 'Done' }, Done: { Type: 'Succeed' } } });
    executor.launch(machine, recordOf('SC-3-renewal', clock.now()), 'WaitUntilRenewal', {}, 1);
    // Well past the engine's limit (0.2 s) in real time: carried on several times, still waiting.
    await until(() => executor.rearmed >= 8);
    expect(executor.rearmed).toBeGreaterThanOrEqual(8);
    expect(ended).toEqual([]);
    expect(clock.pending()).toEqual([Date.parse('2026-11-30T09:00:00Z') + 335 * 86_400_000]);

    await clock.advance(335 * 86_400_000);
    await until(() => ended.length > 0);
    expect(ended).toEqual(['SUCCEEDED']);
    expect(events.map((e) => e.type)).toEqual(['WaitStateEntered', 'WaitStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a human task parked past the limit takes its decision when it comes, its Lambda called once', async () => {
    const clock = new Clock({ mode: 'manual' });
    const { events, store } = keepingStore();
    const sent: { token: string }[] = [];
    const lambda = { resolve: () => 'tasks-notify', invoke: async (_name: string, event: unknown) => (sent.push(event as { token: string }), { payload: null }) };
    const tasks = new Tasks({ store, clock, lambda: lambda as never, clients: {} as never });
    const ended: string[] = [];
    const executor = new Executor({ store, clock, machines: {} as never, tasks, onStatusChange: (e) => void ended.push(e.status), engineLimits: limits });
    const machine = machineOf({
      StartAt: 'AwaitClerkReview',
      States: {
        AwaitClerkReview: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: 'tasks-notify', Payload: { 'token.$': '$$.Task.Token' } }, TimeoutSeconds: 90 * 86_400, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    const run = executor.launch(machine, recordOf('AP-1', clock.now()), 'AwaitClerkReview', {}, 1);
    await until(() => executor.rearmed >= 8);
    expect(executor.rearmed).toBeGreaterThanOrEqual(8);
    expect(ended).toEqual([]);
    expect(sent).toHaveLength(1);

    await tasks.complete((sent[0] as { token: string }).token, { output: { decision: 'ACCEPT' } });
    await until(() => ended.length > 0);
    expect(ended).toEqual(['SUCCEEDED']);
    expect(sent).toHaveLength(1);
    expect(events.filter((e) => e.type === 'TaskStateEntered')).toHaveLength(1);
    expect(events.find((e) => e.type === 'TaskSucceeded')).toMatchObject({ taskSucceededEventDetails: { output: '{"decision":"ACCEPT"}' } });
    expect(run).toBeDefined();
  });
});

/**
 * A runtime killed while a callback task's Lambda runs leaves the task parked (its token PARKED,
 * the record's `parked`) with a history ending at TaskStarted: the Lambda may never have handed
 * the token out. The restart runs that attempt again; a task whose Lambda had finished
 * (TaskSubmitted stored) keeps waiting on its token, and a decision already taken is taken.
 */
describe('a callback task found parked at a restart', () => {
  const machine = machineOf({
    StartAt: 'AwaitClerkReview',
    States: {
      AwaitClerkReview: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: 'tasks-notify', Payload: { 'token.$': '$$.Task.Token' } }, TimeoutSeconds: 90 * 86_400, Next: 'Done' },
      Done: { Type: 'Succeed' },
    },
  });
  const cutOff = 'cut-off-token';

  /** What the kill left: the execution parked on `cutOff`, and `stored` events (ids 1…). */
  function killed(clock: Clock, stored: string[], token: { status: TokenStatus; outcome?: string } = { status: 'PARKED' }) {
    const record: ExecutionRecord = {
      ...recordOf('AP-killed', clock.now()),
      cursor: { stateName: 'AwaitClerkReview', input: '{}' },
      parked: { stateName: 'AwaitClerkReview', tokenHash: hashToken(cutOff), deadline: clock.now() + 90 * 86_400_000 },
    };
    const events: HistoryEvent[] = stored.map((type, i) => ({ id: i + 1, previousEventId: i, timestamp: clock.now(), type }));
    const tokens = new Map<string, KeptToken>([[hashToken(cutOff), { ...token, executionArn: record.executionArn, stateName: 'AwaitClerkReview' }]]);
    const store = { runningExecutions: async () => [record], history: async () => [...events], ...keepingTokens(events, tokens) };
    const sent: string[] = [];
    const lambda = { resolve: () => 'tasks-notify', invoke: async (_name: string, event: unknown) => (sent.push((event as { token: string }).token), { payload: null }) };
    const tasks = new Tasks({ store: store as unknown as SfnStore, clock, lambda: lambda as never, clients: {} as never });
    const ended: string[] = [];
    const executor = new Executor({ store: store as unknown as SfnStore, clock, machines: { get: async () => machine } as never, tasks, onStatusChange: (e) => void ended.push(e.status) });
    return { events, tokens, sent, tasks, ended, executor };
  }
  const BEFORE_SUBMITTED = ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted'];

  it('whose Lambda never finished: the Lambda is called again with a new token, the old token is refused, the new one completes it', async () => {
    const clock = new Clock({ mode: 'manual' });
    const { events, tokens, sent, tasks, ended, executor } = killed(clock, BEFORE_SUBMITTED);
    await executor.resumeAll();
    await until(() => sent.length > 0 && events.some((e) => e.type === 'TaskSubmitted'));
    expect(sent).toHaveLength(1);
    expect(sent[0]).not.toBe(cutOff);
    expect(tokens.get(hashToken(cutOff))?.status).toBe('CLOSED');
    await expect(tasks.complete(cutOff, { output: { decision: 'LATE' } })).rejects.toMatchObject({ name: 'TaskTimedOut' });

    await tasks.complete(sent[0] ?? '', { output: { decision: 'ACCEPT' } });
    await until(() => ended.length > 0);
    expect(ended).toEqual(['SUCCEEDED']);
    expect(sent).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual([...BEFORE_SUBMITTED, 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(JSON.stringify(events)).not.toContain(sent[0]);
  });

  it('whose Lambda finished (TaskSubmitted stored): it waits on its token, the Lambda not called again', async () => {
    const clock = new Clock({ mode: 'manual' });
    const { events, sent, tasks, ended, executor } = killed(clock, [...BEFORE_SUBMITTED, 'TaskSubmitted']);
    await executor.resumeAll();
    await until(() => clock.pending().length > 0);
    await tasks.complete(cutOff, { output: { decision: 'ACCEPT' } });
    await until(() => ended.length > 0);
    expect(ended).toEqual(['SUCCEEDED']);
    expect(sent).toEqual([]);
    expect(events.filter((e) => e.type === 'TaskScheduled')).toHaveLength(1);
    expect(events.find((e) => e.type === 'TaskSucceeded')).toMatchObject({ taskSucceededEventDetails: { output: '{"decision":"ACCEPT"}' } });
  });

  it('whose Lambda never finished but whose decision was accepted before the restart (token DONE): the decision is taken, the Lambda not called again', async () => {
    const clock = new Clock({ mode: 'manual' });
    const { events, sent, ended, executor } = killed(clock, BEFORE_SUBMITTED, { status: 'DONE', outcome: JSON.stringify({ output: { decision: 'REJECT' } }) });
    await executor.resumeAll();
    await until(() => ended.length > 0);
    expect(ended).toEqual(['SUCCEEDED']);
    expect(sent).toEqual([]);
    expect(events.find((e) => e.type === 'TaskSucceeded')).toMatchObject({ taskSucceededEventDetails: { output: '{"decision":"REJECT"}' } });
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  });
});

/**
 * A callback task's Lambda hands its token out (the task is recorded) and then fails: it ran out
 * of time sending its e-mail. A decision taken on the token meanwhile closed the task first, as in
 * AWS: the task is decided, not failed and retried with a new token while the decider is told it
 * went through (the soak's packet that never reached AwaitAdjudication).
 */
describe('a callback task decided while its Lambda still runs, whose Lambda then fails', () => {
  const machine = machineOf({
    StartAt: 'AwaitClerkReview',
    States: {
      AwaitClerkReview: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'tasks-notify', Payload: { 'token.$': '$$.Task.Token' } },
        TimeoutSeconds: 90 * 86_400,
        Retry: [{ ErrorEquals: ['TimeoutError'], IntervalSeconds: 1, MaxAttempts: 2 }],
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
  });

  function running(clock: Clock) {
    const events: HistoryEvent[] = [];
    const store = { updateExecution: async () => undefined, ...keepingTokens(events, new Map()) };
    const sent: string[] = [];
    let fail: () => void = () => undefined;
    const lambda = {
      resolve: () => 'tasks-notify',
      invoke: async (_name: string, event: unknown) => {
        sent.push((event as { token: string }).token);
        // The first attempt fails once the test lets it (its time ran out); a retry would succeed.
        if (sent.length > 1) return { payload: null };
        await new Promise<void>((resolve) => (fail = resolve));
        return { payload: null, error: { errorType: 'TimeoutError', errorMessage: '[AbortError]: The operation was aborted.' } };
      },
    };
    const tasks = new Tasks({ store: store as unknown as SfnStore, clock, lambda: lambda as never, clients: {} as never });
    const ended: string[] = [];
    const executor = new Executor({ store: store as unknown as SfnStore, clock, machines: {} as never, tasks, onStatusChange: (e) => void ended.push(e.status) });
    return { events, sent, tasks, ended, executor, fail: () => fail() };
  }

  it('takes the decision: the execution goes on, the Lambda is not called again', async () => {
    const clock = new Clock({ mode: 'manual', autoAdvanceMs: 60_000 });
    const { events, sent, tasks, ended, executor, fail } = running(clock);
    executor.launch(machine, recordOf('AP-decided-early', clock.now()), 'AwaitClerkReview', {}, 1);
    await until(() => sent.length > 0);

    await tasks.complete(sent[0] ?? '', { output: { decision: 'ACCEPT' } });
    fail();
    await until(() => ended.length > 0);

    expect(ended).toEqual(['SUCCEEDED']);
    expect(sent).toHaveLength(1);
    expect(events.filter((e) => e.type === 'TaskFailed')).toEqual([]);
    expect(events.find((e) => e.type === 'TaskSucceeded')).toMatchObject({ taskSucceededEventDetails: { output: '{"decision":"ACCEPT"}' } });
  });

  it('with no decision yet, fails the attempt as before: the Retry calls the Lambda with a new token', async () => {
    const clock = new Clock({ mode: 'manual', autoAdvanceMs: 60_000 });
    const { events, sent, tasks, executor, fail } = running(clock);
    executor.launch(machine, recordOf('AP-not-decided', clock.now()), 'AwaitClerkReview', {}, 1);
    await until(() => sent.length > 0);

    fail();
    await until(() => sent.length > 1);

    expect(sent).toHaveLength(2);
    expect(sent[1]).not.toBe(sent[0]);
    expect(events.filter((e) => e.type === 'TaskFailed')).toHaveLength(1);
    await expect(tasks.complete(sent[0] ?? '', { output: { decision: 'LATE' } })).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });
});
