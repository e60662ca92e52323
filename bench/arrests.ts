/**
 * The arrest workflow, driven as an agency RMS and a court clerk would: POST /arrests, the
 * clerk's decision on POST /tasks/{id}/decision as soon as the review task is opened, and the
 * packet reaching AVAILABLE. Real SDK clients and HTTP only; the runtime is watched through its
 * Lambda calls (observe.ts).
 */
import { performance } from 'node:perf_hooks';
import type { BenchRuntime, WorkflowDriver } from './embedded';
import { Marks, openedTaskId, postDecision, type Invocation } from './observe';
import { custodialPacket, type ArrestPacket } from '../drive/arrest-packet';
import { countStatuses, statusFrom } from './stats';

const ORI = 'CT0000100';
type Packet = ArrestPacket;

type Mark = 'post' | 'accepted202' | 'clerkTaskOpened' | 'decisionSent' | 'decisionAnswered' | 'recordAcceptedInvoked' | 'notifyAgencyInvoked' | 'availableReached' | 'historical';

export const ARREST_STEPS = {
  intake: 'intake: POST /arrests → 202',
  validation: 'validate + open clerk task',
  decisionCall: 'clerk decision: POST /tasks/{id}/decision → 200',
  transmit: 'accept + transmit to CMS',
  available: 'notify agency + AVAILABLE',
  endToEnd: 'end to end: POST → AVAILABLE',
} as const;
type Step = keyof typeof ARREST_STEPS;

export class ArrestDriver implements WorkflowDriver<Step> {
  readonly workflow = 'arrest' as const;
  readonly unit = 'packet';
  readonly steps = ARREST_STEPS;
  readonly automated: readonly Step[] = ['intake', 'validation', 'decisionCall', 'transmit', 'available'];
  /** The clerk's review: one task opened, one decision. */
  readonly humanTasks = 1;
  private readonly marks = new Marks<Mark>();
  private rms = '';
  private clerk = '';
  private judicial = '';

  constructor(private readonly bench: BenchRuntime) {}

  async init(): Promise<void> {
    const rt = this.bench.runtime;
    this.rms = await rt.mintToken({ roles: ['agency-rms'], ori: ORI, username: 'bench-rms' });
    this.clerk = await rt.mintToken({ roles: ['court-clerk'], courts: ['GA23'], username: 'clerk.ga23@jud.ct.example' });
    this.judicial = await rt.mintToken({ roles: ['judicial'], username: 'bench-judge' });
    this.bench.watch.listen((inv) => this.observe(inv));
  }

  private observe(inv: Invocation): void {
    const e = (inv.event ?? {}) as { packetId?: string; subject?: { id?: string }; to?: string; kind?: string; workflow?: string; executionArn?: string };
    switch (inv.name) {
      case 'tasks-notify':
        if (e.workflow === 'arrest-packet') this.marks.set(e.subject?.id, 'clerkTaskOpened', inv.ended, { taskId: openedTaskId(inv) ?? '', executionArn: e.executionArn ?? '' });
        return;
      case 'arrests-record':
        if (e.to === 'ACCEPTED') this.marks.set(e.packetId, 'recordAcceptedInvoked', inv.started);
        if (e.to === 'HISTORICAL') this.marks.set(e.packetId, 'historical', inv.ended);
        return;
      case 'arrests-notify-agency':
        if (e.kind === 'processed') this.marks.set(e.packetId, 'notifyAgencyInvoked', inv.started);
        return;
      case 'arrests-await-adjudication':
        // The first wait makes the packet AVAILABLE in the write that registers it: AVAILABLE once it returned.
        return this.marks.set(e.packetId, 'availableReached', inv.ended);
      default:
        return;
    }
  }

  /** POST /arrests sent again after a 5xx or 429. */
  retries = 0;

  private api(path: string, token: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.bench.runtime.endpoints.api}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  }

  packet(incident: string): Packet {
    return custodialPacket(incident, this.bench.runtime.clock.now());
  }

  async one(tag: string): Promise<string> {
    const body = JSON.stringify(this.packet(`bench-${tag}`));
    const t0 = performance.now();
    // An agency sends again after a 5xx or 429, as the soak's driver does (the incident number
    // makes it the same packet): one slow Lambda at concurrency 100 must not stop the bench.
    let res = await this.api('/arrests', this.rms, { method: 'POST', body });
    for (let attempt = 1; attempt < 5 && (res.status >= 500 || res.status === 429); attempt++) {
      await res.arrayBuffer();
      this.retries++;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      res = await this.api('/arrests', this.rms, { method: 'POST', body });
    }
    const t1 = performance.now();
    if (res.status !== 202) throw new Error(`POST /arrests ${tag}: ${res.status} ${await res.text()}`);
    const { packetId } = (await res.json()) as { packetId: string };
    this.marks.set(packetId, 'post', t0);
    this.marks.set(packetId, 'accepted202', t1);
    await this.marks.until(packetId, 'clerkTaskOpened');
    const taskId = this.marks.get(packetId)?.data?.['taskId'];
    if (!taskId) throw new Error(`packet ${packetId}: the clerk task did not open`);
    this.marks.set(packetId, 'decisionSent');
    await postDecision(this.bench.runtime.endpoints.api, this.clerk, taskId, { choice: 'accept' });
    this.marks.set(packetId, 'decisionAnswered');
    await this.marks.until(packetId, 'availableReached');
    return packetId;
  }

  latencies(id: string): Record<Step, number> {
    const m = this.marks.get(id) as Required<Record<Mark, number>>;
    return {
      intake: m.accepted202 - m.post,
      validation: Math.max(0, m.clerkTaskOpened - m.accepted202),
      decisionCall: m.decisionAnswered - m.decisionSent,
      // From the decision's answer (the callback was handed over) to transmit's end.
      transmit: m.notifyAgencyInvoked - m.decisionAnswered,
      available: m.availableReached - m.notifyAgencyInvoked,
      endToEnd: m.availableReached - m.post,
    };
  }

  /** Adjudication by the judicial branch, then the packet becomes HISTORICAL. */
  async finish(id: string): Promise<void> {
    // The charges every bench packet carries (they are all the same fixture).
    const { charges } = custodialPacket('charges', 0);
    const date = new Date(this.bench.runtime.clock.now()).toISOString().slice(0, 10);
    const res = await this.api(`/arrests/${id}/adjudication`, this.judicial, {
      method: 'POST',
      body: JSON.stringify({ dispositions: charges.map((c) => ({ chargeSequenceID: c.chargeSequenceID, disposition: 'guilty', dispositionDate: date })) }),
    });
    if (res.status !== 202) throw new Error(`adjudication: ${res.status} ${await res.text()}`);
    await this.marks.until(id, 'historical');
  }

  executionArn(id: string): string {
    return this.marks.get(id)?.data?.['executionArn'] ?? '';
  }

  async statusChanges(id: string): Promise<string[]> {
    const res = await this.api(`/arrests/${id}`, this.rms);
    const view = (await res.json()) as { timeline?: { details?: { to?: string } }[] };
    return (view.timeline ?? []).map((t) => t.details?.to).filter((s): s is string => Boolean(s));
  }

  statuses(ids: readonly string[]): Promise<Record<string, number>> {
    return countStatuses(ids, async (id) => statusFrom(await this.api(`/arrests/${id}`, this.rms)));
  }

  ids(): string[] {
    return this.marks.ids();
  }

  forget(id: string): void {
    this.marks.delete(id);
  }
}
