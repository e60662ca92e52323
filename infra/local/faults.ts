import * as z from 'zod';
import { functions, type FunctionName } from '../manifest';
import type { CmsSimulator } from './cms';
import type { Edge, EdgeAnswer, EdgeReply, EdgeRequest, EdgeTap } from './edge';
import type { FaultAction, LocalLambda } from './lambda';

/**
 * Fault injection for the embedded runtime: the application's AWS calls are throttled, fail
 * (answered by an edge tap with the exact error the SDK v3 recognises) or hang (held, then the
 * connection dropped), Lambda invocations are throttled, fail or time out after really taking
 * the time (`LocalLambda.fault`), and the DCJ CMS simulator answers 503.
 * Decisions come from seeded PRNGs, one stream per plan entry (`services.dynamodb`,
 * `functions.*`, `cms`), each derived from the plan's seed and the entry's name. So one seed gives
 * each entry one sequence of decisions: the n-th CMS submission fails or not whatever DynamoDB
 * was asked in between (only the order in which concurrent calls to the same entry draw is left
 * to chance), and every injected fault is counted.
 */

export type Service = EdgeRequest['service'];
const SERVICES = ['dynamodb', 'ses', 'states', 'events', 'kms', 'secretsmanager', 'rds-data'] as const satisfies readonly Service[];

const Share = z.number().min(0).max(1);
/** At most this many faults from the entry, then none: `{"timeout":1,"times":1}` is exactly one. */
const Times = z.number().int().positive();

/** How long a hung AWS request is held before its connection is dropped, unless the plan says. */
export const DEFAULT_HANG_MS = 3000;

/** Shares (0–1) of a service's requests to answer with a fault instead of the service. */
export const ServiceFaultsSchema = z.strictObject({
  /** The service's throttling error (DynamoDB ProvisionedThroughputExceededException, SES TooManyRequests/Throttling, …). */
  throttle: Share.optional(),
  /** A 500 internal error (retryable by the SDK, as a transient fault). */
  error: Share.optional(),
  /**
   * A hang: the request is held for `hangMs` and then its connection is dropped unanswered (the
   * SDK sees a socket hang-up, and retries it as transient), as a service that stopped answering.
   * The request never reaches the service. A client with a shorter `requestTimeout` gives up first.
   */
  hang: Share.optional(),
  /** @default 3000 */
  hangMs: z.number().int().positive().max(15 * 60_000).optional(),
  times: Times.optional(),
  /** Only requests whose body contains this (a packet id, a status); all when absent. */
  match: z.string().min(1).optional(),
  /** Only these operations (`PutItem`, `TransactWriteItems`, …; for SES, `POST /v2/email/outbound-emails`); all when absent. */
  operations: z.array(z.string().min(1)).optional(),
});

/** Shares (0–1) of a function's invocations that fail before its handler runs. */
export const FunctionFaultsSchema = z.strictObject({
  /** `Lambda.TooManyRequestsException`, as Lambda answers when concurrency runs out. */
  throttle: Share.optional(),
  /** `Lambda.ServiceException`, Lambda's own transient failure. */
  serviceError: Share.optional(),
  /**
   * `Sandbox.Timedout`, as Lambda ends a function that ran out of time: the invocation hangs for
   * the function's `timeoutSeconds` (wall clock), or `timeoutAfterMs` when shorter, then fails.
   */
  timeout: Share.optional(),
  timeoutAfterMs: z.number().int().positive().optional(),
  /** The handler runs to its end before the timeout, and its answer is lost (the work was done; a retry repeats it). @default false */
  timeoutAfterHandler: z.boolean().optional(),
  /** The function throws `errorName` (default `InjectedFault`): a failure of the code itself. */
  error: Share.optional(),
  errorName: z.string().min(1).optional(),
  /** Only invocations whose event, as JSON, contains this (a packet or request id); all when absent. */
  match: z.string().min(1).optional(),
  times: Times.optional(),
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

/**
 * The seed of one plan entry's stream: the plan's seed mixed with the entry's name (FNV-1a), so
 * entries draw independent sequences and adding an entry leaves the others' draws unchanged.
 */
function streamSeed(seed: number, entry: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < entry.length; i++) h = Math.imul(h ^ entry.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The JSON protocol namespace in each service's `__type`. */
const NAMESPACE: Record<Exclude<Service, 'ses' | 'rds-data'>, { ns: string; version: string; throttle: string; error: string }> = {
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
export function faultAnswer(request: EdgeRequest, kind: 'throttle' | 'error'): EdgeReply {
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
  if (request.service === 'rds-data') {
    // REST-JSON like SES v2; the Data API's own 5xx is InternalServerErrorException.
    return kind === 'throttle'
      ? { status: 429, body: { message: 'Rate exceeded (injected)' }, headers: { 'x-amzn-ErrorType': 'ThrottlingException' } }
      : { status: 500, body: { message: 'Internal failure (injected)' }, headers: { 'x-amzn-ErrorType': 'InternalServerErrorException' } };
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

/** An invocation held by `FaultInjector.hold`: `reached` resolves once one is held; `release` lets it run. */
export interface Hold {
  readonly reached: Promise<void>;
  release(): void;
}

interface PendingHold {
  readonly name: FunctionName;
  readonly match?: string;
  readonly until: Promise<void>;
  readonly reached: () => void;
}

/**
 * One plan, applied to one runtime's edge, Lambda and CMS simulator. `set` replaces the plan
 * (and reseeds); `counts` says what was injected since.
 */
export class FaultInjector {
  private plan: FaultPlan = {};
  /** One PRNG per plan entry, made on its first draw (see `streamSeed`). */
  private streams = new Map<string, () => number>();
  private counted: FaultCounts = {};
  /** Faults injected per plan entry (`services.dynamodb`, `functions.*`), for `times`. */
  private used = new Map<string, number>();
  private holds: PendingHold[] = [];
  private readonly tap: EdgeTap = (request) => this.onRequest(request);

  constructor(plan: FaultPlan = {}) {
    this.set(plan);
  }

  /** Hooks into a runtime's edge (first tap), Lambda and CMS simulator; returns the undo. */
  attach(targets: { edge?: Edge; lambda?: LocalLambda; cms?: CmsSimulator }): () => void {
    const { edge, lambda, cms } = targets;
    edge?.taps.unshift(this.tap);
    if (lambda) lambda.fault = (name, payload, timeoutMs) => this.onInvoke(name, payload, timeoutMs);
    if (cms) cms.fault = () => this.onCms();
    return () => {
      if (edge) edge.taps.splice(edge.taps.indexOf(this.tap), 1);
      if (lambda) lambda.fault = undefined;
      if (cms) cms.fault = undefined;
    };
  }

  set(plan: FaultPlan): void {
    this.plan = parseFaultPlan(plan);
    this.streams = new Map();
    this.counted = {};
    this.used = new Map();
  }

  /**
   * Holds the next invocation of `name` (whose event contains `match`, when given) until
   * released, past any timeout: a dependency that nothing ends. Independent of the plan; for
   * tests (what operators see when an execution does not move).
   */
  hold(name: FunctionName, options: { match?: string } = {}): Hold {
    let release: () => void = () => undefined;
    const until = new Promise<void>((resolve) => (release = resolve));
    let reached: () => void = () => undefined;
    const seen = new Promise<void>((resolve) => (reached = resolve));
    const pending: PendingHold = { name, match: options.match, until, reached };
    this.holds.push(pending);
    return {
      reached: seen,
      release: () => {
        this.holds = this.holds.filter((h) => h !== pending);
        release();
      },
    };
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

  /** The next number of a plan entry's own stream. */
  private draw(entry: string): number {
    let stream = this.streams.get(entry);
    if (!stream) {
      stream = seededRandom(streamSeed(this.plan.seed ?? 1, entry));
      this.streams.set(entry, stream);
    }
    return stream();
  }

  /** Draws one number from the entry's stream and says which kind (if any) its share falls in. */
  private pick<K extends string>(entry: string, shares: readonly [K, number | undefined][]): K | undefined {
    const active = shares.filter(([, share]) => (share ?? 0) > 0);
    if (!active.length) return undefined;
    let r = this.draw(entry);
    for (const [kind, share] of active) {
      if (r < (share ?? 0)) return kind;
      r -= share ?? 0;
    }
    return undefined;
  }

  /** Whether the plan entry has injected all the faults its `times` allows. */
  private exhausted(entry: string, times: number | undefined): boolean {
    return times !== undefined && (this.used.get(entry) ?? 0) >= times;
  }

  private use(entry: string): void {
    this.used.set(entry, (this.used.get(entry) ?? 0) + 1);
  }

  private onRequest(request: EdgeRequest): EdgeAnswer | undefined {
    const faults = this.plan.services?.[request.service];
    if (!faults) return undefined;
    if (faults.operations && !faults.operations.includes(request.operation)) return undefined;
    if (faults.match !== undefined && !(request.body ?? '').includes(faults.match)) return undefined;
    const entry = `services.${request.service}`;
    if (this.exhausted(entry, faults.times)) return undefined;
    const kind = this.pick(entry, [
      ['throttle', faults.throttle],
      ['error', faults.error],
      ['hang', faults.hang],
    ] as const);
    if (!kind) return undefined;
    this.use(entry);
    this.count(`${request.service}:${request.operation}:${kind}`);
    if (kind === 'hang') return { drop: true, delayMs: faults.hangMs ?? DEFAULT_HANG_MS };
    return faultAnswer(request, kind);
  }

  private onInvoke(name: FunctionName, payload: unknown, timeoutMs: number): FaultAction | undefined {
    const held = this.holds.find((h) => h.name === name && (h.match === undefined || JSON.stringify(payload ?? null).includes(h.match)));
    if (held) {
      this.holds = this.holds.filter((h) => h !== held);
      this.count(`lambda:${name}:hold`);
      held.reached();
      return { kind: 'hold', until: held.until };
    }
    const key = this.plan.functions?.[name] ? name : '*';
    const faults = this.plan.functions?.[key];
    if (!faults) return undefined;
    if (faults.match !== undefined && !JSON.stringify(payload ?? null).includes(faults.match)) return undefined;
    const entry = `functions.${key}`;
    if (this.exhausted(entry, faults.times)) return undefined;
    const kind = this.pick(entry, [
      ['throttle', faults.throttle],
      ['serviceError', faults.serviceError],
      ['timeout', faults.timeout],
      ['error', faults.error],
    ] as const);
    if (!kind) return undefined;
    this.use(entry);
    this.count(`lambda:${name}:${kind}`);
    if (kind === 'timeout') return { kind: 'timeout', afterMs: Math.min(faults.timeoutAfterMs ?? timeoutMs, timeoutMs), handlerRuns: faults.timeoutAfterHandler ?? false };
    const [errorName, message] = {
      throttle: ['Lambda.TooManyRequestsException', 'Rate Exceeded. (injected)'],
      serviceError: ['Lambda.ServiceException', 'Lambda was unable to run the function. (injected)'],
      error: [faults.errorName ?? 'InjectedFault', 'The function failed (injected)'],
    }[kind];
    return { kind: 'fail', error: Object.assign(new Error(message), { name: errorName }) };
  }

  private onCms(): boolean {
    if (!this.plan.cms || this.draw('cms') >= this.plan.cms) return false;
    this.count('cms:503');
    return true;
  }
}
