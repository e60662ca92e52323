/**
 * The CCHRS access request, driven as the agency administrator, the CCHRS unit and the employee
 * would (test/e2e/access-request.test.ts does the same through e-mailed links): POST
 * /access-requests; the unit approves on POST /tasks/{id}/decision as soon as the review task is
 * opened; the agency attests the trainings the same way; the unit records both CJIS Online
 * completions on POST /access-requests/{id}/training-verification; the temporary password is
 * issued. That is a level's item. Its life then ends with the employee's first login and the
 * 24-hour Wait (the manual clock is advanced, only in the counted and warm-up runs, when no
 * other request waits).
 */
import { performance } from 'node:perf_hooks';
import type { BenchRuntime, WorkflowDriver } from './embedded';
import { Marks, openedTaskId, postDecision, sleep, type Invocation } from './observe';
import { countStatuses, statusFrom } from './stats';

const ORI = 'CT0000100';
const UNIT = 'cchrs.unit@dpscs.ct.example';
const ADMIN = 'admin@nhpd.ct.example';
const DAY = 24 * 3600 * 1000;
const JUSTIFICATION = 'Supervises the records unit that runs criminal history checks for pistol permit applicants and court-ordered background investigations.';

type Mark =
  | 'post'
  | 'accepted202'
  | 'reviewOpened'
  | 'reviewSent'
  | 'reviewAnswered'
  | 'attestationOpened'
  | 'attestationSent'
  | 'attestationAnswered'
  | 'verificationOpened'
  | 'verificationSent'
  | 'verificationAnswered'
  | 'passwordIssued'
  | 'checked';

export const ACCESS_STEPS = {
  intake: 'intake: POST /access-requests → 202',
  review: 'load + open review task',
  reviewCall: 'unit approves: POST /tasks/{id}/decision → 200',
  attestation: 'assign trainings + open attestation task',
  attestationCall: 'agency attests: POST /tasks/{id}/decision → 200',
  verification: 'record attestation + open verification task',
  verificationCall: 'unit verifies: POST …/training-verification → 200',
  password: 'check evidence + issue temporary password',
  endToEnd: 'end to end: POST → TEMPORARY_PASSWORD_ISSUED',
} as const;
type Step = keyof typeof ACCESS_STEPS;

export class AccessDriver implements WorkflowDriver<Step> {
  readonly workflow = 'access' as const;
  readonly unit = 'request';
  readonly steps = ACCESS_STEPS;
  readonly automated: readonly Step[] = ['intake', 'review', 'reviewCall', 'attestation', 'attestationCall', 'verification', 'verificationCall', 'password'];
  /** Review, attestation, verification: three tasks opened and decided. */
  readonly humanTasks = 3;
  private readonly marks = new Marks<Mark>();
  private admin = '';
  private unitToken = '';
  /** Stop at the review task (memory runs). */
  parkAtReview = false;

  constructor(private readonly bench: BenchRuntime) {}

  async init(): Promise<void> {
    const rt = this.bench.runtime;
    this.admin = await rt.mintToken({ roles: ['agency-admin'], ori: ORI, username: 'bench-admin', email: ADMIN });
    this.unitToken = await rt.mintToken({ roles: ['unit'], username: 'bench-unit', email: UNIT });
    this.bench.watch.listen((inv) => this.observe(inv));
  }

  private observe(inv: Invocation): void {
    const e = (inv.event ?? {}) as { requestId?: string; subject?: { id?: string }; workflow?: string; step?: string; executionArn?: string };
    switch (inv.name) {
      case 'tasks-notify': {
        if (e.workflow !== 'access-request') return;
        const key = ({ 'business-need-review': 'reviewOpened', 'training-attestation': 'attestationOpened', 'training-verification': 'verificationOpened' } as const)[e.step ?? ''];
        if (key) this.marks.set(e.subject?.id, key, inv.ended, { [key]: openedTaskId(inv) ?? '', executionArn: e.executionArn ?? '' });
        return;
      }
      case 'access-issue-password':
        return this.marks.set(e.requestId, 'passwordIssued', inv.ended);
      case 'access-check-activation':
        return this.marks.set(e.requestId, 'checked', inv.ended);
      default:
        return;
    }
  }

  private post(path: string, token: string | undefined, body: unknown): Promise<Response> {
    return fetch(`${this.bench.runtime.endpoints.api}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' } });
  }

  private employee(tag: string) {
    return { fullName: `Jordan ${tag} Rivera`, email: `jordan.${tag.toLowerCase()}@nhpd.ct.example`, jobTitle: 'Records Supervisor' };
  }

  private task(id: string, key: Mark): string {
    const taskId = this.marks.get(id)?.data?.[key];
    if (!taskId) throw new Error(`request ${id}: no task from ${key}`);
    return taskId;
  }

  async one(tag: string): Promise<string> {
    const api = this.bench.runtime.endpoints.api;
    const t0 = performance.now();
    const employee = this.employee(`b${tag}`);
    const res = await this.post('/access-requests', this.admin, { employee, ori: ORI, justification: JUSTIFICATION });
    const t1 = performance.now();
    if (res.status !== 202) throw new Error(`POST /access-requests ${tag}: ${res.status} ${await res.text()}`);
    const { requestId } = (await res.json()) as { requestId: string };
    this.marks.set(requestId, 'post', t0);
    this.marks.set(requestId, 'accepted202', t1);
    if (!this.parkAtReview) this.emails.set(requestId, employee.email);
    await this.marks.until(requestId, 'reviewOpened');
    if (this.parkAtReview) return requestId;

    this.marks.set(requestId, 'reviewSent');
    await postDecision(api, this.unitToken, this.task(requestId, 'reviewOpened'), { choice: 'approve' });
    this.marks.set(requestId, 'reviewAnswered');
    await this.marks.until(requestId, 'attestationOpened');

    this.marks.set(requestId, 'attestationSent');
    await postDecision(api, this.admin, this.task(requestId, 'attestationOpened'), { choice: 'attest' });
    this.marks.set(requestId, 'attestationAnswered');
    await this.marks.until(requestId, 'verificationOpened');

    const day = (offset: number) => new Date(this.bench.runtime.clock.now() - offset * DAY).toISOString().slice(0, 10);
    const modules = [
      { module: 'security-awareness', evidence: 'cjis-online', completedOn: day(3), recordId: `CJIS-SA-${tag}` },
      { module: 'cchrs-ngi', evidence: 'cjis-online', completedOn: day(2), recordId: `CJIS-NGI-${tag}` },
    ];
    this.marks.set(requestId, 'verificationSent');
    for (let attempt = 0; ; attempt++) {
      const v = await this.post(`/access-requests/${requestId}/training-verification`, this.unitToken, { modules });
      if (v.status === 200) {
        await v.arrayBuffer();
        break;
      }
      if (v.status !== 503 || attempt >= 50) throw new Error(`training verification ${requestId}: ${v.status} ${await v.text()}`);
      await v.arrayBuffer();
      await sleep(20);
    }
    this.marks.set(requestId, 'verificationAnswered');
    await this.marks.until(requestId, 'passwordIssued');
    return requestId;
  }

  latencies(id: string): Record<Step, number> {
    const m = this.marks.get(id) as Required<Record<Mark, number>>;
    return {
      intake: m.accepted202 - m.post,
      review: m.reviewOpened - m.accepted202,
      reviewCall: m.reviewAnswered - m.reviewSent,
      attestation: m.attestationOpened - m.reviewAnswered,
      attestationCall: m.attestationAnswered - m.attestationSent,
      verification: m.verificationOpened - m.attestationAnswered,
      verificationCall: m.verificationAnswered - m.verificationSent,
      password: m.passwordIssued - m.verificationAnswered,
      endToEnd: m.passwordIssued - m.post,
    };
  }

  /**
   * The employee logs in with the temporary password from the e-mail, then the 24-hour Wait is
   * passed by advancing the manual clock: the request becomes ACTIVE. Advancing the clock moves
   * every waiting execution, so this runs only when no other request waits.
   */
  async finish(id: string): Promise<void> {
    const mails = (await (await fetch(`${this.bench.runtime.endpoints.mailbox}/store`, { headers: { 'X-Ciss-Local-Secret': this.bench.runtime.localSecret } })).json()) as { emails: { destination: { to: string[] }; subject: string; body: { text?: string } }[] };
    const email = this.emails.get(id) ?? '';
    const mail = mails.emails.filter((m) => m.destination.to.includes(email) && m.subject.includes('temporary password')).at(-1);
    const temporary = /^Temporary password: (\S+)$/m.exec(mail?.body.text ?? '')?.[1];
    if (!temporary) throw new Error(`request ${id}: no temporary password mailed to ${email}`);
    const login = await this.post('/auth/first-login', undefined, { email, temporaryPassword: temporary, newPassword: 'Granite-Harbor-Lantern-42' });
    if (login.status !== 200) throw new Error(`first login ${id}: ${login.status} ${await login.text()}`);
    await this.bench.quiesce();
    await this.bench.runtime.clock.advance(DAY + 1000);
    await this.marks.until(id, 'checked');
  }

  private readonly emails = new Map<string, string>();

  executionArn(id: string): string {
    return this.marks.get(id)?.data?.['executionArn'] ?? '';
  }

  async statusChanges(id: string): Promise<string[]> {
    const res = await fetch(`${this.bench.runtime.endpoints.api}/access-requests/${id}`, { headers: { Authorization: `Bearer ${this.unitToken}` } });
    const view = (await res.json()) as { timeline?: { status?: string }[] };
    return (view.timeline ?? []).map((t) => t.status).filter((s): s is string => Boolean(s));
  }

  statuses(ids: readonly string[]): Promise<Record<string, number>> {
    return countStatuses(ids, async (id) => statusFrom(await fetch(`${this.bench.runtime.endpoints.api}/access-requests/${id}`, { headers: { Authorization: `Bearer ${this.unitToken}` } })));
  }

  ids(): string[] {
    return this.marks.ids();
  }

  forget(id: string): void {
    this.marks.delete(id);
    this.emails.delete(id);
  }
}
