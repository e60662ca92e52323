import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import { functions, type FunctionName, type FunctionSpec } from '../manifest';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface InvokeResult {
  readonly payload: unknown;
  /** Set when the function threw, as Lambda reports it. */
  readonly error?: { readonly errorType: string; readonly errorMessage: string };
}

/** A function that fails on purpose: fault injection for tests of Retry and Catch paths. */
export type Fault = (name: FunctionName, payload: unknown) => Error | undefined;

/**
 * Handlers here share one process and run concurrently, as on a Lambda execution environment
 * with several concurrent invocations (managed instances). The runtime's invoke store, which
 * Powertools' logger and metrics keep per-invocation state in, is set up as Lambda does then
 * (`AWS_LAMBDA_MAX_CONCURRENCY`), so one invocation's correlation keys and metrics never reach
 * another's log lines. (Under jest's module VM the async context can be lost across an SDK
 * call, so there a log line may still carry a neighbouring invocation's keys.)
 */
let invokeStore: Promise<InvokeStoreBase> | undefined;
function concurrentInvokeStore(): Promise<InvokeStoreBase> {
  process.env['AWS_LAMBDA_MAX_CONCURRENCY'] ??= '64';
  invokeStore ??= InvokeStore.getInstanceAsync(true);
  return invokeStore;
}

/**
 * Lambda, in process: the manifest's handlers are loaded on first call (a cold start) and
 * called with a JSON copy of the event and a Lambda-like context, as the service would.
 */
export class LocalLambda {
  private readonly loaded = new Map<FunctionName, Handler>();
  readonly invocations = new Map<FunctionName, number>();
  fault?: Fault;
  /** Sees every event a function is called with (tests read task tokens the way the Lambda does). */
  observer?: (name: FunctionName, event: unknown) => void;

  constructor(private readonly prefix: string, private readonly root: string) {}

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
    const spec: FunctionSpec = functions[name];
    const handler = await this.load(name);
    const timeoutMs = (spec.timeoutSeconds ?? 10) * 1000;
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
    try {
      this.observer?.(name, event);
      const injected = this.fault?.(name, event);
      if (injected) throw injected;
      const copy: unknown = JSON.parse(JSON.stringify(event ?? null));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`Task timed out after ${timeoutMs / 1000} seconds`), { name: 'Sandbox.Timedout' })), timeoutMs);
      });
      try {
        const store = await concurrentInvokeStore();
        const run = store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, () => handler(copy, context));
        const result = await Promise.race([run, timeout]);
        return { payload: result === undefined ? null : JSON.parse(JSON.stringify(result)) };
      } finally {
        clearTimeout(timer);
      }
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      return { payload: null, error: { errorType: err.name, errorMessage: err.message } };
    }
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
