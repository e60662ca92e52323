import { z } from 'zod';
import { functions, type FunctionName } from '../manifest';
import type { CmsSimulator } from './cms';
import type { Edge, EdgeAnswer, EdgeRequest, EdgeTap } from './edge';
import type { LocalLambda } from './lambda';

/**
 * Fault injection for the embedded runtime: the application's AWS calls are throttled or fail
 * (answered by an edge tap with the exact error the SDK v3 recognises), Lambda invocations are
 * throttled, fail or time out (`LocalLambda.fault`), and the DCJ CMS simulator answers 503.
 * Decisions come from a seeded PRNG, so one seed gives one sequence of decisions (the order in
 * which concurrent calls draw from it is the only thing left to chance), and every injected
 * fault is counted.
 */

export type Service = EdgeRequest['service'];
const SERVICES = ['dynamodb', 'ses', 'states', 'events', 'kms', 'secretsmanager'] as const satisfies readonly Service[];

const Share = z.number().min(0).max(1);

/** Shares (0–1) of a service's requests to answer with a fault instead of the service. */
export const ServiceFaultsSchema = z.strictObject({
  /** The service's throttling error (DynamoDB ProvisionedThroughputExceededException, SES TooManyRequests/Throttling, …). */
  throttle: Share.optional(),
  /** A 500 internal error (retryable by the SDK, as a transient fault). */
  error: Share.optional(),
  /** Only these operations (`PutItem`, `TransactWriteItems`, …; for SES, `POST /v2/email/outbound-emails`); all when absent. */
  operations: z.array(z.string().min(1)).optional(),
});

/** Shares (0–1) of a function's invocations that fail before its handler runs. */
export const FunctionFaultsSchema = z.strictObject({
  /** `Lambda.TooManyRequestsException`, as Lambda answers when concurrency runs out. */
  throttle: Share.optional(),
  /** `Lambda.ServiceException`, Lambda's own transient failure. */
  serviceError: Share.optional(),
  /** `Sandbox.Timedout`: the function ran out of time. */
  timeout: Share.optional(),
  /** The function throws `errorName` (default `InjectedFault`): a failure of the code itself. */
  error: Share.optional(),
  errorName: z.string().min(1).optional(),
});

export const FaultPlanSchema = z.strictObject({
  /** PRNG seed. @default 1 */
  seed: z.number().int().optional(),
  services: z.partialRecord(z.enum(SERVICES), ServiceFaultsSchema).optional(),
  /** By the manifest's function name; `*` applies to every function without its own entry. */
  functions: z.record(z.string(), FunctionFaultsSchema).optional(),
  /** Share of DCJ CMS submissions answered 503 (a transient CMS fault). */
  cms: Share.optional(),
});

export type ServiceFaults = z.infer<typeof ServiceFaultsSchema>;
export type FunctionFaults = z.infer<typeof FunctionFaultsSchema>;
export type FaultPlan = z.infer<typeof FaultPlanSchema>;

/** Parses a plan (from `CISS_FAULTS` or `PUT /_local/faults`), naming every bad field. */
export function parseFaultPlan(input: unknown): FaultPlan {
  const parsed = FaultPlanSchema.safeParse(input);
  if (!parsed.success) throw new Error(`Bad fault plan: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(plan)'}: ${i.message}`).join('; ')}`);
  const unknown = Object.keys(parsed.data.functions ?? {}).filter((f) => f !== '*' && !(f in functions));
  if (unknown.length) throw new Error(`Bad fault plan: functions.${unknown[0]}: not a function of the manifest`);
  return parsed.data;
}

/** mulberry32: small, fast and good enough to pick faults; the same seed, the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The JSON protocol namespace in each service's `__type`. */
const NAMESPACE: Record<Exclude<Service, 'ses'>, { ns: string; version: string; throttle: string; error: string }> = {
  dynamodb: { ns: 'com.amazonaws.dynamodb.v20120810', version: '1.0', throttle: 'ProvisionedThroughputExceededException', error: 'InternalServerError' },
  states: { ns: 'com.amazonaws.swf.service.v2.model', version: '1.0', throttle: 'ThrottlingException', error: 'ServiceUnavailable' },
  events: { ns: 'com.amazonaws.eventbridge', version: '1.1', throttle: 'ThrottlingException', error: 'InternalException' },
  kms: { ns: 'com.amazonaws.kms', version: '1.1', throttle: 'ThrottlingException', error: 'KMSInternalException' },
  secretsmanager: { ns: 'com.amazonaws.secretsmanager', version: '1.1', throttle: 'ThrottlingException', error: 'InternalServiceError' },
};

/**
 * The answer AWS gives, byte for byte where the SDK looks: JSON services put the error in
 * `__type` (400 for throttling, which the SDK retries by name; 500 for an internal error, which
 * it retries by status); SES v2 (REST-JSON) in the `x-amzn-ErrorType` header with 429; SES v1
 * (query protocol) in an XML `<Code>`.
 */
export function faultAnswer(request: EdgeRequest, kind: 'throttle' | 'error'): EdgeAnswer {
  if (request.service === 'ses') {
    const v2 = request.operation.includes('/v2/');
    if (v2) {
      return kind === 'throttle'
        ? { status: 429, body: { message: 'Maximum sending rate exceeded. (injected)' }, headers: { 'x-amzn-ErrorType': 'TooManyRequestsException' } }
        : { status: 500, body: { message: 'Internal failure (injected)' }, headers: { 'x-amzn-ErrorType': 'InternalFailure' } };
    }
    const [code, status, type] = kind === 'throttle' ? ['Throttling', 400, 'Sender'] : ['InternalFailure', 500, 'Receiver'];
    const xml = `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${kind === 'throttle' ? 'Maximum sending rate exceeded.' : 'Internal failure.'} (injected)</Message></Error><RequestId>injected</RequestId></ErrorResponse>`;
    return { status, body: xml, headers: { 'Content-Type': 'text/xml' } };
  }
  const spec = NAMESPACE[request.service];
  const type = kind === 'throttle' ? spec.throttle : spec.error;
  return {
    status: kind === 'throttle' ? 400 : 500,
    body: { __type: `${spec.ns}#${type}`, message: `${kind === 'throttle' ? 'Rate exceeded' : 'Internal failure'} (injected)` },
    headers: { 'Content-Type': `application/x-amz-json-${spec.version}` },
  };
}

/** What was injected, by `<service>:<operation>:<kind>`, `lambda:<function>:<kind>` and `cms:503`. */
export type FaultCounts = Record<string, number>;

/**
 * One plan, applied to one runtime's edge, Lambda and CMS simulator. `set` replaces the plan
 * (and reseeds); `counts` says what was injected since.
 */
export class FaultInjector {
  private plan: FaultPlan = {};
  private random: () => number = seededRandom(1);
  private counted: FaultCounts = {};
  private readonly tap: EdgeTap = (request) => this.onRequest(request);

  constructor(plan: FaultPlan = {}) {
    this.set(plan);
  }

  /** Hooks into a runtime's edge (first tap), Lambda and CMS simulator; returns the undo. */
  attach(targets: { edge?: Edge; lambda?: LocalLambda; cms?: CmsSimulator }): () => void {
    const { edge, lambda, cms } = targets;
    edge?.taps.unshift(this.tap);
    if (lambda) lambda.fault = (name) => this.onInvoke(name);
    if (cms) cms.fault = () => this.onCms();
    return () => {
      if (edge) edge.taps.splice(edge.taps.indexOf(this.tap), 1);
      if (lambda) lambda.fault = undefined;
      if (cms) cms.fault = undefined;
    };
  }

  set(plan: FaultPlan): void {
    this.plan = parseFaultPlan(plan);
    this.random = seededRandom(this.plan.seed ?? 1);
    this.counted = {};
  }

  current(): FaultPlan {
    return this.plan;
  }

  counts(): FaultCounts {
    return { ...this.counted };
  }

  /** Faults injected, in all or for keys starting with `prefix` (`dynamodb:`, `cms:`, `lambda:arrests-transmit:`). */
  total(prefix = ''): number {
    return Object.entries(this.counted).reduce((n, [k, v]) => (k.startsWith(prefix) ? n + v : n), 0);
  }

  private count(key: string): void {
    this.counted[key] = (this.counted[key] ?? 0) + 1;
  }

  /** Draws one number and says which kind (if any) its share falls in. */
  private pick<K extends string>(shares: readonly [K, number | undefined][]): K | undefined {
    const active = shares.filter(([, share]) => (share ?? 0) > 0);
    if (!active.length) return undefined;
    let r = this.random();
    for (const [kind, share] of active) {
      if (r < (share ?? 0)) return kind;
      r -= share ?? 0;
    }
    return undefined;
  }

  private onRequest(request: EdgeRequest): EdgeAnswer | undefined {
    const faults = this.plan.services?.[request.service];
    if (!faults) return undefined;
    if (faults.operations && !faults.operations.includes(request.operation)) return undefined;
    const kind = this.pick([
      ['throttle', faults.throttle],
      ['error', faults.error],
    ] as const);
    if (!kind) return undefined;
    this.count(`${request.service}:${request.operation}:${kind}`);
    return faultAnswer(request, kind);
  }

  private onInvoke(name: FunctionName): Error | undefined {
    const faults = this.plan.functions?.[name] ?? this.plan.functions?.['*'];
    if (!faults) return undefined;
    const kind = this.pick([
      ['throttle', faults.throttle],
      ['serviceError', faults.serviceError],
      ['timeout', faults.timeout],
      ['error', faults.error],
    ] as const);
    if (!kind) return undefined;
    this.count(`lambda:${name}:${kind}`);
    const [errorName, message] = {
      throttle: ['Lambda.TooManyRequestsException', 'Rate Exceeded. (injected)'],
      serviceError: ['Lambda.ServiceException', 'Lambda was unable to run the function. (injected)'],
      timeout: ['Sandbox.Timedout', 'Task timed out (injected)'],
      error: [faults.errorName ?? 'InjectedFault', 'The function failed (injected)'],
    }[kind];
    return Object.assign(new Error(message), { name: errorName });
  }

  private onCms(): boolean {
    if (!this.plan.cms || this.random() >= this.plan.cms) return false;
    this.count('cms:503');
    return true;
  }
}
