/**
 * Load on the embedded runtime, driven as the people and systems behind it would drive it: RMSs
 * POST arrest packets (some twice, as retrying agencies do), the court clerk accepts on the tasks
 * API, agency administrators request CCHRS access, the unit reviews and verifies training, and
 * employees log in with the e-mailed temporary password. Every call is HTTP through the API (or
 * the AWS API on the edge), retried on 5xx and 429 as a real client would. `verifyLoad` then
 * checks that nothing was lost and nothing duplicated. The load test (test/e2e/load.test.ts), the
 * crash test and `npm run soak` (bench/soak.ts) share this module.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient, type ExecutionListItem, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { TokenRequest } from '../infra/local/auth';
import type { CmsRecord } from '../infra/local/cms';
import type { LocalRuntime } from '../infra/local/runtime';
import { pool, summarize, type Summary } from './stats';
import { custodialPacket } from './arrest-packet';

const ORI = 'CT0000100';
const DAY_MS = 24 * 3600 * 1000;

/** Who the driver acts as; a runtime in another process mints these and hands them over. */
export const IDENTITIES = {
  rms: { roles: ['agency-rms'], ori: ORI, username: 'load-rms' },
  admin: { roles: ['agency-admin'], ori: ORI, username: 'load-admin', email: 'admin@nhpd.ct.example' },
  unit: { roles: ['unit'], username: 'cchrs-unit', email: 'cchrs.unit@dpscs.ct.example' },
  clerk: { roles: ['court-clerk'], courts: ['GA23'], username: 'clerk.ga23@jud.ct.example' },
} as const satisfies Record<string, TokenRequest>;
export type Identity = keyof typeof IDENTITIES;

/** Where the runtime is and what it calls things: in process or in a child process. */
export interface Target {
  readonly api: string;
  readonly edge: string;
  readonly mailbox: string;
  /** The runtime's per-run secret: the mailbox's `/store` and the edge's `/_local/*` controls ask for it. */
  readonly localSecret: string;
  /** DynamoDB Local itself: verification reads around the edge, so injected faults do not touch it. */
  readonly dynamodb: string;
  readonly tables: { readonly main: string; readonly audit: string };
  readonly machines: { readonly arrest: string; readonly access: string };
  readonly tokens: Readonly<Record<Identity, string>>;
  /** What CMS received; read where the simulator runs. */
  readonly cmsRecords: () => readonly CmsRecord[];
  /** Virtual time now, epoch ms (packets are dated by it). */
  readonly now: () => number;
}

export async function targetOf(runtime: LocalRuntime): Promise<Target> {
  const tokens = Object.fromEntries(await Promise.all(Object.entries(IDENTITIES).map(async ([k, r]) => [k, await runtime.mintToken(r)] as const))) as Record<Identity, string>;
  return {
    api: runtime.endpoints.api,
    edge: runtime.endpoints.edge,
    mailbox: runtime.endpoints.mailbox,
    localSecret: runtime.localSecret,
    dynamodb: runtime.endpoints.dynamodb,
    tables: { main: runtime.names.tables.main, audit: runtime.names.tables.audit },
    machines: { arrest: runtime.names.machines['arrest-packet'], access: runtime.names.machines['access-request'] },
    tokens,
    cmsRecords: () => runtime.cms.records,
    now: () => runtime.clock.now(),
  };
}

export interface LoadPlan {
  readonly packets: number;
  readonly accessRequests: number;
  readonly concurrency: number;
  /** Every n-th packet is POSTed twice at once, and every 2n-th once more after it is AVAILABLE. @default 10 */
  readonly duplicateEvery?: number;
  /** Distinguishes the incident numbers and e-mails of runs that share a runtime. */
  readonly tag: string;
  /** Real-time bound on one packet's or request's way through, ms. @default 120000 */
  readonly stepTimeoutMs?: number;
  /** Called as each packet reaches AVAILABLE and each access request reaches its path's end (for a progress line). */
  readonly onProgress?: (done: LoadCounts, total: LoadCounts) => void;
}

export interface LoadCounts {
  readonly packets: number;
  readonly requests: number;
}

export type AccessPath = 'denied' | 'active' | 'expired';
/** Of every 5 access requests: one denied, three logged in (ACTIVE), one never logged in (PASSWORD_EXPIRED). */
export const accessPathOf = (i: number): AccessPath => (['denied', 'active', 'active', 'active', 'expired'] as const)[i % 5] ?? 'active';

export const STEPS = {
  intake: 'POST /arrests → 202',
  validation: '202 → clerk task pending',
  decision: 'POST /tasks/{id}/decision → 200',
  delivery: 'decision → AVAILABLE (CMS, notice)',
  packet: 'packet: POST → AVAILABLE',
  request: 'access request: POST → password issued',
} as const;
export type Step = keyof typeof STEPS;

export interface LoadResult {
  readonly seconds: number;
  readonly packetIds: readonly string[];
  readonly duplicates: readonly string[];
  readonly requests: readonly { readonly requestId: string; readonly path: AccessPath }[];
  readonly latencyMs: Record<Step, Summary>;
  /** Client calls retried after a 5xx, 429 or network error (agencies retry). */
  readonly clientRetries: number;
}

class Http {
  retries = 0;
  constructor(
    private readonly base: string,
    private readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  /** One call, retried on 5xx, 429 and network errors; answers any other status. */
  async call(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: unknown }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${this.base}${path}`, {
          method,
          headers: { ...this.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        if ((res.status < 500 && res.status !== 429) || attempt >= 40) return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
      } catch (error) {
        if (attempt >= 40) throw error;
      }
      this.retries++;
      await sleep(Math.min(1000, 25 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2));
    }
  }

  async expect(method: string, path: string, token: string | undefined, body: unknown, ok: readonly number[]): Promise<unknown> {
    const res = await this.call(method, path, token, body);
    if (!ok.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

/**
 * One poll shared by everyone waiting for something from the same source (a person's task list,
 * the mailbox), every `everyMs` while anyone waits: not one poll per packet. `refresh` brings the
 * desk's view up to date; `find` gives a waiter the first item that is its own and that it
 * accepts, from the desk's index (a waiter never walks everything the desk has seen).
 */
class SharedPoll<T> {
  private readonly waiting = new Map<string, { readonly accept: (item: T) => boolean; readonly resolve: (item: T) => void }>();
  private polling = false;

  constructor(
    private readonly refresh: () => Promise<void>,
    private readonly find: (key: string, accept: (item: T) => boolean) => T | undefined,
    private readonly everyMs: number,
  ) {}

  next(key: string, accept: (item: T) => boolean = () => true): Promise<T> {
    return new Promise((resolve) => {
      this.waiting.set(key, { accept, resolve });
      void this.poll();
    });
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      while (this.waiting.size > 0) {
        await this.refresh().catch(() => undefined);
        for (const [key, waiter] of [...this.waiting]) {
          const item = this.find(key, waiter.accept);
          if (item === undefined) continue;
          this.waiting.delete(key);
          waiter.resolve(item);
        }
        await sleep(this.everyMs);
      }
    } finally {
      this.polling = false;
    }
  }
}

interface TaskView {
  readonly taskId: string;
  readonly workflow: string;
  readonly step: string;
  readonly subject: { readonly id: string };
}

/** A person's task list (`GET /tasks`, what is open now); a waiter skips a task it already found replaced. */
class TaskDesk {
  private readonly poll: SharedPoll<TaskView>;
  private open = new Map<string, TaskView[]>();

  constructor(http: Http, token: string, everyMs: number) {
    const refresh = async () => {
      const tasks = ((await http.call('GET', '/tasks', token)).body as { tasks?: TaskView[] } | null)?.tasks ?? [];
      const open = new Map<string, TaskView[]>();
      for (const task of tasks) {
        const key = `${task.step}|${task.subject.id}`;
        open.set(key, [...(open.get(key) ?? []), task]);
      }
      this.open = open;
    };
    this.poll = new SharedPoll(refresh, (key, accept) => this.open.get(key)?.find(accept), everyMs);
  }

  next(step: string, subjectId: string, skip?: string): Promise<TaskView> {
    return this.poll.next(`${step}|${subjectId}`, (task) => task.taskId !== skip);
  }
}

interface Mail {
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string };
  readonly at: number;
}

/**
 * The SES mailbox (only mail since the run began): the first mail to an address with a subject.
 * Each look asks only for mail from the last second seen on (`since` is in whole seconds; the
 * store appends, so the mail of that second already held comes first and is skipped by count:
 * message ids are random and may repeat), and the mail is kept by recipient. A soak sends tens of
 * thousands; reading them all again every 150 ms, in the runtime's own process, slowed the
 * runtime more the longer it ran.
 */
class MailDesk {
  private readonly poll: SharedPoll<Mail>;
  private readonly byRecipient = new Map<string, Mail[]>();
  private since = Math.floor(Date.now() / 1000) - 1;
  /** How many mails of the second `since` are already held. */
  private heldAtSince = 0;

  constructor(mailbox: string, localSecret: string, everyMs: number) {
    const refresh = async () => {
      const res = await fetch(`${mailbox}/store?since=${this.since}`, { headers: { 'X-Ciss-Local-Secret': localSecret } });
      if (!res.ok) return;
      const mails = ((await res.json()) as { emails: Mail[] }).emails;
      for (const mail of mails.slice(this.heldAtSince)) {
        for (const to of mail.destination.to) {
          const held = this.byRecipient.get(to);
          if (held) held.push(mail);
          else this.byRecipient.set(to, [mail]);
        }
      }
      const last = mails.at(-1);
      if (!last) return;
      this.heldAtSince = last.at === this.since ? mails.length : mails.filter((mail) => mail.at === last.at).length;
      this.since = last.at;
    };
    this.poll = new SharedPoll(
      refresh,
      (key, accept) => {
        const [to = '', subject = ''] = key.split('|');
        return this.byRecipient.get(to)?.find((mail) => mail.subject.includes(subject) && accept(mail));
      },
      everyMs,
    );
  }

  /** The first mail to `to` with `subject` in it, or the first one that came after `after`. */
  next(to: string, subject: string, after?: Mail): Promise<Mail> {
    if (!after) return this.poll.next(`${to}|${subject}`);
    return this.poll.next(`${to}|${subject}`, (mail) => {
      const mails = this.byRecipient.get(to) ?? [];
      return mails.indexOf(mail) > mails.indexOf(after);
    });
  }
}

/**
 * Whether an execution, its history read newest first, has parked in `state`, a task that waits
 * for its token: the state entered last is `state`, and the last event is its TaskSubmitted (its
 * resource returned). Entered alone is too early: AwaitAdjudication's Lambda, which makes the
 * packet AVAILABLE, may still be running, or waiting to retry a throttled write.
 */
export function parkedIn(newestFirst: readonly HistoryEvent[], state: string): boolean {
  const entered = newestFirst.find((e) => e.stateEnteredEventDetails)?.stateEnteredEventDetails?.name;
  return entered === state && newestFirst[0]?.type === 'TaskSubmitted';
}

/**
 * `parkedIn`, reading as little history as it can: `last(n)` gives the execution's n newest
 * events. Four show it when the state's task ran once (entered, scheduled, started, submitted); a
 * page goes further back only when retried attempts hide the state's entry. Each answer carries
 * every event's input and output, and at concurrency 100 the soak's driver looks ~400 times a
 * second.
 */
export async function hasParked(last: (maxResults: number) => Promise<readonly HistoryEvent[]>, state: string): Promise<boolean> {
  const events = await last(4);
  const hidden = events[0]?.type === 'TaskSubmitted' && events.length === 4 && !events.some((e) => e.stateEnteredEventDetails);
  return parkedIn(hidden ? await last(100) : events, state);
}

/** Runs the plan: every packet to AVAILABLE, every access request to where its path leads. */
export async function runLoad(target: Target, plan: LoadPlan): Promise<LoadResult> {
  const http = new Http(target.api);
  const edge = new Http(target.edge, { 'X-Ciss-Local-Secret': target.localSecret });
  const sfn = new SFNClient({ endpoint: target.edge, region: 'us-east-1', credentials: { accessKeyId: 'load', secretAccessKey: 'load' } });
  const clerk = new TaskDesk(http, target.tokens.clerk, 100);
  const unit = new TaskDesk(http, target.tokens.unit, 100);
  const admin = new TaskDesk(http, target.tokens.admin, 100);
  const mail = new MailDesk(target.mailbox, target.localSecret, 150);
  const every = plan.duplicateEvery ?? 10;
  const timeout = plan.stepTimeoutMs ?? 120_000;
  const per: Record<Step, number[]> = { intake: [], validation: [], decision: [], delivery: [], packet: [], request: [] };
  const packetIds: string[] = [];
  const duplicates: string[] = [];
  const requests: { requestId: string; path: AccessPath }[] = [];

  /**
   * Answers a step's waiting task once, by `send`: a retried answer that already went through
   * (409) is done too; 410, the task was replaced (its opening was retried): the new one is answered.
   */
  async function answer(desk: TaskDesk, step: string, subjectId: string, waitingFor: string, send: (task: TaskView) => Promise<{ status: number; body: unknown }>, failed: (task: TaskView) => string): Promise<void> {
    for (let skip: string | undefined; ; ) {
      const task = await within(desk.next(step, subjectId, skip), timeout, waitingFor);
      const res = await send(task);
      if (res.status === 200 || res.status === 409) return;
      if (res.status !== 410) throw new Error(`${failed(task)}: ${res.status} ${JSON.stringify(res.body)}`);
      skip = task.taskId;
    }
  }

  /** Decides a task on the tasks API, once (`answer`). */
  function decide(desk: TaskDesk, token: string, step: string, subjectId: string, choice: string, comment?: string): Promise<void> {
    return answer(
      desk,
      step,
      subjectId,
      `${step} task of ${subjectId}`,
      async (task) => {
        const sent = performance.now();
        const res = await http.call('POST', `/tasks/${encodeURIComponent(task.taskId)}/decision`, token, { choice, ...(comment ? { comment } : {}) });
        if (desk === clerk) per.decision.push(performance.now() - sent);
        return res;
      },
      (task) => `decision on ${task.taskId}`,
    );
  }

  /** Polls the execution's last events until it has parked in `state` (`hasParked`). */
  async function parked(executionArn: string, state: string): Promise<void> {
    const deadline = Date.now() + timeout;
    const last = async (maxResults: number) => (await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults })).catch(() => undefined))?.events ?? [];
    while (Date.now() < deadline) {
      if (await hasParked(last, state)) return;
      // Each look reads the execution's history from the store: not too often.
      await sleep(250);
    }
    throw new Error(`${executionArn} did not park in ${state} within ${timeout} ms`);
  }

  async function packet(i: number): Promise<void> {
    const incident = `${plan.tag}-${String(i).padStart(5, '0')}`;
    const p = custodialPacket(incident, target.now());
    const duplicate = i % every === 0;
    const t0 = performance.now();
    const posts = await Promise.all(Array.from({ length: duplicate ? 2 : 1 }, () => http.expect('POST', '/arrests', target.tokens.rms, p, [200, 202])));
    const t1 = performance.now();
    const ids = new Set(posts.map((b) => (b as { packetId: string }).packetId));
    if (ids.size !== 1) throw new Error(`packet ${incident} got two ids: ${[...ids].join(', ')}`);
    const packetId = [...ids][0] ?? '';
    packetIds.push(packetId);
    if (duplicate) duplicates.push(packetId);
    await decide(clerk, target.tokens.clerk, 'clerk-review', packetId, 'accept').then(() => undefined);
    const t2 = performance.now();
    await parked(`${target.machines.arrest.replace(':stateMachine:', ':execution:')}:${packetId}-v1`, 'AwaitAdjudication');
    const t3 = performance.now();
    per.intake.push(t1 - t0);
    per.validation.push(t2 - t1);
    per.delivery.push(t3 - t2);
    per.packet.push(t3 - t0);
    if (duplicate && (i / every) % 2 === 0) {
      // The agency sends it once more, later: the same packet, not a second one.
      const again = (await http.expect('POST', '/arrests', target.tokens.rms, p, [200])) as { packetId: string };
      if (again.packetId !== packetId) throw new Error(`packet ${incident} sent again got ${again.packetId}, not ${packetId}`);
    }
  }

  async function accessRequest(i: number): Promise<void> {
    const path = accessPathOf(i);
    const tag = `${plan.tag}-${i}`.toLowerCase();
    // Letters only, starting with q: the new password may not contain any part of the name.
    const code = `q${[...i.toString(26)].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('')}`;
    const employee = { fullName: `Jordan ${code} Rivera`, email: `jordan.${tag}@nhpd.ct.example`, jobTitle: 'Records Supervisor' };
    const t0 = performance.now();
    const submitted = (await http.expect('POST', '/access-requests', target.tokens.admin, {
      employee,
      ori: ORI,
      justification: 'Supervises the records unit that runs criminal history checks for pistol permit applicants.',
    }, [200, 202])) as { requestId: string };
    const requestId = submitted.requestId;
    requests.push({ requestId, path });
    if (path === 'denied') {
      await decide(unit, target.tokens.unit, 'business-need-review', requestId, 'deny', 'Duties do not require criminal history record information');
      return;
    }
    await decide(unit, target.tokens.unit, 'business-need-review', requestId, 'approve');
    await decide(admin, target.tokens.admin, 'training-attestation', requestId, 'attest');
    const modules = [
      { module: 'security-awareness', evidence: 'cjis-online', completedOn: new Date(target.now() - DAY_MS).toISOString().slice(0, 10), recordId: `CJIS-SA-${i}` },
      { module: 'cchrs-ngi', evidence: 'cjis-online', completedOn: new Date(target.now() - DAY_MS).toISOString().slice(0, 10), recordId: `CJIS-NGI-${i}` },
    ];
    // The unit's verification decides the step's task: 409 after a retried call whose first
    // attempt went through; 410 when the task was closed under the call (its opening was retried).
    await answer(
      unit,
      'training-verification',
      requestId,
      `training verification of ${requestId}`,
      () => http.call('POST', `/access-requests/${requestId}/training-verification`, target.tokens.unit, { modules }),
      () => `verification of ${requestId}`,
    );
    const subject = 'Your CCHRS account: temporary password';
    let passwordMail = await within(mail.next(employee.email, subject), timeout, `the password mail of ${requestId}`);
    per.request.push(performance.now() - t0);
    if (path === 'expired') return;
    for (let attempt = 1; ; attempt++) {
      const temporary = /^Temporary password: (\S+)$/m.exec(passwordMail.body.text ?? '')?.[1];
      if (!temporary) throw new Error(`no temporary password in the mail of ${requestId}`);
      const login = await http.call('POST', '/auth/first-login', undefined, { email: employee.email, temporaryPassword: temporary, newPassword: 'Granite-Harbor-Lantern-42' });
      if (login.status === 200) break;
      // A password step retried after it ran out of time issues and mails a new password (the
      // first attempt may have died before its mail left): the later mail's works, as the
      // employee would find. Anything else, or no later mail, is a failure.
      if (login.status !== 401 || attempt >= 3) throw new Error(`POST /auth/first-login of ${requestId}: ${login.status} ${JSON.stringify(login.body)}`);
      passwordMail = await within(mail.next(employee.email, subject, passwordMail), timeout, `a later password mail of ${requestId} after a 401`);
    }
  }

  const start = performance.now();
  const total = plan.packets + plan.accessRequests;
  // Interleaved: arrest packets and access requests share the workers.
  const every2 = plan.accessRequests ? Math.max(1, Math.floor(total / plan.accessRequests)) : Number.POSITIVE_INFINITY;
  let p = 0;
  let a = 0;
  const done = { packets: 0, requests: 0 };
  const totals: LoadCounts = { packets: plan.packets, requests: plan.accessRequests };
  await pool(total, plan.concurrency, async (n) => {
    if (a < plan.accessRequests && (n % every2 === every2 - 1 || p >= plan.packets)) {
      await accessRequest(a++);
      done.requests++;
    } else {
      await packet(p++);
      done.packets++;
    }
    plan.onProgress?.({ ...done }, totals);
  });
  // The temporary passwords' 24 hours pass; the requests end ACTIVE or PASSWORD_EXPIRED.
  if (plan.accessRequests) {
    await edge.expect('POST', '/_local/clock/advance', undefined, { seconds: 24 * 3600 + 60 }, [200]);
    const access = target.machines.access.replace(':stateMachine:', ':execution:');
    await pool(requests.length, 10, async (k) => {
      const arn = `${access}:${requests[k]?.requestId ?? ''}`;
      const deadline = Date.now() + timeout;
      while ((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status === 'RUNNING') {
        if (Date.now() > deadline) throw new Error(`${arn} still running`);
        await sleep(100);
      }
    });
  }
  const seconds = (performance.now() - start) / 1000;
  sfn.destroy();
  return {
    seconds,
    packetIds,
    duplicates,
    requests,
    latencyMs: Object.fromEntries(Object.entries(per).map(([k, v]) => [k, summarize(v)])) as Record<Step, Summary>,
    clientRetries: http.retries + edge.retries,
  };
}

/** What the checks found: an empty `problems` is the proof. */
export interface Verification {
  readonly problems: string[];
  readonly executions: { readonly arrest: number; readonly access: number };
  /**
   * Task attempts that failed and were retried by the state machines' Retry, counted by reading
   * every execution's history back (`readHistories`); undefined otherwise.
   */
  readonly retriedTaskFailures?: number;
  /** Where the check's time went, ms: reading the tables, listing executions, the checks, the histories. */
  readonly ms: { readonly scan: number; readonly list: number; readonly check: number; readonly histories: number };
}

const PACKET_ONCE = ['ArrestPacketReceived', 'ArrestPacketValidated', 'ArrestPacketAccepted', 'ArrestPacketTransmitted', 'ArrestDataAvailable'];
const ACCESS_PATHS: Record<AccessPath, { status: string; transitions: string[] }> = {
  denied: { status: 'DENIED', transitions: ['RECEIVED', 'UNDER_REVIEW', 'DENIED'] },
  active: { status: 'ACTIVE', transitions: ['RECEIVED', 'UNDER_REVIEW', 'TRAINING_ASSIGNED', 'TRAINING_VERIFICATION', 'TRAINING_VERIFICATION', 'TEMPORARY_PASSWORD_ISSUED', 'ACTIVE'] },
  expired: { status: 'PASSWORD_EXPIRED', transitions: ['RECEIVED', 'UNDER_REVIEW', 'TRAINING_ASSIGNED', 'TRAINING_VERIFICATION', 'TRAINING_VERIFICATION', 'TEMPORARY_PASSWORD_ISSUED', 'PASSWORD_EXPIRED'] },
};

/**
 * A password step retried after its first attempt issued (it ran out of time after its work was
 * done) issues and mails a new password, audited as this, never as a second status change.
 */
const REISSUED = 'TemporaryPasswordReissued';

/** The audit records the checks read. */
const AUDITED = [...PACKET_ONCE, 'TaskDecided', 'AgencyNotified', 'AccessRequestStatusChanged', REISSUED];

/** An access request's audit record as the check reads it: its type, its sort key (time order) and, for a status change, where it went. */
export interface AccessAuditRecord {
  readonly type: string;
  readonly sk: string;
  readonly to?: string | undefined;
}

/**
 * What is wrong with one request's audit trail: its status changes must be exactly its path's, in
 * order, each once; a `TemporaryPasswordReissued` (a retried password step) may only come while
 * the request was TEMPORARY_PASSWORD_ISSUED, after that change and before the next one.
 */
export function accessTrailProblems(requestId: string, path: AccessPath, records: readonly AccessAuditRecord[]): string[] {
  const sorted = [...records].sort((x, y) => x.sk.localeCompare(y.sk));
  const changes = sorted.filter((e) => e.type === 'AccessRequestStatusChanged');
  const transitions = changes.map((e) => String(e.to));
  const want = ACCESS_PATHS[path].transitions;
  const problems: string[] = [];
  if (JSON.stringify(transitions) !== JSON.stringify(want)) problems.push(`request ${requestId} (${path}) audited ${transitions.join(' → ')}`);
  for (const reissue of sorted.filter((e) => e.type === REISSUED)) {
    const before = changes.filter((e) => e.sk.localeCompare(reissue.sk) < 0).at(-1);
    if (before?.to !== 'TEMPORARY_PASSWORD_ISSUED') problems.push(`request ${requestId} (${path}) audited a password reissue after ${before?.to ?? 'nothing'}, not while TEMPORARY_PASSWORD_ISSUED`);
  }
  return problems;
}

/** Appends `value` to the list at `key`. */
function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Nothing lost, nothing duplicated: every packet AVAILABLE with one execution chain and one CMS
 * record, every request where its path leads with one execution, and each status change audited
 * exactly once (a retried password step's new password is a `TemporaryPasswordReissued`, not a
 * status change: accessTrailProblems). Reads DynamoDB Local directly and the Step Functions API. Every look-up is by
 * key (maps and sets), so the check grows with the items, not their square.
 *
 * `readHistories` also reads every execution's history back to count the task attempts that
 * failed (one GetExecutionHistory per execution: minutes at the default soak's 12,500; the
 * embedded runtime counts them as it runs, `StepFunctionsService.eventCounts`).
 */
export async function verifyLoad(target: Target, result: LoadResult, options: { readHistories?: boolean } = {}): Promise<Verification> {
  const problems: string[] = [];
  const credentials = { accessKeyId: 'load', secretAccessKey: 'load' };
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: target.dynamodb, region: 'us-east-1', credentials }));
  const sfn = new SFNClient({ endpoint: target.edge, region: 'us-east-1', credentials });
  const ms = { scan: 0, list: 0, check: 0, histories: 0 };
  let mark = performance.now();
  const lap = (what: keyof typeof ms): void => {
    const now = performance.now();
    ms[what] += Math.round(now - mark);
    mark = now;
  };
  try {
    // Only the items and attributes the checks read: the tables hold ten times more (tasks, people, …).
    const [main, audit] = await Promise.all([
      scan(db, target.tables.main, { filter: 'sk IN (:packet, :request)', values: { ':packet': 'PACKET', ':request': 'REQUEST' }, fields: ['pk', 'sk', 'packetId', 'requestId', 'status'] }),
      scan(db, target.tables.audit, {
        // `#f0` is the first field named below, `type`.
        filter: `#f0 IN (${AUDITED.map((_, i) => `:t${i}`).join(', ')})`,
        values: Object.fromEntries(AUDITED.map((t, i) => [`:t${i}`, t])),
        fields: ['type', 'sk', 'subject.id', 'details.to'],
      }),
    ]);
    lap('scan');
    const [arrestExecutions, accessExecutions] = await Promise.all([listAll(sfn, target.machines.arrest), listAll(sfn, target.machines.access)]);
    lap('list');
    const packets = new Map(main.filter((i) => typeof i['packetId'] === 'string' && i['sk'] === 'PACKET').map((i) => [String(i['packetId']), i]));
    const requests = new Map(main.filter((i) => typeof i['requestId'] === 'string' && String(i['pk']).startsWith('ACCESS#') && i['sk'] === 'REQUEST').map((i) => [String(i['requestId']), i]));
    const auditBy = new Map<string, Record<string, unknown>[]>();
    for (const e of audit) push(auditBy, String((e['subject'] as { id?: string } | undefined)?.id ?? ''), e);

    // Packets: AVAILABLE, one execution chain, one CMS record, each status change audited once.
    const sent = new Set(result.packetIds);
    if (sent.size !== result.packetIds.length) problems.push('two packets share an id');
    const chains = new Map<string, ExecutionListItem[]>();
    for (const e of arrestExecutions) push(chains, chainOf(e.name), e);
    const cms = new Map<string, number>();
    for (const r of target.cmsRecords()) {
      const id = String((r.body as { packetId?: string }).packetId);
      cms.set(id, (cms.get(id) ?? 0) + 1);
    }
    for (const packetId of result.packetIds) {
      const stored = packets.get(packetId);
      if (stored?.['status'] !== 'AVAILABLE') problems.push(`packet ${packetId} is ${String(stored?.['status'] ?? 'missing')}, not AVAILABLE`);
      const chain = chains.get(packetId) ?? [];
      const roots = chain.filter((e) => !/-g\d+$/.test(e.name ?? ''));
      if (roots.length !== 1 || roots[0]?.name !== `${packetId}-v1`) problems.push(`packet ${packetId} has executions ${chain.map((e) => e.name).join(', ') || 'none'}`);
      const waiting = chain.filter((e) => e.status === 'RUNNING');
      if (waiting.length !== 1) problems.push(`packet ${packetId} has ${waiting.length} executions waiting for adjudication`);
      if (cms.get(packetId) !== 1) problems.push(`packet ${packetId} has ${cms.get(packetId) ?? 0} CMS records`);
      const types = new Map<string, number>();
      for (const e of auditBy.get(packetId) ?? []) types.set(String(e['type']), (types.get(String(e['type'])) ?? 0) + 1);
      for (const type of PACKET_ONCE) {
        const n = types.get(type) ?? 0;
        if (n !== 1) problems.push(`packet ${packetId} has ${n} ${type} audit records`);
      }
      if (!types.has('TaskDecided')) problems.push(`packet ${packetId} has no TaskDecided audit record`);
      if (!types.has('AgencyNotified')) problems.push(`packet ${packetId} has no AgencyNotified audit record`);
    }
    const extra = [...chains.keys()].filter((id) => !sent.has(id));
    const extraCms = [...cms.keys()].filter((id) => !sent.has(id));
    if (extra.length && result.packetIds.length) problems.push(`executions for packets nobody sent: ${extra.slice(0, 5).join(', ')}`);
    if (extraCms.length) problems.push(`CMS records for packets nobody sent: ${extraCms.slice(0, 5).join(', ')}`);

    // Access requests: where the path leads, one execution, the status changes in order, once each.
    const runsOf = new Map<string, ExecutionListItem[]>();
    for (const e of accessExecutions) push(runsOf, e.name ?? '', e);
    const started = new Set(result.requests.map((r) => r.requestId));
    for (const { requestId, path } of result.requests) {
      const want = ACCESS_PATHS[path];
      const stored = requests.get(requestId);
      if (stored?.['status'] !== want.status) problems.push(`request ${requestId} (${path}) is ${String(stored?.['status'] ?? 'missing')}, not ${want.status}`);
      const runs = runsOf.get(requestId) ?? [];
      if (runs.length !== 1 || runs[0]?.status !== 'SUCCEEDED') problems.push(`request ${requestId} has executions ${runs.map((e) => `${e.name}:${e.status}`).join(', ') || 'none'}`);
      const records = (auditBy.get(requestId) ?? []).map((e) => ({ type: String(e['type']), sk: String(e['sk']), to: (e['details'] as { to?: string } | undefined)?.to }));
      problems.push(...accessTrailProblems(requestId, path, records));
    }
    const strays = accessExecutions.filter((e) => !started.has(e.name ?? ''));
    if (strays.length && result.requests.length) problems.push(`access executions nobody started: ${strays.slice(0, 5).map((e) => e.name).join(', ')}`);
    lap('check');

    let retriedTaskFailures: number | undefined;
    if (options.readHistories) {
      retriedTaskFailures = 0;
      const all = [...arrestExecutions.filter((e) => sent.has(chainOf(e.name))), ...accessExecutions.filter((e) => started.has(e.name ?? ''))];
      await pool(all.length, 8, async (k) => {
        const arn = all[k]?.executionArn ?? '';
        let nextToken: string | undefined;
        do {
          const out = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, nextToken }));
          retriedTaskFailures = (retriedTaskFailures ?? 0) + (out.events ?? []).filter((e) => e.type === 'TaskFailed' || e.type === 'TaskTimedOut').length;
          nextToken = out.nextToken;
        } while (nextToken);
      });
      lap('histories');
    }
    return { problems, executions: { arrest: arrestExecutions.length, access: accessExecutions.length }, retriedTaskFailures, ms };
  } finally {
    db.destroy();
    sfn.destroy();
  }
}

/** The packet id an arrest execution's name carries (`<packetId>-v1`, `<packetId>-v1-g2`). */
function chainOf(name: string | undefined): string {
  return /^(.*)-v\d+(?:-g\d+)?$/.exec(name ?? '')?.[1] ?? '';
}

/** How many segments a table is scanned in, side by side. */
const SCAN_SEGMENTS = 4;

/**
 * Every item of `table` that passes `filter`, with only `fields` (dotted paths: `subject.id`),
 * scanned in SCAN_SEGMENTS parallel segments.
 */
async function scan(db: DynamoDBDocumentClient, table: string, only: { readonly filter: string; readonly values: Record<string, string>; readonly fields: readonly string[] }): Promise<Record<string, unknown>[]> {
  const names: Record<string, string> = {};
  const alias = (name: string): string => {
    const existing = Object.entries(names).find(([, n]) => n === name)?.[0];
    if (existing) return existing;
    const key = `#f${Object.keys(names).length}`;
    names[key] = name;
    return key;
  };
  const projection = only.fields.map((f) => f.split('.').map(alias).join('.')).join(', ');
  const segments = await Promise.all(
    Array.from({ length: SCAN_SEGMENTS }, async (_, segment) => {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new ScanCommand({
            TableName: table,
            Segment: segment,
            TotalSegments: SCAN_SEGMENTS,
            FilterExpression: only.filter,
            ProjectionExpression: projection,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: only.values,
            ExclusiveStartKey: start,
          }),
        );
        items.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    }),
  );
  return segments.flat();
}

async function listAll(sfn: SFNClient, stateMachineArn: string): Promise<ExecutionListItem[]> {
  const all: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000, nextToken }));
    all.push(...(out.executions ?? []));
    nextToken = out.nextToken;
  } while (nextToken);
  return all;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
