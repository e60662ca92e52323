import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { DEFAULT_HANG_MS, faultAnswer, FaultInjector, parseFaultPlan, seededRandom } from '../../infra/local/faults';
import { awsErrorName } from '../../infra/local/stepfunctions/integrations';
import { Edge, type EdgeRequest, type EdgeTap } from '../../infra/local/edge';
import { LocalLambda, type Fault } from '../../infra/local/lambda';
import type { FunctionName } from '../../infra/manifest';

const putItem: EdgeRequest = { service: 'dynamodb', operation: 'PutItem' };

function tapOf(injector: FaultInjector): EdgeTap {
  const edge = { taps: [] as EdgeTap[] };
  injector.attach({ edge: edge as never });
  const tap = edge.taps[0];
  if (!tap) throw new Error('no tap');
  return tap;
}

function faultOf(injector: FaultInjector): Fault {
  const lambda = { fault: undefined as Fault | undefined };
  injector.attach({ lambda: lambda as never });
  if (!lambda.fault) throw new Error('no fault');
  return lambda.fault;
}

/** LocalLambda with a stand-in handler instead of the manifest's (no module to load, no AWS). */
class StubLambda extends LocalLambda {
  calls = 0;
  constructor(private readonly run: () => Promise<unknown>) {
    super('ciss-test', '/nonexistent');
  }
  override load(): Promise<(event: unknown, context: Context) => Promise<unknown>> {
    return Promise.resolve(async () => {
      this.calls += 1;
      return this.run();
    });
  }
}

const HEALTH = 'health' as FunctionName;

describe('fault injection', () => {
  it('draws the same faults from the same seed', () => {
    const draw = (seed: number) => {
      const tap = tapOf(new FaultInjector({ seed, services: { dynamodb: { throttle: 0.3 } } }));
      return Array.from({ length: 200 }, () => (tap(putItem) ? 1 : 0)).join('');
    };

    expect(draw(8)).toBe(draw(8));
    expect(draw(8)).not.toBe(draw(9));
  });

  it('draws each entry from its own stream, so CMS faults do not depend on what DynamoDB was asked in between', () => {
    const plan = { seed: 8, cms: 0.1, services: { dynamodb: { throttle: 0.05 } } };
    const cmsFaults = (dynamoCallsBetween: number) => {
      const injector = new FaultInjector(plan);
      const edge = { taps: [] as EdgeTap[] };
      const cms = { fault: undefined as (() => boolean) | undefined };
      injector.attach({ edge: edge as never, cms: cms as never });
      const [tap] = edge.taps;
      return Array.from({ length: 60 }, (_, i) => {
        for (let d = 0; d < dynamoCallsBetween + (i % 3); d++) tap?.(putItem);
        return cms.fault?.() ? 1 : 0;
      }).join('');
    };

    const alone = cmsFaults(0);
    expect(alone).toContain('1');
    expect(cmsFaults(1)).toBe(alone);
    expect(cmsFaults(7)).toBe(alone);
  });

  it('injects about the share asked for, and counts each fault', () => {
    const injector = new FaultInjector({ seed: 1, services: { dynamodb: { throttle: 0.05 } } });
    const tap = tapOf(injector);
    const answered = Array.from({ length: 10_000 }, () => tap(putItem)).filter(Boolean).length;

    expect(answered).toBeGreaterThan(400);
    expect(answered).toBeLessThan(600);
    expect(injector.counts()).toEqual({ 'dynamodb:PutItem:throttle': answered });
  });

  it('answers as the services do, where the SDK looks for the error', () => {
    expect(faultAnswer(putItem, 'throttle')).toMatchObject({ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException' } });
    expect(faultAnswer(putItem, 'error')).toMatchObject({ status: 500, body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError' } });
    expect(faultAnswer({ service: 'ses', operation: 'POST /v2/email/outbound-emails' }, 'throttle')).toMatchObject({ status: 429, headers: { 'x-amzn-ErrorType': 'TooManyRequestsException' } });
    expect(String(faultAnswer({ service: 'ses', operation: 'POST /' }, 'throttle').body)).toContain('<Code>Throttling</Code>');
  });

  it('fails Lambda invocations with the names Step Functions sees, and times them out after the function timeout', () => {
    const fault = faultOf(new FaultInjector({ functions: { 'arrests-validate': { throttle: 1 }, '*': { timeout: 1 } } }));

    const throttled = fault('arrests-validate', {}, 10_000);
    expect(throttled?.kind === 'fail' ? throttled.error.name : throttled?.kind).toBe('Lambda.TooManyRequestsException');
    expect(fault('arrests-transmit', {}, 30_000)).toEqual({ kind: 'timeout', afterMs: 30_000, handlerRuns: false });
  });

  it('hangs a timed-out invocation for the shorter of timeoutAfterMs and the function timeout', () => {
    const fault = faultOf(new FaultInjector({ functions: { 'arrests-transmit': { timeout: 1, timeoutAfterMs: 500, timeoutAfterHandler: true }, '*': { timeout: 1, timeoutAfterMs: 60_000 } } }));

    expect(fault('arrests-transmit', {}, 30_000)).toEqual({ kind: 'timeout', afterMs: 500, handlerRuns: true });
    expect(fault('arrests-validate', {}, 10_000)).toEqual({ kind: 'timeout', afterMs: 10_000, handlerRuns: false });
  });

  it('injects only into invocations whose event matches, and no more than `times`', () => {
    const injector = new FaultInjector({ functions: { 'arrests-transmit': { timeout: 1, match: 'ap-one', times: 1 } } });
    const fault = faultOf(injector);

    expect(fault('arrests-transmit', { packetId: 'ap-two' }, 1000)).toBeUndefined();
    expect(fault('arrests-transmit', { packetId: 'ap-one' }, 1000)?.kind).toBe('timeout');
    expect(fault('arrests-transmit', { packetId: 'ap-one' }, 1000)).toBeUndefined();
    expect(injector.counts()).toEqual({ 'lambda:arrests-transmit:timeout': 1 });
  });

  it('hangs a share of AWS requests: held for hangMs, then dropped, at most `times`', () => {
    const injector = new FaultInjector({ services: { dynamodb: { hang: 1, hangMs: 250, times: 2, operations: ['TransactWriteItems'] }, ses: { hang: 1 } } });
    const tap = tapOf(injector);
    const transact: EdgeRequest = { service: 'dynamodb', operation: 'TransactWriteItems' };

    expect(tap(putItem)).toBeUndefined();
    expect([tap(transact), tap(transact), tap(transact)]).toEqual([{ drop: true, delayMs: 250 }, { drop: true, delayMs: 250 }, undefined]);
    expect(tap({ service: 'ses', operation: 'POST /v2/email/outbound-emails' })).toEqual({ drop: true, delayMs: DEFAULT_HANG_MS });
    expect(injector.counts()).toEqual({ 'dynamodb:TransactWriteItems:hang': 2, 'ses:POST /v2/email/outbound-emails:hang': 1 });
  });

  it('hangs only AWS requests whose body matches', () => {
    const tap = tapOf(new FaultInjector({ services: { dynamodb: { hang: 1, match: '"TRANSMITTED"' } } }));

    expect(tap({ ...putItem, body: '{"Item":{"status":{"S":"ACCEPTED"}}}' })).toBeUndefined();
    expect(tap({ ...putItem, body: '{"Item":{"status":{"S":"TRANSMITTED"}}}' })).toEqual({ drop: true, delayMs: DEFAULT_HANG_MS });
  });

  it('holds the next matching invocation until released, then lets the rest through', async () => {
    const injector = new FaultInjector();
    const fault = faultOf(injector);
    const hold = injector.hold('arrests-validate', { match: 'ap-held' });

    expect(fault('arrests-validate', { packetId: 'ap-other' }, 1000)).toBeUndefined();
    const action = fault('arrests-validate', { packetId: 'ap-held' }, 1000);
    await hold.reached;
    let released = false;
    const until = action?.kind === 'hold' ? action.until.then(() => (released = true)) : Promise.reject(new Error(`not held: ${action?.kind}`));
    await Promise.resolve();
    expect(released).toBe(false);
    hold.release();
    await until;

    expect(released).toBe(true);
    expect(fault('arrests-validate', { packetId: 'ap-held' }, 1000)).toBeUndefined();
  });

  it('refuses a plan with a bad share or an unknown function, naming the field', () => {
    expect(() => parseFaultPlan({ cms: 2 })).toThrow(/cms:/);
    expect(() => parseFaultPlan({ functions: { 'no-such-function': { throttle: 0.1 } } })).toThrow(/functions.no-such-function/);
  });

  it('keeps the PRNG within [0, 1)', () => {
    const next = seededRandom(42);
    const values = Array.from({ length: 1000 }, next);

    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
  });
});

describe('a Lambda timeout that takes time', () => {
  it('fails with Sandbox.Timedout only after the hang, without running the handler', async () => {
    const lambda = new StubLambda(async () => 'done');
    lambda.fault = () => ({ kind: 'timeout', afterMs: 200, handlerRuns: false });
    const started = Date.now();

    const result = await lambda.invoke(HEALTH, {});

    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(result).toEqual({ payload: null, error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 0.20 seconds' } });
    expect(lambda.calls).toBe(0);
  });

  it('runs the handler to its end and loses its answer when the timeout comes after the handler', async () => {
    const lambda = new StubLambda(async () => 'done');
    lambda.fault = () => ({ kind: 'timeout', afterMs: 150, handlerRuns: true });

    const result = await lambda.invoke(HEALTH, {});

    expect(result.error?.errorType).toBe('Sandbox.Timedout');
    expect(lambda.calls).toBe(1);
  });

  it('answers as usual when no fault is injected', async () => {
    const lambda = new StubLambda(async () => ({ ok: true }));

    expect(await lambda.invoke(HEALTH, {})).toEqual({ payload: { ok: true } });
  });
});

describe('a hung AWS request at the edge', () => {
  it('is held for the delay and then dropped: the SDK sees a socket hang-up, and the service is never called', async () => {
    let served = 0;
    const never = { handle: async () => ((served += 1), {}) };
    const edge = new Edge({ dynamodb: 'http://127.0.0.1:9', ses: 'http://127.0.0.1:9', stepFunctions: never, eventBridge: never, kms: never, secretsManager: never, localSecret: 'test-secret', control: async () => undefined });
    const port = await edge.start(0);
    edge.taps.push(() => ({ drop: true, delayMs: 300 }));
    const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    try {
      const started = Date.now();
      const error = await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })).then(
        () => undefined,
        (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
      );

      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      // (Under jest's module VM the SDK wraps the node error, so its message, not its code, is what is checked.)
      expect({ message: error?.message, status: error?.$metadata?.httpStatusCode }).toEqual({ message: expect.stringContaining('socket hang up'), status: undefined });
      expect(awsErrorName(error ?? new Error('none'))).toBe('SdkClientException');
      expect(served).toBe(0);
    } finally {
      client.destroy();
      await edge.stop();
    }
  });
});

describe('integration error names', () => {
  const answered = (name: string) => Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: 400 } });

  it('names service errors as the Java SDK classes AWS uses, and unanswered calls SdkClientException', () => {
    expect(awsErrorName(answered('ProvisionedThroughputExceededException'))).toBe('ProvisionedThroughputExceededException');
    expect(awsErrorName(answered('InternalServerError'))).toBe('InternalServerErrorException');
    expect(awsErrorName(answered('ExecutionAlreadyExists'))).toBe('ExecutionAlreadyExistsException');
    expect(awsErrorName(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))).toBe('SdkClientException');
  });
});
