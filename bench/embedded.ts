/**
 * The arrest workflow on the embedded runtime, driven as an agency RMS and a court clerk would:
 * POST /arrests, the clerk's decision on POST /tasks/{id}/decision, and the packet reaching
 * AVAILABLE. Real SDK clients and HTTP only; the runtime is watched through its public
 * `lambda.observer` hook (the one the e2e harness reads task tokens from).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import type { FunctionName } from '../infra/manifest';
import type { LocalRuntime } from '../infra/local/runtime';
import { pool, summarize, type Summary } from './stats';

const ORI = 'CT0000100';
const DAY = 24 * 3600 * 1000;
const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/arrests/custodial.json', import.meta.url), 'utf8')) as Packet;

type Packet = Record<string, unknown> & {
  incidentNumber: string;
  arrest: { activityDateTime: string };
  arraignmentDate: string;
  charges: { chargeSequenceID: number }[];
};

/** Real-time marks (performance.now(), ms) of one packet. */
interface Marks {
  post?: number;
  accepted202?: number;
  validateInvoked?: number;
  clerkTaskInvoked?: number;
  decisionSent?: number;
  decisionAnswered?: number;
  recordAcceptedInvoked?: number;
  transmitInvoked?: number;
  notifyAgencyInvoked?: number;
  makeAvailableInvoked?: number;
  /** AwaitAdjudication's Lambda is invoked: MakeAvailable has returned, the packet is AVAILABLE. */
  availableReached?: number;
  clerkExecutionArn?: string;
}

export const STEPS = {
  intake: 'intake: POST /arrests → 202',
  validation: 'validation: 202 → clerk task opened',
  clerk: 'clerk (excluded): task opened → decision posted',
  decisionCall: '  of which POST /tasks/{id}/decision → 200',
  transmit: 'accept + transmit to CMS',
  available: 'notify agency + AVAILABLE',
  automated: 'automated total (excl. clerk)',
  endToEnd: 'end to end: POST → AVAILABLE',
} as const;
export type Step = keyof typeof STEPS;

export interface LevelResult {
  readonly concurrency: number;
  readonly packets: number;
  readonly seconds: number;
  readonly packetsPerSecond: number;
  readonly latencyMs: Record<Step, Summary>;
  readonly lambdaInvocationsPerPacket: Record<string, number>;
  readonly decisionRetries: number;
}

export class ArrestDriver {
  private readonly marks = new Map<string, Marks>();
  private readonly waiting = new Map<string, { key: keyof Marks; resolve: () => void }[]>();
  private rms = '';
  private clerk = '';
  private judicial = '';
  private decisionRetries = 0;

  constructor(private readonly runtime: LocalRuntime, private readonly sfn: SFNClient) {}

  async init(): Promise<void> {
    this.rms = await this.runtime.mintToken({ roles: ['agency-rms'], ori: ORI, username: 'bench-rms' });
    this.clerk = await this.runtime.mintToken({ roles: ['court-clerk'], username: 'clerk.ga23@jud.ct.example' });
    this.judicial = await this.runtime.mintToken({ roles: ['judicial'], username: 'bench-judge' });
    this.runtime.lambda.observer = (name, event) => this.observe(name, event);
  }

  private observe(name: FunctionName, event: unknown): void {
    const now = performance.now();
    const e = (event ?? {}) as { packetId?: string; subject?: { id?: string }; to?: string; kind?: string; workflow?: string; executionArn?: string };
    const set = (packetId: string | undefined, key: keyof Marks, value: number | string = now): void => {
      if (!packetId) return;
      const m = this.marks.get(packetId) ?? {};
      if (m[key] === undefined) (m as Record<string, unknown>)[key] = value;
      this.marks.set(packetId, m);
      const waiters = this.waiting.get(packetId) ?? [];
      for (const w of waiters.filter((x) => x.key === key)) w.resolve();
      this.waiting.set(packetId, waiters.filter((x) => x.key !== key));
    };
    switch (name) {
      case 'arrests-validate':
        return set(e.packetId, 'validateInvoked');
      case 'tasks-notify':
        if (e.workflow !== 'arrest-packet') return;
        set(e.subject?.id, 'clerkExecutionArn', e.executionArn ?? '');
        return set(e.subject?.id, 'clerkTaskInvoked');
      case 'arrests-record':
        if (e.to === 'ACCEPTED') return set(e.packetId, 'recordAcceptedInvoked');
        if (e.to === 'AVAILABLE') return set(e.packetId, 'makeAvailableInvoked');
        return;
      case 'arrests-transmit':
        return set(e.packetId, 'transmitInvoked');
      case 'arrests-notify-agency':
        if (e.kind === 'processed') set(e.packetId, 'notifyAgencyInvoked');
        return;
      case 'arrests-await-adjudication':
        return set(e.packetId, 'availableReached');
      default:
        return;
    }
  }

  private until(packetId: string, key: keyof Marks, timeoutMs = 60_000): Promise<void> {
    if (this.marks.get(packetId)?.[key] !== undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`packet ${packetId}: no ${key} within ${timeoutMs} ms`)), timeoutMs);
      const entry = { key, resolve: () => (clearTimeout(timer), resolve()) };
      this.waiting.set(packetId, [...(this.waiting.get(packetId) ?? []), entry]);
    });
  }

  private api(path: string, token: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.runtime.endpoints.api}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  }

  packet(incident: string): Packet {
    const p = structuredClone(fixture);
    const now = this.runtime.clock.now();
    p.incidentNumber = incident;
    p.arrest.activityDateTime = new Date(now - 2 * 3600 * 1000).toISOString();
    p.arraignmentDate = new Date(now + 2 * DAY).toISOString().slice(0, 10);
    return p;
  }

  /** One packet from POST to AVAILABLE, the clerk accepting through the tasks API. */
  async process(incident: string): Promise<string> {
    const body = JSON.stringify(this.packet(incident));
    const t0 = performance.now();
    const res = await this.api('/arrests', this.rms, { method: 'POST', body });
    const t1 = performance.now();
    if (res.status !== 202) throw new Error(`POST /arrests ${incident}: ${res.status} ${await res.text()}`);
    const { packetId } = (await res.json()) as { packetId: string };
    const m = this.marks.get(packetId) ?? {};
    m.post = t0;
    m.accepted202 = t1;
    this.marks.set(packetId, m);

    await this.until(packetId, 'clerkTaskInvoked');
    await this.decide(packetId);
    await this.until(packetId, 'availableReached');
    return packetId;
  }

  /**
   * The clerk: once the execution has parked on the review (TaskSubmitted is its last event; the
   * task's id is in that event's output), accept on the tasks API. Polls every 10 ms.
   */
  private async decide(packetId: string): Promise<void> {
    const executionArn = this.marks.get(packetId)?.clerkExecutionArn ?? '';
    const deadline = Date.now() + 60_000;
    let taskId: string | undefined;
    while (!taskId) {
      if (Date.now() > deadline) throw new Error(`packet ${packetId}: the clerk review never parked`);
      const events = (await this.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }))).events ?? [];
      const last = events[0];
      if (last?.type === 'TaskSubmitted') {
        const output = JSON.parse(last.taskSubmittedEventDetails?.output ?? '{}') as { taskId?: string; Payload?: { taskId?: string } };
        taskId = output.taskId ?? output.Payload?.taskId;
        if (!taskId) throw new Error(`packet ${packetId}: no task id in ${last.taskSubmittedEventDetails?.output}`);
      } else await sleep(10);
    }
    const m = this.marks.get(packetId) as Marks;
    m.decisionSent = performance.now();
    for (let attempt = 0; ; attempt++) {
      const res = await this.api(`/tasks/${encodeURIComponent(taskId)}/decision`, this.clerk, { method: 'POST', body: JSON.stringify({ choice: 'accept' }) });
      if (res.status === 200) break;
      // 503: the decision could not be handed over yet (not recorded); the API says to try again.
      if (res.status !== 503 || attempt >= 20) throw new Error(`packet ${packetId}: decision ${res.status} ${await res.text()}`);
      this.decisionRetries++;
      await sleep(20);
    }
    m.decisionAnswered = performance.now();
  }

  /** Runs `packets` packets at `concurrency`, and summarizes their marks. */
  async level(tag: string, concurrency: number, packets: number): Promise<LevelResult> {
    const before = new Map(this.runtime.lambda.invocations);
    const retriesBefore = this.decisionRetries;
    const ids: string[] = [];
    const start = performance.now();
    await pool(packets, concurrency, async (i) => {
      ids.push(await this.process(`bench-${tag}-${String(i).padStart(4, '0')}`));
    });
    const seconds = (performance.now() - start) / 1000;

    const per: Record<Step, number[]> = { intake: [], validation: [], clerk: [], decisionCall: [], transmit: [], available: [], automated: [], endToEnd: [] };
    for (const id of ids) {
      const m = this.marks.get(id) as Required<Marks>;
      const intake = m.accepted202 - m.post;
      const validation = Math.max(0, m.clerkTaskInvoked - m.accepted202);
      const transmit = m.notifyAgencyInvoked - m.recordAcceptedInvoked;
      const available = m.availableReached - m.notifyAgencyInvoked;
      per.intake.push(intake);
      per.validation.push(validation);
      per.clerk.push(m.decisionAnswered - m.clerkTaskInvoked);
      per.decisionCall.push(m.decisionAnswered - m.decisionSent);
      per.transmit.push(transmit);
      per.available.push(available);
      per.automated.push(intake + validation + transmit + available);
      per.endToEnd.push(m.availableReached - m.post);
    }
    const invocations: Record<string, number> = {};
    for (const [name, count] of this.runtime.lambda.invocations) {
      const delta = count - (before.get(name) ?? 0);
      if (delta > 0) invocations[name] = Math.round((delta / packets) * 100) / 100;
    }
    return {
      concurrency,
      packets,
      seconds,
      packetsPerSecond: packets / seconds,
      latencyMs: Object.fromEntries(Object.entries(per).map(([k, v]) => [k, summarize(v)])) as Record<Step, Summary>,
      lambdaInvocationsPerPacket: invocations,
      decisionRetries: this.decisionRetries - retriesBefore,
    };
  }

  /** Checks on the API (not timed) that every packet of the run reads AVAILABLE. */
  async statuses(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    const ids = [...this.marks.entries()].filter(([, m]) => m.post !== undefined).map(([id]) => id);
    await pool(ids.length, 8, async (i) => {
      const res = await this.api(`/arrests/${ids[i]}`, this.rms);
      const status = res.status === 200 ? ((await res.json()) as { status: string }).status : `HTTP ${res.status}`;
      counts[status] = (counts[status] ?? 0) + 1;
    });
    return counts;
  }

  /**
   * State transitions of one packet: StateEntered events through AVAILABLE (parked at
   * AwaitAdjudication), then after the adjudication is posted and the execution has ended.
   */
  async transitions(incident: string): Promise<{ throughAvailable: number; fullLife: number; status: string; lambdaInvocations: Record<string, number>; states: string[] }> {
    const before = new Map(this.runtime.lambda.invocations);
    const packetId = await this.process(incident);
    const executionArn = this.marks.get(packetId)?.clerkExecutionArn ?? '';
    const parked = await this.waitFor(async () => {
      const events = await this.history(executionArn);
      return events.at(-1)?.type === 'TaskSubmitted' && events.some((e) => e.stateEnteredEventDetails?.name === 'AwaitAdjudication') ? events : undefined;
    });
    const throughAvailable = parked.filter((e) => e.type?.endsWith('StateEntered')).length;

    const charges = this.packet(incident).charges;
    const date = new Date(this.runtime.clock.now()).toISOString().slice(0, 10);
    const res = await this.api(`/arrests/${packetId}/adjudication`, this.judicial, {
      method: 'POST',
      body: JSON.stringify({ dispositions: charges.map((c) => ({ chargeSequenceID: c.chargeSequenceID, disposition: 'guilty', dispositionDate: date })) }),
    });
    if (res.status !== 202) throw new Error(`adjudication: ${res.status} ${await res.text()}`);
    const done = await this.waitFor(async () => {
      const out = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
      return out.status === 'RUNNING' ? undefined : out;
    });
    const all = await this.history(executionArn);
    const entered = all.filter((e) => e.type?.endsWith('StateEntered'));
    const invocations: Record<string, number> = {};
    for (const [name, count] of this.runtime.lambda.invocations) if (count - (before.get(name) ?? 0) > 0) invocations[name] = count - (before.get(name) ?? 0);
    return { throughAvailable, fullLife: entered.length, status: done.status ?? '?', lambdaInvocations: invocations, states: entered.map((e) => e.stateEnteredEventDetails?.name ?? '?') };
  }

  private async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
      events.push(...(out.events ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    return events;
  }

  private async waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await probe();
      if (value !== undefined) return value;
      await sleep(25);
    }
    throw new Error('timed out');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
