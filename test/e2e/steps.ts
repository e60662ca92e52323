import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, type DescribeExecutionCommandOutput, type HistoryEvent } from '@aws-sdk/client-sfn';
import { packetIdOf } from '../../functions/arrests/domain/packet';
import type { Clock } from '../../infra/local/clock';
import { startLocalRuntime, type LocalRuntime, type RuntimeOptions } from '../../infra/local/runtime';
import { inProcessOptions, type Mail, type Target, type TargetClock } from '../target';
import { connecticutDate } from '../../functions/shared/time';

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

/** Who takes part in making an employee's CCHRS account ACTIVE: the agency's administrator and the unit, each with a token and an address. */
export interface CchrsParties {
  readonly ori: string;
  readonly admin: { readonly token: string; readonly email: string };
  readonly unit: { readonly token: string; readonly email: string };
  readonly employee: { readonly fullName: string; readonly email: string; readonly jobTitle: string };
  /** The CJIS Online record ids of the two trainings (security awareness, CCHRS/NGI), verified as completed today. */
  readonly trainingRecords: readonly [string, string];
}

/**
 * An employee's CCHRS account, made ACTIVE through the access workflow as people do it: the
 * administrator's request, the unit's approval by link, the trainings attested and verified as
 * completed today (so its Security Awareness Training is current), the first login. The request id.
 */
export async function activeCchrsAccount(h: Pick<Target, 'apiUrl' | 'mailbox' | 'now'>, p: CchrsParties): Promise<string> {
  const send = (path: string, token: string | undefined, body: unknown): Promise<Response> =>
    fetch(`${h.apiUrl}${path}`, { method: 'POST', headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const answered = async (path: string, res: Response, status: number): Promise<Response> => {
    if (res.status !== status) throw new Error(`POST ${path} answered ${res.status}, not ${status}: ${await res.text()}`);
    return res;
  };
  const call = async (path: string, token: string | undefined, body: unknown, status: number): Promise<Response> => answered(path, await send(path, token, body), status);
  const mailTo = (to: string, subjectPart: string): Promise<Mail> =>
    eventually(async () => (await h.mailbox()).find((m) => m.destination.to.includes(to) && m.subject.includes(subjectPart)), `mail to ${to} about "${subjectPart}"`, 30_000);
  const statusBecomes = (path: string, wanted: string) =>
    eventually(async () => (((await (await fetch(`${h.apiUrl}${path}`, { headers: { Authorization: `Bearer ${p.unit.token}` } })).json()) as { status?: string }).status === wanted ? true : undefined), `${path} to be ${wanted}`, 30_000);

  const completedOn = connecticutDate(new Date(await h.now()));
  const justification = 'Investigates burglaries and needs criminal history records of suspects to prepare warrant applications.';
  const { requestId } = (await (await call('/access-requests', p.admin.token, { employee: p.employee, ori: p.ori, justification }, 202)).json()) as { requestId: string };
  await decideByLink(mailLink(await mailTo(p.unit.email, `CCHRS access for ${p.employee.fullName}`), 'Approve'));
  await decideByLink(mailLink(await mailTo(p.admin.email, `Has the employee completed both trainings on CJIS Online? (CCHRS access for ${p.employee.fullName}`), 'Both trainings'));
  await statusBecomes(`/access-requests/${requestId}`, 'TRAINING_VERIFICATION');
  const [securityAwareness, ngi] = p.trainingRecords;
  const modules = [
    { module: 'security-awareness', evidence: 'cjis-online', completedOn, recordId: securityAwareness },
    { module: 'cchrs-ngi', evidence: 'cjis-online', completedOn, recordId: ngi },
  ];
  await call(`/access-requests/${requestId}/training-verification`, p.unit.token, { modules }, 200);
  const mail = await mailTo(p.employee.email, 'Your CCHRS account: temporary password');
  const temporaryPassword = /^Temporary password: (\S+)$/m.exec(mail.body.text ?? '')?.[1];
  // scrypt on a loaded machine can outlast the call's timeout (a 5xx after the password was set):
  // the employee tries again only if the request did not become ACTIVE meanwhile.
  const login = { email: p.employee.email, temporaryPassword, newPassword: 'Copper-Meadow-Falcon-71' };
  const first = await send('/auth/first-login', undefined, login);
  if (first.status < 500) await answered('/auth/first-login', first, 200);
  else if (!(await statusBecomes(`/access-requests/${requestId}`, 'ACTIVE').catch(() => false))) await call('/auth/first-login', undefined, login, 200);
  await statusBecomes(`/access-requests/${requestId}`, 'ACTIVE');
  return requestId;
}
