import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ROOT } from '../infra/asl';
import type { TokenRequest } from '../infra/local/auth';
import { Clock } from '../infra/local/clock';
import type { FaultCounts, FaultPlan } from '../infra/local/faults';
import { startLocalRuntime, type LocalRuntime, type RuntimeOptions } from '../infra/local/runtime';
import { machines, type MachineName, type TableName } from '../infra/manifest';
import { captureOutput } from './output';

/**
 * The system an e2e test drives, reached only from outside: the API over HTTP, the AWS APIs
 * behind the edge (`AWS_ENDPOINT_URL`) with SDK v3 clients, the SES mailbox's HTTP store, and the
 * runtime's `/_local/*` HTTP controls (behind the per-run secret). Either
 *
 * - `in-process` (the default): a runtime this test file starts, on free ports, its own stage,
 *   the suite's DynamoDB Local, a manual clock (started now, or at `CISS_E2E_CLOCK_START`, e.g.
 *   `23:59:30`, to run a test at the hour or on the date it would fail: `testClockStart`); or
 * - `external` (`CISS_E2E_TARGET=external`): one already running (`npm start`), found by the
 *   `runtime.json` and `endpoints.json` it writes into its data directory (`CISS_DATA_DIR`, else
 *   `.local/`). Its clock is a capability only when it runs manual (`CISS_CLOCK=manual`).
 *   `CISS_E2E_LOG=<file>` names the file its output goes to (the `logs` capability);
 *   `CISS_E2E_WAIT_MS` how long to wait for it to come up;
 *   `CISS_E2E_WITHOUT=clock,faults` drops capabilities, to see what a deployed stack would skip.
 *
 * Both are driven the same way: the in-process target differs only in how it starts and stops.
 */

/**
 * What only some targets can do. A deployed stack (or LocalStack) has none of them: its clock
 * runs, nothing injects faults, the DCJ CMS is DCJ's, and tokens come from Cognito's users.
 * - `clock`: read the runtime's timers and move its time (`GET /_local/clock`, `POST /_local/clock/advance`)
 * - `faults`: fault plans (`/_local/faults`) and the CMS simulator's switches (`POST /_local/cms`)
 * - `cms`: what the DCJ CMS simulator received (`GET /_local/cms`)
 * - `events`: every event put on the buses (`GET /_local/events`)
 * - `logs`: everything the functions wrote to their log
 */
export type Capability = 'clock' | 'faults' | 'cms' | 'events' | 'logs';
const CAPABILITIES: readonly Capability[] = ['clock', 'faults', 'cms', 'events', 'logs'];

/** Why a case is skipped when the target lacks a capability (said in the skipped case's name). */
const MISSING: Record<Capability, string> = {
  clock: 'the target has no clock control (start it with CISS_CLOCK=manual)',
  faults: 'the target takes no fault plans',
  cms: 'the target does not show what the DCJ CMS received',
  events: 'the target does not show the events put on its buses',
  logs: 'the target does not show its functions’ log (set CISS_E2E_LOG)',
};

export interface Mail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
  readonly at: number;
}

/** An event as the bus received it. */
export interface BusEvent {
  readonly 'detail-type': string;
  readonly source: string;
  readonly time: string;
  readonly detail: unknown;
}

export interface CmsRecord {
  readonly idempotencyKey: string;
  readonly docketNumber: string;
  readonly body: unknown;
}

/** Which target the suite runs against, known before any test is defined (cases are tagged by it). */
export interface TargetProfile {
  readonly kind: 'in-process' | 'external';
  readonly capabilities: ReadonlySet<Capability>;
}

interface External {
  readonly apiUrl: string;
  readonly edgeUrl: string;
  readonly mailboxUrl: string;
  readonly localSecret: string;
  readonly log?: string;
}

const SECRET_HEADER = 'X-Ciss-Local-Secret';

function without(): ReadonlySet<string> {
  return new Set((process.env['CISS_E2E_WITHOUT'] ?? '').split(',').map((c) => c.trim()).filter(Boolean));
}

/** The running runtime `CISS_E2E_TARGET=external` names: its data directory's files. */
function externalConfig(): External {
  const dataDir = path.resolve(process.env['CISS_DATA_DIR'] || path.join(ROOT, '.local'));
  const read = <T>(file: string): T => {
    const full = path.join(dataDir, file);
    if (!existsSync(full)) throw new Error(`CISS_E2E_TARGET=external: no ${full}; start the runtime first (npm start, with the same CISS_DATA_DIR)`);
    return JSON.parse(readFileSync(full, 'utf8')) as T;
  };
  const runtime = read<{ localSecret: string }>('runtime.json');
  const endpoints = read<{ api: string; edge: string; mailbox: string }>('endpoints.json');
  return { apiUrl: endpoints.api, edgeUrl: endpoints.edge, mailboxUrl: endpoints.mailbox, localSecret: runtime.localSecret, log: process.env['CISS_E2E_LOG'] || undefined };
}

function targetKind(): 'in-process' | 'external' {
  const kind = process.env['CISS_E2E_TARGET'] || 'in-process';
  if (kind !== 'in-process' && kind !== 'external') throw new Error(`CISS_E2E_TARGET must be in-process or external, got "${kind}"`);
  return kind;
}

/**
 * The external runtime's config and clock mode (`GET /_local/clock`: its controls answer only
 * with the right secret). `CISS_E2E_WAIT_MS` waits that long for a runtime still starting (its
 * files not yet written, or it not yet answering), so the tests load while it starts.
 */
async function externalClock(): Promise<{ config: External; clock: { mode: string } }> {
  const deadline = Date.now() + Number(process.env['CISS_E2E_WAIT_MS'] || 0);
  for (;;) {
    try {
      const config = externalConfig();
      const res = await fetch(`${config.edgeUrl}/_local/clock`, { headers: { [SECRET_HEADER]: config.localSecret } });
      if (res.status !== 200) throw new Error(`CISS_E2E_TARGET=external: GET ${config.edgeUrl}/_local/clock answered ${res.status}; is the runtime of this runtime.json running?`);
      return { config, clock: (await res.json()) as { mode: string } };
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

let profile: Promise<TargetProfile> | undefined;

/**
 * The target's kind and capabilities. An external runtime is asked (`GET /_local/clock`):
 * its controls answer only with the right secret, and its clock moves only when manual.
 */
export function targetProfile(): Promise<TargetProfile> {
  profile ??= (async () => {
    const kind = targetKind();
    const dropped = without();
    let have: Capability[];
    if (kind === 'in-process') have = [...CAPABILITIES];
    else {
      const { config, clock } = await externalClock();
      have = ['faults', 'cms', 'events', ...(clock.mode === 'manual' ? (['clock'] as const) : []), ...(config.log ? (['logs'] as const) : [])];
    }
    return { kind, capabilities: new Set(have.filter((c) => !dropped.has(c))) };
  })();
  return profile;
}

/**
 * `it` (pass jest's), or, when the target lacks one of `needs`, a skipped case whose name says
 * why. At the top of a test file: `const cases = await casesFor(it);` then
 * `cases.needs(['clock'])('…', fn)`.
 */
export async function casesFor(base: jest.It): Promise<{ needs(capabilities: readonly Capability[]): jest.It }> {
  const { capabilities } = await targetProfile();
  return {
    needs(needed) {
      const missing = needed.filter((c) => !capabilities.has(c));
      if (!missing.length) return base;
      const reason = missing.map((c) => MISSING[c]).join('; ');
      const skipped = (name: string, fn?: jest.ProvidesCallback, timeout?: number) => base.skip(`${name} [skipped: ${reason}]`, fn, timeout);
      const each = ((table: readonly unknown[]) => (name: string, fn: (...args: never[]) => unknown, timeout?: number) => base.skip.each(table as never)(`${name} [skipped: ${reason}]`, fn as never, timeout)) as unknown as jest.Each;
      return Object.assign(skipped, base, { each }) as unknown as jest.It;
    },
  };
}

export interface TargetClock {
  /** The runtime's time, epoch ms. */
  now(): Promise<number>;
  /** Timers waiting, epoch ms, earliest first. */
  pending(): Promise<number[]>;
  /** Moves manual time forward by `ms`, firing due timers in order. */
  advance(ms: number): Promise<void>;
}

export interface Target {
  readonly kind: 'in-process' | 'external';
  readonly apiUrl: string;
  /** Where the AWS APIs are (`AWS_ENDPOINT_URL`). */
  readonly edgeUrl: string;
  readonly stage: string;
  readonly sfn: SFNClient;
  readonly dynamo: DynamoDBDocumentClient;
  has(capability: Capability): boolean;
  /** A table's physical name. */
  table(name: TableName): string;
  machineArn(name: MachineName): string;
  executionArn(machine: MachineName, name: string): string;
  /** A token for a user with these roles and attributes (Cognito's admin API in AWS). */
  token(request: TokenRequest): Promise<string>;
  /** An agency's RMS app client (OAuth client credentials). */
  rmsClient(ori: string): Promise<{ clientId: string; clientSecret: string }>;
  /** The CISS Search training provider's app client (OAuth client credentials, role exam-provider). */
  examProviderClient(): Promise<{ clientId: string; clientSecret: string }>;
  /** Runs a manifest schedule's target now and waits for the run (`POST /_local/schedules/run`; in AWS: invoking its target). */
  runSchedule(name: string): Promise<{ ok: boolean; at: string; error?: string }>;
  /** Every e-mail the application sent (the SES mailbox). */
  mailbox(): Promise<Mail[]>;
  /** The runtime's time, epoch ms: its clock when it has one, else this machine's. */
  now(): Promise<number>;
  /** Throw when the target lacks them; tag the case with `needs`. */
  readonly clock: TargetClock;
  readonly faults: { set(plan: FaultPlan): Promise<void>; counts(): Promise<FaultCounts>; clear(): Promise<void> };
  readonly cms: { records(): Promise<CmsRecord[]>; requests(): Promise<number>; failNext(n: number): Promise<void>; setDown(down: boolean): Promise<void> };
  events(source?: string): Promise<BusEvent[]>;
  /** What the functions have written to their log so far. */
  logs(): Promise<string>;
  stop(): Promise<void>;
}

export interface TargetOptions {
  /** In-process only: the runtime's options (an external target is what it is). */
  readonly runtime?: Partial<RuntimeOptions>;
}

/** Connects to the target the suite runs against (starting it when in process). */
export async function givenTarget(options: TargetOptions = {}): Promise<Target> {
  const { kind, capabilities } = await targetProfile();
  if (kind === 'external') {
    const config = externalConfig();
    return connect({ ...config, kind, capabilities, stop: async () => undefined });
  }
  const output = captureOutput();
  const stage = options.runtime?.stage ?? `e2e${randomUUID().slice(0, 8)}`;
  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime(inProcessOptions(stage, options.runtime));
  } catch (error) {
    output.restore();
    throw error;
  }
  const { api, edge, mailbox } = runtime.endpoints;
  return connect({
    apiUrl: api,
    edgeUrl: edge,
    mailboxUrl: mailbox,
    localSecret: runtime.localSecret,
    kind,
    capabilities,
    stage,
    logText: async () => output.written.join(''),
    stop: async () => {
      output.restore();
      await runtime.stop();
    },
  });
}

interface Connection extends External {
  readonly kind: 'in-process' | 'external';
  readonly capabilities: ReadonlySet<Capability>;
  readonly stage?: string;
  readonly logText?: () => Promise<string>;
  readonly stop: () => Promise<void>;
}

async function connect(c: Connection): Promise<Target> {
  const config = { endpoint: c.edgeUrl, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const sfn = new SFNClient(config);
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  const secret = { [SECRET_HEADER]: c.localSecret };

  // The state machines are the stage's: `ciss-<stage>-<machine>` (as the CDK stack names them).
  const listed = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
  const stage = c.stage ?? /^ciss-(.+)-arrest-packet$/.exec(listed.map((m) => m.name ?? '').find((n) => /^ciss-.+-arrest-packet$/.test(n)) ?? '')?.[1];
  if (!stage) throw new Error(`No ciss-<stage>-arrest-packet state machine at ${c.edgeUrl}`);
  const arns = Object.fromEntries((Object.keys(machines) as MachineName[]).map((m) => [m, listed.find((s) => s.name === `ciss-${stage}-${m}`)?.stateMachineArn ?? ''])) as Record<MachineName, string>;

  const need = (capability: Capability) => {
    if (!c.capabilities.has(capability)) throw new Error(`This case needs the ${capability} capability: ${MISSING[capability]}; tag it with needs(['${capability}'])`);
  };
  /** A `/_local/*` control on the edge; its JSON answer, or an error naming the control and status. */
  const control = async <T>(method: string, control: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${c.edgeUrl}/_local/${control}`, {
      method,
      headers: { ...secret, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${method} /_local/${control}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const clockNow = async () => (await control<{ now: number }>('GET', 'clock')).now;

  return {
    kind: c.kind,
    apiUrl: c.apiUrl,
    edgeUrl: c.edgeUrl,
    stage,
    sfn,
    dynamo,
    has: (capability) => c.capabilities.has(capability),
    table: (name) => `ciss-${stage}-${name}`,
    machineArn: (name) => arns[name],
    executionArn: (machine, name) => `${arns[machine].replace(':stateMachine:', ':execution:')}:${name}`,
    token: async (request) => (await control<{ token: string }>('POST', 'tokens', request)).token,
    rmsClient: (ori) => control('POST', 'rms-clients', { ori }),
    examProviderClient: () => control('POST', 'exam-provider-client', {}),
    runSchedule: (name: string) => control('POST', 'schedules/run', { schedule: name }),
    mailbox: async () => {
      const res = await fetch(`${c.mailboxUrl}/store`, { headers: secret });
      if (res.status !== 200) throw new Error(`GET ${c.mailboxUrl}/store: ${res.status}`);
      return ((await res.json()) as { emails: Mail[] }).emails;
    },
    now: async () => (c.capabilities.has('clock') ? clockNow() : Date.now()),
    clock: {
      now: () => (need('clock'), clockNow()),
      pending: async () => (need('clock'), (await control<{ pending: number[] }>('GET', 'clock')).pending),
      advance: async (ms) => {
        need('clock');
        await control('POST', 'clock/advance', { seconds: ms / 1000 });
      },
    },
    faults: {
      set: async (plan) => {
        need('faults');
        await control('PUT', 'faults', plan);
      },
      counts: async () => (need('faults'), (await control<{ injected: FaultCounts }>('GET', 'faults')).injected),
      clear: async () => {
        need('faults');
        await control('DELETE', 'faults');
      },
    },
    cms: {
      records: async () => (need('cms'), (await control<{ records: CmsRecord[] }>('GET', 'cms')).records),
      requests: async () => (need('cms'), (await control<{ requests: number }>('GET', 'cms')).requests),
      failNext: async (n) => {
        need('faults');
        await control('POST', 'cms', { failNext: n });
      },
      setDown: async (down) => {
        need('faults');
        await control('POST', 'cms', { down });
      },
    },
    events: async (source) => (need('events'), (await control<{ events: BusEvent[] }>('GET', `events${source ? `?source=${encodeURIComponent(source)}` : ''}`)).events),
    logs: async () => {
      need('logs');
      if (c.logText) return c.logText();
      return readFileSync(c.log ?? '', 'utf8');
    },
    stop: async () => {
      sfn.destroy();
      dynamo.destroy();
      await c.stop();
    },
  };
}

/**
 * Where an in-process runtime's clock starts (epoch ms), `undefined` for now: from
 * `CISS_E2E_CLOCK_START`, an ISO 8601 date-time (`2026-12-31T23:59:30Z`) or a UTC time of day
 * (`23:59:30`, today's UTC date). A test whose result depends on the time of day or the date fails
 * there at once, not only in CI's bad hour: e.g. `CISS_E2E_CLOCK_START=23:59:30 npm run test:e2e`.
 */
export function testClockStart(value = process.env['CISS_E2E_CLOCK_START']): number | undefined {
  if (!value) return undefined;
  const timeOfDay = /^(\d{2}):(\d{2})(?::(\d{2}))?Z?$/.exec(value);
  const at = timeOfDay ? Date.parse(`${new Date().toISOString().slice(0, 10)}T${timeOfDay[1]}:${timeOfDay[2]}:${timeOfDay[3] ?? '00'}Z`) : Date.parse(value);
  if (Number.isNaN(at)) throw new Error(`CISS_E2E_CLOCK_START=${value}: not an ISO 8601 date-time nor a UTC time of day (HH:MM[:SS])`);
  return at;
}

/** An e2e runtime's manual clock, started at `testClockStart()` (now, unless set); `autoAdvanceMs` as the Clock takes it. */
export function testClock(options: { readonly autoAdvanceMs?: number } = {}): Clock {
  return new Clock({ mode: 'manual', start: testClockStart(), ...options });
}

/**
 * How an e2e file starts its own runtime: its own stage, free ports, the shared DynamoDB Local
 * (global-setup), a manual clock (`testClock`); `overrides` win.
 */
export function inProcessOptions(stage: string, overrides: Partial<RuntimeOptions> = {}): RuntimeOptions {
  return { stage, edgePort: 0, apiPort: 0, sesPort: 0, dynamoEndpoint: process.env['CISS_E2E_DYNAMO_ENDPOINT'], clock: testClock(), ...overrides };
}

/** Stops the target (an external one keeps running) and closes its clients; jest would wait on their sockets. */
export async function stopTarget(t: Target | undefined): Promise<void> {
  await t?.stop();
}

