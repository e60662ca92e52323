import { CreateStateMachineCommand, DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { Clock } from '../../infra/local/clock';
import { DynamoDbJson } from '../../infra/local/dynamodb-json';
import { freePort } from '../../infra/local/net';
import { localNames } from '../../infra/local/runtime';
import { SfnStore } from '../../infra/local/stepfunctions/store';
import { hashToken } from '../../infra/local/stepfunctions/tasks';
import { custodialPacket } from '../../drive/arrest-packet';
import { callbackToken, eventually, givenRuntime, history, mailbox, stopHarness, type Harness, type Mail } from './steps';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MINUTE_MS = 60_000;

/**
 * The functions' SDK clients and environment are made once per process, pointed at the first
 * runtime's edge and API (links in e-mails): every runtime this file starts uses those ports.
 */
let ports: { edgePort: number; apiPort: number };
beforeAll(async () => {
  ports = { edgePort: await freePort(), apiPort: await freePort() };
});

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Stops a runtime and starts the next one on the same data, port and virtual time. */
async function restart(h: Harness): Promise<Harness> {
  const edgePort = portOf(h.runtime.endpoints.edge);
  const apiPort = portOf(h.runtime.endpoints.api);
  const now = h.runtime.clock.now();
  await stopHarness(h);
  return givenRuntime({ stage: h.stage, edgePort, apiPort, clock: new Clock({ mode: 'manual', start: now }) });
}

/** Waits for a diagnostics execution to end; it must have SUCCEEDED, entering each state once, in order. Its history. */
async function succeededThroughEveryState(h: Harness, executionArn: string): Promise<HistoryEvent[]> {
  const done = await eventually(async () => {
    const out = await h.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return out.status === 'RUNNING' ? undefined : out;
  }, 'the execution to end');
  expect(done.status).toBe('SUCCEEDED');
  const events = await history(h.sfn, executionArn);
  const entered = events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
  expect(entered).toEqual(['RecordRunStarted', 'CheckSystem', 'AwaitOperatorAcknowledgement', 'CoolDown', 'SendReport', 'PublishRunCompleted', 'RecordRunSucceeded']);
  return events;
}

describe('the embedded runtime restarted mid-execution', () => {
  let h: Harness;

  afterAll(() => stopHarness(h));

  it('carries on an execution parked on a callback and then on a Wait, doing no step twice', async () => {
    h = await givenRuntime(ports);
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
    const events = await succeededThroughEveryState(h, executionArn);
    expect(events.filter((e) => e.taskScheduledEventDetails?.resource === 'invoke.waitForTaskToken')).toHaveLength(1);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  });
});

describe('the embedded runtime stopped while a callback task’s Lambda is still running', () => {
  let h: Harness;

  afterAll(() => stopHarness(h));

  it('calls the Lambda again with a new token after the restart, and the execution completes on that token', async () => {
    h = await givenRuntime(ports);
    const name = 'diag-cut-off';
    // The park Lambda is handed the token and never returns before the runtime stops: what a
    // SIGKILL while it runs leaves (it never recorded the run nor handed the token out).
    h.runtime.lambda.fault = (fn) => (fn === 'diagnostics-park' ? { kind: 'hold', until: new Promise<void>(() => undefined) } : undefined);
    const { executionArn } = await h.sfn.send(
      new StartExecutionCommand({ stateMachineArn: h.runtime.names.machines.diagnostics, name, input: JSON.stringify({ reportTo: 'ops@ciss.ct.example', failuresBeforeSuccess: 0 }) }),
    );
    if (!executionArn) throw new Error('no execution');
    const cutOff = await eventually(async () => h.tokens.get(`run:${name}`)?.at(0), 'the park Lambda to be called');
    const store = new SfnStore(new DynamoDbJson(process.env['CISS_E2E_DYNAMO_ENDPOINT'] ?? ''), localNames(h.stage).sfnTable);
    const stored = () => Promise.all([store.getExecution(h.runtime.names.machines.diagnostics, name), store.getToken(hashToken(cutOff)), store.history(executionArn)]);
    // Stored before the runtime stops: the task parked on that token, its history ending at TaskStarted.
    await eventually(async () => ((await stored())[0]?.parked ? true : undefined), 'the parked task to be stored');
    const edgePort = portOf(h.runtime.endpoints.edge);
    const apiPort = portOf(h.runtime.endpoints.api);
    const now = h.runtime.clock.now();
    await stopHarness(h);
    const [record, token, before] = await stored();
    expect(record).toMatchObject({ status: 'RUNNING', cursor: { stateName: 'AwaitOperatorAcknowledgement' }, parked: { stateName: 'AwaitOperatorAcknowledgement', tokenHash: hashToken(cutOff) } });
    expect(token?.status).toBe('PARKED');
    expect(before.at(-1)?.type).toBe('TaskStarted');
    expect(before.some((e) => e.type === 'TaskSubmitted')).toBe(false);

    h = await givenRuntime({ stage: h.stage, edgePort, apiPort, clock: new Clock({ mode: 'manual', start: now }) });
    expect(h.runtime.resumed).toBe(1);
    // The Lambda is called again, with a new token; the one it never finished handing out is closed.
    const { token: fresh } = await callbackToken(h, executionArn);
    expect(fresh).not.toBe(cutOff);
    expect((await store.getToken(hashToken(cutOff)))?.status).toBe('CLOSED');
    await expect(h.sfn.send(new SendTaskSuccessCommand({ taskToken: cutOff, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: fresh, output: JSON.stringify({ by: 'after-restart' }) }));
    await eventually(async () => (h.runtime.clock.pending().length > 0 ? true : undefined), 'the Wait to be on the clock');
    await h.runtime.clock.advance(HOUR_MS);
    const events = await succeededThroughEveryState(h, executionArn);
    // One TaskScheduled per call of the Lambda: the one cut off, and the one after the restart.
    const callback = events.filter((e) => e.taskScheduledEventDetails?.resource === 'invoke.waitForTaskToken' || e.taskSubmittedEventDetails?.resource === 'invoke.waitForTaskToken' || e.taskSucceededEventDetails?.resource === 'invoke.waitForTaskToken');
    expect(callback.map((e) => e.type)).toEqual(['TaskScheduled', 'TaskScheduled', 'TaskSubmitted', 'TaskSucceeded']);
    expect(JSON.stringify(events)).not.toContain(cutOff);
    expect(JSON.stringify(events)).not.toContain(fresh);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  });
});

describe('the embedded runtime restarted while a packet waits on the clerk', () => {
  let h: Harness;
  const incident = 'restart-reminders';
  const clerk = 'clerk.ga23@jud.ct.example';

  afterAll(() => stopHarness(h));

  async function status(packetId: string): Promise<string> {
    // The issuer's key lives in memory: each runtime needs its own token.
    const rms = await h.runtime.mintToken({ roles: ['agency-rms'], ori: 'CT0000100' });
    const res = await fetch(`${h.runtime.endpoints.api}/arrests/${packetId}`, { headers: { Authorization: `Bearer ${rms}` } });
    return ((await res.json()) as { status: string }).status;
  }

  const clerkMails = async (): Promise<Mail[]> => (await mailbox(h.runtime)).filter((m) => m.destination.to.includes(clerk) && m.subject.includes(`Arrest packet ${incident} `));
  const mailsFor = (count: number) => eventually(async () => ((await clerkMails()).length >= count ? clerkMails() : undefined), `${count} mail(s) to the clerk`);
  /** The review's deadline timer: the task is parked (and its Lambda has run) once it is on the clock. */
  const onTheClock = (at: number) => eventually(async () => (h.runtime.clock.pending().includes(at) ? true : undefined), `a timer at ${new Date(at).toISOString()}`);
  const acceptLink = (mail: Mail | undefined): string => /^Accept: (\S+)$/m.exec(mail?.body.text ?? '')?.[1] ?? 'no link';

  it('sends every reminder (a task and an e-mail) and times the review out only after the last one, on time', async () => {
    h = await givenRuntime(ports);
    const rms = await h.runtime.mintToken({ roles: ['agency-rms'], ori: 'CT0000100' });
    const submitted = await fetch(`${h.runtime.endpoints.api}/arrests`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${rms}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(custodialPacket(incident, h.runtime.clock.now())),
    });
    expect(submitted.status).toBe(202);
    const { packetId } = (await submitted.json()) as { packetId: string };
    await mailsFor(1);
    // The review waits two days per reminder (statemachines/arrest-packet.asl.json, StartClerkReview).
    const parkedAt = h.runtime.clock.now();
    await onTheClock(parkedAt + 2 * DAY_MS);

    h = await restart(h);
    expect(h.runtime.resumed).toBe(1);
    await onTheClock(parkedAt + 2 * DAY_MS);

    // The first wait keeps its deadline across the restart, and then reminds.
    await h.runtime.clock.advance(2 * DAY_MS - MINUTE_MS);
    expect(await clerkMails()).toHaveLength(1);
    await h.runtime.clock.advance(MINUTE_MS);
    const [, first] = await mailsFor(2);
    expect(first?.subject).toMatch(/^Reminder 1 of 2: /);
    expect((await fetch(acceptLink(first))).status).toBe(200);
    expect(await status(packetId)).not.toBe('REVIEW_TIMED_OUT');

    // The reminder is a new wait of two days, not the old deadline again.
    await onTheClock(parkedAt + 4 * DAY_MS);
    await h.runtime.clock.advance(2 * DAY_MS - MINUTE_MS);
    expect(await clerkMails()).toHaveLength(2);
    await h.runtime.clock.advance(MINUTE_MS);
    const [, , second] = await mailsFor(3);
    expect(second?.subject).toMatch(/^Reminder 2 of 2: /);
    expect((await fetch(acceptLink(second))).status).toBe(200);

    // After the last reminder's two days, and not before, the review times out.
    await onTheClock(parkedAt + 6 * DAY_MS);
    await h.runtime.clock.advance(2 * DAY_MS - MINUTE_MS);
    expect(await status(packetId)).not.toBe('REVIEW_TIMED_OUT');
    await h.runtime.clock.advance(MINUTE_MS);
    await eventually(async () => ((await status(packetId)) === 'REVIEW_TIMED_OUT' ? true : undefined), 'the review to time out');
    expect(await clerkMails()).toHaveLength(3);
    await h.runtime.eventBridge.idle();
  }, 60_000);
});

describe('the embedded runtime restarted inside a Wait that the execution enters again', () => {
  let h: Harness;

  afterAll(() => stopHarness(h));

  it('gives the restarted Wait its stored deadline, and each later entry a full wait of its own', async () => {
    h = await givenRuntime(ports);
    // Three one-hour Waits in a loop: the shape of a reminder.
    const definition = {
      StartAt: 'Count',
      States: {
        Count: { Type: 'Pass', Result: 0, ResultPath: '$.rounds', Next: 'WaitAnHour' },
        WaitAnHour: { Type: 'Wait', Seconds: 3600, Next: 'CountRound' },
        CountRound: { Type: 'Pass', Parameters: { 'rounds.$': 'States.MathAdd($.rounds, 1)' }, Next: 'Again' },
        Again: { Type: 'Choice', Choices: [{ Variable: '$.rounds', NumericLessThan: 3, Next: 'WaitAnHour' }], Default: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    const { stateMachineArn } = await h.sfn.send(new CreateStateMachineCommand({ name: 'wait-loop', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::000000000000:role/wait-loop' }));
    const started = h.runtime.clock.now();
    const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'wait-loop-1', input: '{}' }));
    if (!executionArn) throw new Error('no execution');
    const onTheClock = (at: number) => eventually(async () => (h.runtime.clock.pending().includes(at) ? true : undefined), `a timer at ${new Date(at).toISOString()}`);
    const status = async () => (await h.sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
    await onTheClock(started + HOUR_MS);

    await h.runtime.clock.advance(HOUR_MS / 2);
    h = await restart(h);
    await onTheClock(started + HOUR_MS);
    await h.runtime.clock.advance(HOUR_MS / 2);
    // The second round waits a full hour from now, not the first round's (past) deadline.
    await onTheClock(started + 2 * HOUR_MS);
    expect(await status()).toBe('RUNNING');
    await h.runtime.clock.advance(HOUR_MS);
    await onTheClock(started + 3 * HOUR_MS);
    expect(await status()).toBe('RUNNING');
    await h.runtime.clock.advance(HOUR_MS);
    await eventually(async () => ((await status()) === 'SUCCEEDED' ? true : undefined), 'the execution to succeed');
    const waits = (await history(h.sfn, executionArn)).filter((e) => e.type === 'WaitStateExited').map((e) => (e.timestamp?.getTime() ?? 0) - started);
    expect(waits).toEqual([HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS]);
  });
});
