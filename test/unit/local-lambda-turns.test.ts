import { jest } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { LocalLambda } from '../../infra/local/lambda';
import type { FunctionName } from '../../infra/manifest';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** LocalLambda at a given concurrency, every function answered by one stand-in handler. */
class TurnsLambda extends LocalLambda {
  constructor(concurrency: number, private readonly stand: Handler) {
    super('ciss-test', '/nonexistent', concurrency);
  }
  override load(): Promise<Handler> {
    return Promise.resolve(this.stand);
  }
}

// health has no timeout of its own in the manifest: Lambda's 10 s here.
const HEALTH = 'health' as FunctionName;

/** A handler whose calls each wait for their own release; it records each call's remaining time at its start. */
function gatedHandler(): { handler: Handler; started: number[]; release: (index: number) => void; remainingAtStart: number[] } {
  const gates: Array<() => void> = [];
  const started: number[] = [];
  const remainingAtStart: number[] = [];
  const handler: Handler = (event, context) => {
    const index = (event as { i: number }).i;
    started.push(index);
    remainingAtStart.push(context.getRemainingTimeInMillis());
    return new Promise((resolve) => {
      gates[index] = () => resolve({ done: index });
    });
  };
  return { handler, started, remainingAtStart, release: (index) => gates[index]?.() };
}

describe('the local Lambda service under load: a cap on handlers in flight', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs at most its concurrency of handlers at once; the next waits its turn, in order', async () => {
    const gated = gatedHandler();
    const lambda = new TurnsLambda(2, gated.handler);

    const answers = [0, 1, 2].map((i) => lambda.invoke(HEALTH, { i }));
    await jest.advanceTimersByTimeAsync(0);

    expect({ started: [...gated.started], inFlight: lambda.inFlight, peak: lambda.peak }).toEqual({ started: [0, 1], inFlight: { running: 2, waiting: 1 }, peak: { running: 2, waiting: 1 } });

    gated.release(1);
    await jest.advanceTimersByTimeAsync(0);
    expect(gated.started).toEqual([0, 1, 2]);

    gated.release(0);
    gated.release(2);
    expect(await Promise.all(answers)).toEqual([{ payload: { done: 0 } }, { payload: { done: 1 } }, { payload: { done: 2 } }]);
    expect(lambda.inFlight).toEqual({ running: 0, waiting: 0 });
  });

  it('starts a waiting invocation on its clock only when its turn comes, so waiting does not use up its timeout', async () => {
    const gated = gatedHandler();
    const lambda = new TurnsLambda(1, gated.handler);
    const first = lambda.invoke(HEALTH, { i: 0 });
    const second = lambda.invoke(HEALTH, { i: 1 });

    await jest.advanceTimersByTimeAsync(9_000);
    gated.release(0);
    await jest.advanceTimersByTimeAsync(0);
    // The second has waited 9 s of its function's 10: it still has all 10 when it starts,
    await jest.advanceTimersByTimeAsync(5_000);
    gated.release(1);

    // and answers 14 s after it was asked, 5 s into its own time.
    expect(await Promise.all([first, second])).toEqual([{ payload: { done: 0 } }, { payload: { done: 1 } }]);
    expect(gated.remainingAtStart).toEqual([10_000, 10_000]);
    expect(lambda.outOfTime.size).toBe(0);
  });

  it('ends a handler that runs past its timeout, frees its turn for the next, and counts it by function', async () => {
    const gated = gatedHandler();
    const lambda = new TurnsLambda(1, gated.handler);
    const first = lambda.invoke(HEALTH, { i: 0 });
    const second = lambda.invoke(HEALTH, { i: 1 });

    await jest.advanceTimersByTimeAsync(10_000);

    expect(await first).toEqual({ payload: null, error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 10.00 seconds' } });
    expect(gated.started).toEqual([0, 1]);
    gated.release(1);
    expect(await second).toEqual({ payload: { done: 1 } });
    expect([...lambda.outOfTime]).toEqual([['health', 1]]);
  });

  it('gives no turn to an injected fault that only waits (a hold, a timeout whose handler never runs)', async () => {
    const gated = gatedHandler();
    const lambda = new TurnsLambda(1, gated.handler);
    let release = (): void => undefined;
    const until = new Promise<void>((resolve) => {
      release = resolve;
    });
    lambda.fault = (_name, event) => {
      const i = (event as { i: number }).i;
      if (i === 0) return { kind: 'hold', until };
      if (i === 1) return { kind: 'timeout', afterMs: 3_000, handlerRuns: false };
      return undefined;
    };
    const held = lambda.invoke(HEALTH, { i: 0 });
    const hung = lambda.invoke(HEALTH, { i: 1 });
    const plain = lambda.invoke(HEALTH, { i: 2 });
    await jest.advanceTimersByTimeAsync(0);

    expect(gated.started).toEqual([2]);
    gated.release(2);
    expect(await plain).toEqual({ payload: { done: 2 } });
    await jest.advanceTimersByTimeAsync(3_000);
    expect((await hung).error?.errorType).toBe('Sandbox.Timedout');
    // An injected timeout is the fault's, not the handler's: not counted as one that ran out of time.
    expect(lambda.outOfTime.size).toBe(0);

    release();
    await jest.advanceTimersByTimeAsync(0);
    gated.release(0);
    expect(await held).toEqual({ payload: { done: 0 } });
  });

  it('runs every handler at once with 0, and refuses a concurrency that is not a whole number', async () => {
    const gated = gatedHandler();
    const lambda = new TurnsLambda(0, gated.handler);
    const answers = [0, 1, 2, 3].map((i) => lambda.invoke(HEALTH, { i }));
    await jest.advanceTimersByTimeAsync(0);

    expect({ started: [...gated.started], inFlight: lambda.inFlight }).toEqual({ started: [0, 1, 2, 3], inFlight: { running: 4, waiting: 0 } });
    for (const i of [0, 1, 2, 3]) gated.release(i);
    await Promise.all(answers);
    expect({ inFlight: lambda.inFlight, peak: lambda.peak }).toEqual({ inFlight: { running: 0, waiting: 0 }, peak: { running: 4, waiting: 0 } });
    expect(() => new TurnsLambda(-1, gated.handler)).toThrow('CISS_LAMBDA_CONCURRENCY must be a whole number, 0 for no limit (got -1)');
    expect(() => new TurnsLambda(2.5, gated.handler)).toThrow('CISS_LAMBDA_CONCURRENCY must be a whole number, 0 for no limit (got 2.5)');
  });
});
