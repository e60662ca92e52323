import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, type DescribeExecutionCommandOutput, type HistoryEvent } from '@aws-sdk/client-sfn';
import { packetIdOf } from '../../functions/arrests/domain/packet';
import type { Clock } from '../../infra/local/clock';
import { startLocalRuntime, type LocalRuntime, type RuntimeOptions } from '../../infra/local/runtime';
import { inProcessOptions, type Mail, type Target, type TargetClock } from '../target';

export type { Mail, Target } from '../target';

/**
 * Given / when / then helpers for the e2e suite. A test file either drives a `Target`
 * (`givenTarget` in test/target.ts: only HTTP, the AWS APIs behind the edge and the runtime's
 * HTTP controls, so it runs against a separately started runtime too), or, where it still reads
 * the emulator's objects, a `Harness`: the embedded runtime started in process on free ports and
 * its own stage (so files never share tables), against the suite's one DynamoDB Local.
 */
export interface Harness {
  readonly runtime: LocalRuntime;
  /** Task tokens handed to Lambdas, by execution ARN, as the functions received them. */
  readonly tokens: Map<string, string[]>;
  readonly sfn: SFNClient;
  readonly dynamo: DynamoDBDocumentClient;
  readonly stage: string;
}

export async function givenRuntime(options: Partial<RuntimeOptions> = {}): Promise<Harness> {
  const stage = options.stage ?? `e2e${randomUUID().slice(0, 8)}`;
  const runtime = await startLocalRuntime(inProcessOptions(stage, options));
  const tokens = new Map<string, string[]>();
  runtime.lambda.observer = (_name, event) => {
    const payload = event as { taskToken?: unknown; executionArn?: unknown; runId?: unknown } | null;
    if (typeof payload?.taskToken !== 'string') return;
    const execution = typeof payload.executionArn === 'string' ? payload.executionArn : `run:${String(payload.runId)}`;
    tokens.set(execution, [...(tokens.get(execution) ?? []), payload.taskToken]);
  };
  return { runtime, stage, tokens, ...clientsFor(runtime.endpoints.edge) };
}

export { captureOutput } from '../output';

/** Stops the runtime and closes the test's SDK clients (their sockets would keep jest alive). */
export async function stopHarness(h: Harness | undefined): Promise<void> {
  if (!h) return;
  await h.runtime.stop();
  h.sfn.destroy();
  h.dynamo.destroy();
}

export async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  return (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
}

/**
 * Waits until the execution's `.waitForTaskToken` step has been submitted, and returns the
 * token its Lambda was given (stored history never holds it).
 */
export async function callbackToken(h: Harness, executionArn: string): Promise<{ token: string; events: HistoryEvent[] }> {
  return eventually(async () => {
    const events = await history(h.sfn, executionArn);
    if (!events.some((e) => e.type === 'TaskSubmitted')) return undefined;
    const name = executionArn.split(':').at(-1) ?? '';
    const token = (h.tokens.get(executionArn) ?? h.tokens.get(`run:${name}`))?.at(-1);
    return token ? { token, events } : undefined;
  }, 'the callback task to be submitted');
}

/** Every item of the given tables (to prove what is, and is not, stored). */
export async function scanAll(h: { readonly dynamo: DynamoDBDocumentClient }, tables: readonly string[]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const table of tables) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await h.dynamo.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return items;
}

/** The id the arrests API gives a packet of (ORI, incident number): keyed with the runtime's packet-id key. */
export function packetIdFor(h: Harness, ori: string, incidentNumber: string): string {
  return packetIdOf(Buffer.from(h.runtime.secretValue('packet-id-key'), 'utf8'), ori, incidentNumber);
}

/** Waits until the execution is no longer RUNNING. */
export async function ended(sfn: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return eventually(async () => {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return out.status === 'RUNNING' ? undefined : out;
  }, 'the execution to end');
}

export function clientsFor(edge: string): { sfn: SFNClient; dynamo: DynamoDBDocumentClient } {
  const config = { endpoint: edge, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return { sfn: new SFNClient(config), dynamo: DynamoDBDocumentClient.from(new DynamoDBClient(config)) };
}

/** Polls until `probe` returns a value that is not undefined (real time, bounded). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** The local mailbox, as its `GET /store` gives it. */
export async function mailbox(runtime: LocalRuntime): Promise<Mail[]> {
  const res = await fetch(`${runtime.endpoints.mailbox}/store`, { headers: { 'X-Ciss-Local-Secret': runtime.localSecret } });
  const body = (await res.json()) as { emails: Mail[] };
  return body.emails;
}

/**
 * Moves the clock through Retry back-offs until `done` holds. The clock moves only while the
 * execution backs off (its last event is a failed attempt), and exactly to the earliest timer
 * (the back-off), never past it: moving it while a step runs would time that step out.
 */
export function throughRetries<T>(h: Harness | Target, executionArn: string, done: () => Promise<T | undefined>, what: string): Promise<T> {
  const clock = 'runtime' in h ? inProcessClock(h.runtime.clock) : h.clock;
  return eventually(
    async () => {
      const result = await done();
      if (result !== undefined) return result;
      const events = (await h.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }))).events ?? [];
      if (events[0]?.type !== 'TaskFailed') return undefined;
      const next = (await clock.pending())[0];
      if (next !== undefined) await clock.advance(Math.max(1, next - (await clock.now())));
      return undefined;
    },
    what,
    20_000,
  );
}

function inProcessClock(clock: Clock): TargetClock {
  return { now: async () => clock.now(), pending: async () => clock.pending(), advance: (ms) => clock.advance(ms) };
}

/** The link after `<label>…: ` on a line of an e-mail's text (the approval and evidence links). */
export function mailLink(mail: Mail, label: string): string {
  const match = new RegExp(`^${label}.*?: (http\\S+)$`, 'm').exec(mail.body.text ?? '');
  if (!match?.[1]) throw new Error(`no "${label}" link in: ${mail.body.text}`);
  return match[1];
}

/** Decides a task as its e-mailed link's page does (the form's POST), and expects it taken. */
export async function decideByLink(url: string): Promise<void> {
  const q = new URL(url).searchParams;
  const body = new URLSearchParams({ choice: q.get('choice') ?? '', expires: q.get('expires') ?? '', sig: q.get('sig') ?? '' });
  const res = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  if (res.status !== 200) throw new Error(`deciding through ${new URL(url).pathname} answered ${res.status}`);
}
