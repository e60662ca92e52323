import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import pLimit, { type LimitFunction } from 'p-limit';
import { functions, type FunctionName, type FunctionSpec } from '../manifest';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface InvokeResult {
  readonly payload: unknown;
  /** Set when the function threw, as Lambda reports it. */
  readonly error?: { readonly errorType: string; readonly errorMessage: string };
}

/**
 * What an injected fault does to one invocation:
 * - `fail`: it fails at once with `error`, before the handler runs (throttled, Lambda's own
 *   failure, or the code's error);
 * - `timeout`: it hangs and fails with `Sandbox.Timedout` after `afterMs` of wall-clock time (the
 *   function's timeout, or less to keep tests quick), as Lambda ends a function that ran out of
 *   time. With `handlerRuns` the handler runs to its end first and its answer is lost (the work
 *   was done, so the retry repeats it); without, it never runs (stuck before any work);
 * - `hold`: it waits until `until` settles, past any timeout, then runs as usual: a dependency
 *   nothing ends, for tests of what operators see when nothing moves.
 */
export type FaultAction =
  | { readonly kind: 'fail'; readonly error: Error }
  | { readonly kind: 'timeout'; readonly afterMs: number; readonly handlerRuns: boolean }
  | { readonly kind: 'hold'; readonly until: Promise<void> };

/** A function that fails (or hangs) on purpose: fault injection for tests of Retry and Catch paths. */
export type Fault = (name: FunctionName, payload: unknown, timeoutMs: number) => FaultAction | undefined;

/** The error Lambda reports for a function that ran out of time. */
export function timedOut(afterMs: number): Error {
  return Object.assign(new Error(`Task timed out after ${(afterMs / 1000).toFixed(2)} seconds`), { name: 'Sandbox.Timedout' });
}

/** Lambda's own switch for several concurrent invocations per execution environment (managed instances). */
const MAX_CONCURRENCY = 'AWS_LAMBDA_MAX_CONCURRENCY';

let invokeStore: Promise<InvokeStoreBase> | undefined;
/** The store once made (`scopeInvocations`), for `inInvocation`. */
let madeStore: InvokeStoreBase | undefined;

/** Whether the caller runs inside a local Lambda invocation (a handler, or what it awaits). */
export function inInvocation(): boolean {
  return madeStore?.hasContext() ?? false;
}

/**
 * Handlers here share one process and run concurrently, as on a Lambda execution environment
 * with several concurrent invocations. The runtime's invoke store, where Powertools keeps each
 * invocation's Lambda context (function name, request id), appended keys (correlation keys) and
 * metrics, is made as Lambda makes it then: backed by `AsyncLocalStorage`, so one invocation's
 * log lines never carry another's function, request id or keys.
 *
 * Call it before the process's first AWS SDK request (the runtime's first step does): the SDK
 * asks for the same store on every request, and whoever asks first decides its kind for the life
 * of the process. Made before `AWS_LAMBDA_MAX_CONCURRENCY` is set, it holds one invocation at a
 * time, and every running handler logs as whichever invocation started last; that is refused
 * here rather than logged wrongly.
 */
export function scopeInvocations(): Promise<InvokeStoreBase> {
  invokeStore ??= (async () => {
    // Powertools reads it on every call to decide whether to look in the store.
    process.env[MAX_CONCURRENCY] ??= '64';
    const store = await InvokeStore.getInstanceAsync(true);
    if (!isolatesInvocations(store)) {
      throw new Error(
        `The Lambda invoke store was made for one invocation at a time (an AWS SDK request came before the local Lambda service started): start the runtime before the first SDK request, or set ${MAX_CONCURRENCY}`,
      );
    }
    madeStore = store;
    return store;
  })();
  return invokeStore;
}

/** Whether a context set for one invocation is gone once it returns (it stays in a single-context store). */
function isolatesInvocations(store: InvokeStoreBase): boolean {
  if (store.hasContext()) return false;
  store.run({}, () => undefined);
  return !store.hasContext();
}

/**
 * How many handlers run at once at most (`CISS_LAMBDA_CONCURRENCY`; 0 for no limit). Every
 * handler shares the runtime's one thread, where in AWS each has its own CPU: past what the
 * thread can serve, more handlers in flight only make each slower, until they run out of their
 * timeout (10 s for most) and a step's Retry is spent on the machine's load. So an invocation
 * past the cap waits its turn, in order, and its clock starts when its handler does, as a Lambda's
 * starts when it has an execution environment. An injected fault that only waits (`hold`, a
 * timeout whose handler never runs) takes no turn. 64: at the soak's concurrency of 100 up to 110
 * handlers ran at once without a cap; soaks of 1,500 packets with one core kept busy by another
 * process (2 Dec 2026) ran at 5.27 packets/s with 64 (up to 40 waiting), 4.12 with no cap and
 * 3.25 with 24 (that run, and one with no cap at 3.80, beside another measurement).
 */
export const LAMBDA_CONCURRENCY = Number(process.env['CISS_LAMBDA_CONCURRENCY'] ?? 64);

/**
 * Lambda, in process: the manifest's handlers are loaded on first call (a cold start) and
 * called with a JSON copy of the event and a Lambda-like context, as the service would, at most
 * `concurrency` at once (the rest wait their turn, not yet on their clock).
 */
export class LocalLambda {
  private readonly loaded = new Map<FunctionName, Handler>();
  private readonly turns: LimitFunction;
  /** The most handlers that ran at once, and the most invocations that waited for a turn at once (the soak's report). */
  readonly peak = { running: 0, waiting: 0 };
  /** Invocations whose handler ran out of its time, by function (injected timeouts not counted). */
  readonly outOfTime = new Map<FunctionName, number>();
  readonly invocations = new Map<FunctionName, number>();
  fault?: Fault;
  /** Sees every event a function is called with (tests read task tokens the way the Lambda does). */
  observer?: (name: FunctionName, event: unknown) => void;
  /** The runtime's own watchers of every event (the diagnostics callback keeper); tests use `observer`. */
  readonly watchers = new Set<(name: FunctionName, event: unknown) => void>();

  constructor(
    private readonly prefix: string,
    private readonly root: string,
    concurrency: number = LAMBDA_CONCURRENCY,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 0) throw new Error(`CISS_LAMBDA_CONCURRENCY must be a whole number, 0 for no limit (got ${concurrency})`);
    this.turns = pLimit(concurrency > 0 ? concurrency : Number.POSITIVE_INFINITY);
  }

  /** Invocations whose handler runs now, and those waiting for a turn. */
  get inFlight(): { readonly running: number; readonly waiting: number } {
    return { running: this.turns.activeCount, waiting: this.turns.pendingCount };
  }

  functionName(name: FunctionName): string {
    return `${this.prefix}-${name}`;
  }

  arnOf(name: FunctionName): string {
    return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${this.functionName(name)}`;
  }

  /** Accepts a manifest name, a deployed name, or a function ARN (with or without a qualifier). */
  resolve(nameOrArn: string): FunctionName | undefined {
    const bare = nameOrArn.startsWith('arn:') ? (nameOrArn.split(':')[6] ?? '') : nameOrArn;
    const short = bare.startsWith(`${this.prefix}-`) ? bare.slice(this.prefix.length + 1) : bare;
    return short in functions ? (short as FunctionName) : undefined;
  }

  async invoke(name: FunctionName, event: unknown): Promise<InvokeResult> {
    this.invocations.set(name, (this.invocations.get(name) ?? 0) + 1);
    const handler = await this.load(name);
    const timeoutMs = timeoutOf(functions[name]);
    try {
      this.observer?.(name, event);
      for (const watch of this.watchers) watch(name, event);
      const injected = this.fault?.(name, event, timeoutMs);
      if (injected?.kind === 'fail') throw injected.error;
      if (injected?.kind === 'hold') await injected.until;
      const copy: unknown = JSON.parse(JSON.stringify(event ?? null));
      if (injected?.kind === 'timeout') {
        const started = Date.now();
        const afterMs = Math.min(injected.afterMs, timeoutMs);
        if (injected.handlerRuns) await this.inTurn(name, handler, copy).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, afterMs - (Date.now() - started))));
        throw timedOut(afterMs);
      }
      const result = await this.inTurn(name, handler, copy);
      return { payload: result === undefined ? null : JSON.parse(JSON.stringify(result)) };
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      return { payload: null, error: { errorType: err.name, errorMessage: err.message } };
    }
  }

  /** Runs the handler when a turn is free; its clock (timeout, remaining time) starts then. */
  private inTurn(name: FunctionName, handler: Handler, event: unknown): Promise<unknown> {
    const answer = this.turns(() => this.callHandler(name, handler, event));
    this.peak.waiting = Math.max(this.peak.waiting, this.turns.pendingCount);
    return answer;
  }

  /** One call of the handler, with a Lambda-like context, ended by `Sandbox.Timedout` at the function's timeout. */
  private async callHandler(name: FunctionName, handler: Handler, event: unknown): Promise<unknown> {
    const spec: FunctionSpec = functions[name];
    const timeoutMs = timeoutOf(spec);
    const started = Date.now();
    const context: Context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: this.functionName(name),
      functionVersion: '$LATEST',
      invokedFunctionArn: this.arnOf(name),
      memoryLimitInMB: String(spec.memoryMb ?? 256),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${this.functionName(name)}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    this.peak.running = Math.max(this.peak.running, this.turns.activeCount);
    const store = await scopeInvocations();
    const work = store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, () => handler(event, context));
    return withTimeout(work, timeoutMs, () => this.outOfTime.set(name, (this.outOfTime.get(name) ?? 0) + 1));
  }

  /** Loads a function's handler (its cold start); fails when the entry exports none. */
  async load(name: FunctionName): Promise<Handler> {
    let handler = this.loaded.get(name);
    if (!handler) {
      const mod = (await import(pathToFileURL(path.join(this.root, functions[name].entry)).href)) as { handler?: Handler };
      if (typeof mod.handler !== 'function') throw new Error(`${functions[name].entry} does not export a handler`);
      handler = mod.handler;
      this.loaded.set(name, handler);
    }
    return handler;
  }
}

/** A function's timeout, ms: the manifest's, or Lambda's default here (10 s). */
function timeoutOf(spec: FunctionSpec): number {
  return (spec.timeoutSeconds ?? 10) * 1000;
}

/** The handler's result, or `Sandbox.Timedout` once the function's time is up (the handler itself cannot be stopped in process). */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(timedOut(timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
