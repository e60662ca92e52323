/**
 * CISS Search certification (issue 17) on fake ports: the exam rules (pass mark, retake wait,
 * attempts), the Security Awareness rule, the request, the exam result from either channel,
 * the grant with its expiry, and the lapse that suspends the role.
 */
import type { AuditEvent } from '#shared/audit';
import type { Email } from '#shared/adapters/mailer';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '#shared/errors';
import type { Caller } from '#shared/http';
import type { Role } from '#shared/roles';
import type { CertificationView, TimelineEntry } from '../../functions/certification/adapters/store';
import { awarenessOf, awarenessReminder, type AwarenessFacts } from '../../functions/certification/domain/awareness';
import type { Certification, CertificationStatus, ExamResult } from '../../functions/certification/domain/certification';
import { attemptRefusal, judgeAttempt, type ExamRules } from '../../functions/certification/domain/exam';
import { rolesHeld, type RoleGrant } from '../../functions/certification/domain/grant';
import type { Acting, RoleGrants, Store } from '../../functions/certification/ports';
import { createCertification } from '../../functions/certification/use-cases/create';
import { recordAwareness } from '../../functions/certification/use-cases/awareness';
import { myCertification, readCertification } from '../../functions/certification/use-cases/read';
import { recordExamResult, type ExamReporter, type RecordExamPorts } from '../../functions/certification/use-cases/record-exam';
import { advanceCertification, examOutcome, grantSearchRole, lapseCertification, type StepPorts } from '../../functions/certification/use-cases/steps';
import type { Task } from '../../functions/tasks/domain/task';
import type { DecideResult } from '../../functions/tasks/domain/use-cases';
import { aTask } from './task-fixtures';

const RULES: ExamRules = { passMark: 80, retakeWaitHours: 24, maxAttempts: 3 };
const ORI = 'CT0000100';
const CREATED = '2026-11-30T09:00:00.000Z';
const ID = 'SC-20261130-00000000AA';
const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.parse(CREATED) + hours * HOUR).toISOString();
const source = { ip: '203.0.113.7', userAgent: 'jest' };
const caller = (overrides: Partial<Caller> = {}): Caller => ({ sub: 's', username: 'nhpd-admin', email: 'admin@nhpd.ct.example', roles: ['agency-admin'], ori: ORI, courts: [], ...overrides });
const acting = (overrides: Partial<Caller> = {}): Acting => ({ caller: caller(overrides), source });
const provider: ExamReporter = { id: 'client:provider', channel: 'api', reporter: 'provider' };
const unitMember: ExamReporter = { id: 'cchrs-unit', channel: 'api', reporter: 'unit' };

function aCertification(overrides: Partial<Certification> = {}): Certification {
  return {
    certificationId: ID,
    status: 'TRAINING_ASSIGNED',
    ori: ORI,
    employee: { fullName: 'Jordan Rivera', email: 'jordan.rivera@nhpd.ct.example' },
    requestedBy: { username: 'nhpd-admin', email: 'admin@nhpd.ct.example' },
    awareness: { requestId: 'AR-20261101-00000000AA', completedOn: '2026-11-01', recordId: 'CJIS-SA-1' },
    rules: RULES,
    attempts: [],
    createdAt: CREATED,
    updatedAt: CREATED,
    ...overrides,
  };
}

const activeAccount: AwarenessFacts = {
  account: { status: 'ACTIVE', requestId: 'AR-20261101-00000000AA' },
  request: { requestId: 'AR-20261101-00000000AA', ori: ORI, training: { 'security-awareness': { completedOn: '2026-11-01', recordId: 'CJIS-SA-1' } } },
};

/** An in-memory store keeping the DynamoDB one's conditions: one open per e-mail, a status among `from`, the attempts seen. */
class FakeStore implements Store {
  readonly items = new Map<string, Certification>();
  readonly open = new Map<string, string>();
  readonly audits: AuditEvent[] = [];
  async get(id: string) {
    return this.items.get(id);
  }
  async create(c: Certification, audit: AuditEvent) {
    const open = this.open.get(c.employee.email);
    if (c.renews ? open !== c.renews : open) throw new Conflict('open', { openCertificationId: open });
    this.items.set(c.certificationId, c);
    this.open.set(c.employee.email, c.certificationId);
    this.audits.push(audit);
  }
  async transition(c: Certification, from: readonly CertificationStatus[], to: CertificationStatus, fields: Partial<Certification>, audit: AuditEvent, updatedAt: string, attemptsSeen?: number) {
    const stored = this.items.get(c.certificationId);
    if (!stored || !from.includes(stored.status) || (attemptsSeen !== undefined && stored.attempts.length !== attemptsSeen)) return false;
    this.items.set(c.certificationId, { ...stored, ...fields, status: to, updatedAt });
    if (['ATTEMPTS_EXHAUSTED', 'REQUEST_EXPIRED', 'LAPSED', 'RENEWED'].includes(to) && this.open.get(stored.employee.email) === c.certificationId) this.open.delete(stored.employee.email);
    this.audits.push(audit);
    return true;
  }
  async timeline(): Promise<TimelineEntry[]> {
    return [];
  }
  async list(_view: CertificationView) {
    return { items: [...this.items.values()] };
  }
  async openFor(email: string) {
    return this.open.get(email);
  }
}

/** The exam task: open while `open`, decided through `decide`, which records each decision. */
function examTask(store: FakeStore, now: () => string) {
  const state = { open: true, created: CREATED, taskId: 'task-1', decisions: [] as { choice: string; comment?: string; actor: string }[] };
  const task = (): Task => aTask({ taskId: state.taskId, workflow: 'search-certification', step: 'exam', subject: { type: 'search-certification', id: ID, title: 't', facts: [] }, createdAt: state.created, status: state.open ? 'PENDING' : 'DECIDED' });
  const ports: RecordExamPorts = {
    store,
    audit: async (e) => void store.audits.push(e),
    now,
    tasks: { currentFor: async () => ({ task: task() }), get: async () => ({ task: task(), sealedToken: 'sealed' }) },
    decide: async (t, _s, choice, comment, actor): Promise<DecideResult> => {
      state.decisions.push({ choice, comment, actor: actor.id });
      state.open = false;
      return { kind: 'decided', task: t, decision: { choice, comment, decidedBy: actor.id, decidedAt: now(), channel: 'api' } };
    },
  };
  /** The workflow opens the exam step again (after a failed attempt). */
  const reopen = (when: string) => {
    state.open = true;
    state.created = when;
    state.taskId = `task-${state.decisions.length + 1}`;
  };
  return { ports, state, reopen };
}

const result = (score: number, hours: number, attemptId = `att-${hours}`): ExamResult => ({ attemptId, score, takenAt: at(hours) });

describe('the exam rules', () => {
  it('passes a score at the pass mark, and fails one just below it', () => {
    expect(judgeAttempt({ score: 80, takenAt: at(1) }, 0, RULES)).toEqual({ kind: 'passed' });
    expect(judgeAttempt({ score: 79.5, takenAt: at(1) }, 0, RULES)).toEqual({ kind: 'failed', retakeAt: at(25), attemptsLeft: 2 });
  });

  it('allows a retake the configured wait after the failed attempt, counting the attempts left', () => {
    expect(judgeAttempt({ score: 40, takenAt: at(30) }, 1, { ...RULES, retakeWaitHours: 48 })).toEqual({ kind: 'failed', retakeAt: at(78), attemptsLeft: 1 });
  });

  it('ends when the last attempt allowed fails', () => {
    expect(judgeAttempt({ score: 79, takenAt: at(60) }, 2, RULES)).toEqual({ kind: 'exhausted' });
    expect(judgeAttempt({ score: 10, takenAt: at(1) }, 0, { ...RULES, maxAttempts: 1 })).toEqual({ kind: 'exhausted' });
  });

  it('refuses a retake taken before the wait is over, and accepts one at its first moment', () => {
    const c = aCertification({ status: 'RETAKE_ALLOWED', retakeAt: at(25), attempts: [{ ...result(50, 1), passed: false, recordedBy: 'x', channel: 'provider', recordedAt: at(1), taskId: 'task-0' }] });
    expect(attemptRefusal(c, { takenAt: at(24.9) }, at(30))).toMatchObject({ kind: 'conflict', reason: 'retake-too-early' });
    expect(attemptRefusal(c, { takenAt: at(25) }, at(30))).toBeUndefined();
  });

  it('refuses a result in the future, one before the request, and any while no exam is awaited', () => {
    const c = aCertification();
    expect(attemptRefusal(c, { takenAt: at(5) }, at(4))).toMatchObject({ kind: 'invalid', field: 'takenAt', rule: 'must not be in the future' });
    expect(attemptRefusal(c, { takenAt: at(-1) }, at(4))).toMatchObject({ kind: 'invalid', reason: 'before-request' });
    for (const status of ['RECEIVED', 'EXAM_PASSED', 'CERTIFIED', 'ATTEMPTS_EXHAUSTED', 'LAPSED'] as const) {
      expect(attemptRefusal(aCertification({ status }), { takenAt: at(1) }, at(4))).toMatchObject({ kind: 'conflict', reason: 'not-awaited' });
    }
  });
});

describe('current Security Awareness Training', () => {
  it('is shown by an ACTIVE CCHRS account of the same agency whose module was completed within 365 days', () => {
    expect(awarenessOf(activeAccount, ORI, '2027-11-01')).toEqual({ evidence: { requestId: 'AR-20261101-00000000AA', completedOn: '2026-11-01', recordId: 'CJIS-SA-1' } });
    expect(awarenessOf(activeAccount, ORI, '2027-11-02')).toEqual({ problem: expect.stringContaining('must be current') });
  });

  it('is not shown without an active account, by another agency’s account, or without the module', () => {
    expect(awarenessOf({}, ORI, '2026-11-30')).toEqual({ problem: expect.stringContaining('ACTIVE CCHRS account') });
    expect(awarenessOf({ ...activeAccount, account: { status: 'REMOVED', requestId: 'AR-20261101-00000000AA' } }, ORI, '2026-11-30')).toEqual({ problem: expect.stringContaining('ACTIVE') });
    expect(awarenessOf(activeAccount, 'CT0000200', '2026-11-30')).toEqual({ problem: expect.stringContaining('employee of agency CT0000200') });
    expect(awarenessOf({ ...activeAccount, request: { requestId: 'AR-20261101-00000000AA', ori: ORI, training: {} } }, ORI, '2026-11-30')).toEqual({ problem: expect.stringContaining('no verified Security Awareness Training') });
  });
});

describe('requesting a certification', () => {
  const setup = (facts: AwarenessFacts = activeAccount) => {
    const store = new FakeStore();
    const started: string[] = [];
    const ports = { store, awareness: async () => facts, start: async (name: string) => void started.push(name), now: () => CREATED, newId: () => ID, rules: RULES };
    return { store, started, ports };
  };
  const body = { employee: { fullName: 'Jordan Rivera', email: 'Jordan.Rivera@nhpd.ct.example' }, ori: ORI };

  it('stores it RECEIVED with the rules in force and the training evidence, audits it and starts its workflow', async () => {
    const { store, started, ports } = setup();
    await expect(createCertification(ports, body, acting())).resolves.toMatchObject({ outcome: 'new', certificationId: ID, status: 'RECEIVED' });
    expect(store.items.get(ID)).toMatchObject({ rules: RULES, employee: { email: 'jordan.rivera@nhpd.ct.example' }, awareness: { recordId: 'CJIS-SA-1' }, attempts: [] });
    expect(store.audits).toEqual([expect.objectContaining({ type: 'SearchCertificationStatusChanged', actor: 'nhpd-admin', details: { from: null, to: 'RECEIVED', awarenessRequestId: 'AR-20261101-00000000AA' } })]);
    expect(JSON.stringify(store.audits)).not.toContain('jordan');
    expect(started).toEqual([ID]);
  });

  it('refuses another agency (403) and an employee without current Security Awareness Training (400 on employee.email)', async () => {
    await expect(createCertification(setup().ports, { ...body, ori: 'CT0000200' }, acting())).rejects.toBeInstanceOf(Forbidden);
    const refused = createCertification(setup({}).ports, body, acting());
    await expect(refused).rejects.toBeInstanceOf(ValidationFailed);
    await expect(refused).rejects.toMatchObject({ problems: [{ field: 'employee.email' }] });
  });

  it('answers the same request sent again with the stored one, and refuses a second open one (409)', async () => {
    const { ports, started } = setup();
    await createCertification(ports, body, acting());
    await expect(createCertification({ ...ports, newId: () => 'SC-20261130-00000000BB' }, body, acting())).resolves.toMatchObject({ outcome: 'retried', certificationId: ID });
    expect(started).toEqual([ID, ID]);
    await expect(createCertification({ ...ports, newId: () => 'SC-20261130-00000000CC' }, body, acting({ username: 'other-admin' }))).rejects.toBeInstanceOf(Conflict);
  });

  it('lets an agency administrator read only their agency’s certification (404 for another), the unit any', async () => {
    const store = new FakeStore();
    store.items.set(ID, aCertification());
    const ports = { store, audit: async (e: AuditEvent) => void store.audits.push(e), now: () => CREATED };
    await expect(readCertification(ports, ID, acting({ ori: 'CT0000200' }))).rejects.toBeInstanceOf(NotFound);
    await expect(readCertification(ports, ID, acting({ roles: ['unit'], ori: undefined }))).resolves.toMatchObject({ certificationId: ID, status: 'TRAINING_ASSIGNED' });
    expect(store.audits.map((a) => a.type)).toEqual(['SearchCertificationRead']);
  });
});

describe('recording exam results', () => {
  const setup = (c: Certification = aCertification()) => {
    const store = new FakeStore();
    store.items.set(c.certificationId, c);
    const clock = { now: at(2) };
    const task = examTask(store, () => clock.now);
    return { store, clock, task };
  };

  it('fails an attempt, refuses a retake before the wait, accepts one after it that passes: each kept and audited, the task decided each time', async () => {
    const { store, clock, task } = setup();
    await expect(recordExamResult(task.ports, ID, () => result(62, 1), provider)).resolves.toMatchObject({ attempt: 1, passed: false, status: 'RETAKE_ALLOWED', retakeAt: at(25), attemptsLeft: 2 });
    task.reopen(at(2));

    clock.now = at(20);
    await expect(recordExamResult(task.ports, ID, () => result(90, 19), provider)).rejects.toThrow(/A retake may be taken from .* refused/);
    expect(store.items.get(ID)?.attempts).toHaveLength(1);

    clock.now = at(30);
    await expect(recordExamResult(task.ports, ID, () => result(85, 26), unitMember)).resolves.toMatchObject({ attempt: 2, passed: true, status: 'EXAM_PASSED', retakeAt: null });
    expect(store.items.get(ID)?.attempts.map((a) => [a.score, a.passed, a.channel])).toEqual([
      [62, false, 'provider'],
      [85, true, 'unit'],
    ]);
    expect(task.state.decisions.map((d) => [d.choice, d.actor])).toEqual([
      ['recorded', 'client:provider'],
      ['recorded', 'cchrs-unit'],
    ]);
    expect(store.audits.map((a) => [a.type, a.outcome, a.details?.['score'] ?? null, a.details?.['reason'] ?? null])).toEqual([
      ['SearchExamAttemptRecorded', 'success', 62, null],
      ['SearchExamAttemptRefused', 'failure', null, 'retake-too-early'],
      ['SearchExamAttemptRecorded', 'success', 85, null],
    ]);
  });

  it('ends the certification after the last attempt allowed fails; a further result is refused', async () => {
    const failed = (n: number) => ({ ...result(50, n * 30, `att-${n}`), passed: false, recordedBy: 'p', channel: 'provider' as const, recordedAt: at(n * 30), taskId: `task-${n}` });
    const { store, clock, task } = setup(aCertification({ status: 'RETAKE_ALLOWED', attempts: [failed(1), failed(2)], retakeAt: at(84) }));
    clock.now = at(100);
    await expect(recordExamResult(task.ports, ID, () => result(79, 90), provider)).resolves.toMatchObject({ attempt: 3, passed: false, status: 'ATTEMPTS_EXHAUSTED', attemptsLeft: 0 });
    expect(store.open.size).toBe(0);
    task.reopen(at(100));
    await expect(recordExamResult(task.ports, ID, () => result(95, 99, 'att-late'), provider)).rejects.toThrow('only while the exam is awaited');
  });

  it('answers the same attempt sent again with what was recorded and writes nothing; the same id with another score is 409', async () => {
    const { store, task } = setup();
    const first = await recordExamResult(task.ports, ID, () => result(62, 1), provider);
    task.reopen(at(2));
    await expect(recordExamResult(task.ports, ID, () => result(62, 1), provider)).resolves.toEqual(first);
    expect(task.state.decisions).toHaveLength(1);
    expect(store.audits).toHaveLength(1);
    // The first call stopped before deciding its task: sending it again decides that task, once.
    const retried = setup();
    await recordExamResult({ ...retried.task.ports, decide: async () => ({ kind: 'unavailable', task: aTask() }) }, ID, () => result(62, 1), provider).catch(() => undefined);
    await recordExamResult(retried.task.ports, ID, () => result(62, 1), provider);
    expect(retried.task.state.decisions).toHaveLength(1);
    expect(retried.store.audits).toHaveLength(1);
    await expect(recordExamResult(task.ports, ID, () => result(64, 1), provider)).rejects.toBeInstanceOf(Conflict);
  });

  it('refuses a result while the exam step is not open, 404 for an unknown certification before reading the body', async () => {
    const { task, store } = setup();
    task.state.open = false;
    await expect(recordExamResult(task.ports, ID, () => result(90, 1), provider)).rejects.toThrow('not open at this moment');
    expect(store.items.get(ID)?.attempts).toHaveLength(0);
    await expect(
      recordExamResult(task.ports, 'SC-20261130-00000000FF', () => {
        throw new Error('the body is not read');
      }, provider),
    ).rejects.toBeInstanceOf(NotFound);
  });
});

function setupSteps(c: Certification, facts: AwarenessFacts = activeAccount) {
    const store = new FakeStore();
    store.items.set(c.certificationId, c);
    const sent: Email[] = [];
    const grants: RoleGrant[] = [];
    const suspended: string[] = [];
    const clock = { now: at(48) };
    const roleGrants: RoleGrants = { grant: async (g) => void grants.push(g), suspend: async (email, role, certificationId) => void suspended.push(`${email}:${role}:${certificationId}`) };
    const ports: StepPorts & { grants: RoleGrants } = { store, send: async (e) => void sent.push(e), now: () => clock.now, unitEmail: 'cchrs.unit@dpscs.ct.example', grants: roleGrants, awareness: async () => facts };
    return { store, sent, grants, suspended, clock, ports };
}

describe('the workflow steps: training, grant with expiry, reminders, lapse', () => {
  const setup = setupSteps;
  const passed = { ...result(88, 40), passed: true, recordedBy: 'p', channel: 'provider' as const, recordedAt: at(41), taskId: 'task-1' };

  it('assigns the training once, e-mailing the employee and the agency', async () => {
    const { ports, sent, store } = setup(aCertification({ status: 'RECEIVED' }));
    await advanceCertification(ports, { certificationId: ID, event: 'training-assigned' });
    await advanceCertification(ports, { certificationId: ID, event: 'training-assigned' });
    expect(store.items.get(ID)?.status).toBe('TRAINING_ASSIGNED');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toEqual(['jordan.rivera@nhpd.ct.example', 'admin@nhpd.ct.example']);
    expect(sent[0]?.text).toContain('A score of 80 or more passes; 3 attempts are allowed');
  });

  it('grants the search role for a year from the passing attempt, once, and answers the reminder times', async () => {
    const { ports, grants, store, sent } = setup(aCertification({ status: 'EXAM_PASSED', attempts: [passed] }));
    const expiresAt = new Date(Date.parse(at(40)) + 365 * 24 * HOUR).toISOString();
    const answer = await grantSearchRole(ports, ID);
    expect(answer).toEqual({ expiresAt, remind30At: new Date(Date.parse(expiresAt) - 30 * 24 * HOUR).toISOString(), remind7At: new Date(Date.parse(expiresAt) - 7 * 24 * HOUR).toISOString() });
    expect(grants).toEqual([{ email: 'jordan.rivera@nhpd.ct.example', role: 'search', certificationId: ID, grantedAt: at(48), expiresAt, status: 'ACTIVE' }]);
    expect(store.items.get(ID)).toMatchObject({ status: 'CERTIFIED', expiresAt, grantedAt: at(48) });
    await expect(grantSearchRole(ports, ID)).resolves.toEqual(answer);
    expect(grants).toHaveLength(1);
    expect(sent.map((m) => m.subject)).toEqual(['CISS Search access granted: Jordan Rivera']);
    expect(await examOutcome(ports, ID)).toEqual({ outcome: 'passed' });
  });

  it('refuses to grant without a pass', async () => {
    const { ports, grants } = setup(aCertification({ status: 'RETAKE_ALLOWED', attempts: [{ ...passed, score: 10, passed: false }] }));
    await expect(grantSearchRole(ports, ID)).rejects.toBeInstanceOf(Conflict);
    expect(grants).toEqual([]);
  });

  it('reminds before expiry, and at expiry suspends the role without removing anything else (LAPSED, closed)', async () => {
    const expiresAt = at(48 + 365 * 24);
    const { ports, sent, suspended, clock, store } = setup(aCertification({ status: 'CERTIFIED', attempts: [passed], expiresAt, grantedAt: at(48) }));
    await advanceCertification(ports, { certificationId: ID, event: 'renewal-reminder', daysLeft: 30 });
    expect(sent[0]?.subject).toBe('CISS Search certification expires in 30 days: Jordan Rivera');
    await expect(lapseCertification(ports, ID)).rejects.toThrow('has not lapsed');
    clock.now = expiresAt;
    await expect(lapseCertification(ports, ID)).resolves.toEqual({ status: 'LAPSED' });
    await expect(lapseCertification(ports, ID)).resolves.toEqual({ status: 'LAPSED' });
    expect(suspended).toEqual([`jordan.rivera@nhpd.ct.example:search:${ID}`]);
    expect(store.items.get(ID)?.status).toBe('LAPSED');
    expect(sent.map((m) => m.subject).at(-1)).toBe('CISS Search certification lapsed: Jordan Rivera');
  });

  it('gives a role only while its grant is active and unexpired', () => {
    const grant = (status: RoleGrant['status'], expiresAt: string, role: Role = 'search') => ({ role, status, expiresAt });
    expect(rolesHeld([grant('ACTIVE', at(10))], at(9))).toEqual(['search']);
    expect(rolesHeld([grant('ACTIVE', at(10))], at(10))).toEqual([]);
    expect(rolesHeld([grant('SUSPENDED', at(10))], at(1))).toEqual([]);
  });
});

describe('renewal: Security Awareness Training current on the renewal’s day', () => {
  const DAY = 24 * HOUR;
  const OLD = 'SC-20261130-00000000AA';
  const NEW = 'SC-20271105-00000000BB';
  /** Certified on day 2 (the pass at hour 40), expiring a year later. */
  const expiresAt = new Date(Date.parse(at(40)) + 365 * DAY).toISOString();
  const dayOf = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();
  const passed = { ...result(88, 40), passed: true, recordedBy: 'p', channel: 'provider' as const, recordedAt: at(41), taskId: 'task-1' };
  const certified = aCertification({ certificationId: OLD, status: 'CERTIFIED', attempts: [passed], grantedAt: at(48), expiresAt });
  const renewedSat = (completedOn: string): AwarenessFacts => ({ ...activeAccount, renewed: { completedOn, recordId: 'CJIS-SA-2' } });
  const body = { employee: { fullName: 'Jordan Rivera', email: 'jordan.rivera@nhpd.ct.example' }, ori: ORI };
  const creating = (facts: AwarenessFacts, now: string) => {
    const store = new FakeStore();
    store.items.set(OLD, certified);
    store.open.set(certified.employee.email, OLD);
    const started: string[] = [];
    return { store, started, ports: { store, awareness: async () => facts, start: async (name: string) => void started.push(name), now: () => now, newId: () => NEW, rules: RULES } };
  };

  it('counts the newest completion: one the unit recorded after the CCHRS account’s own', () => {
    expect(awarenessOf(renewedSat('2027-10-15'), ORI, '2027-12-01')).toEqual({ evidence: { requestId: 'AR-20261101-00000000AA', completedOn: '2027-10-15', recordId: 'CJIS-SA-2' } });
    expect(awarenessOf(renewedSat('2026-10-01'), ORI, '2027-11-20')).toEqual({ problem: expect.stringContaining('completed on 2026-11-01, more than 365 days ago') });
  });

  it('says in each reminder whether the training will be current for the renewal, and what to do', () => {
    expect(awarenessReminder(renewedSat('2027-10-15'), ORI, '2027-11-01', expiresAt)).toBe('Security Awareness Training (completed 2027-10-15 on CJIS Online) is current until 2028-10-14: the renewal can be requested now.');
    expect(awarenessReminder(activeAccount, ORI, '2027-10-31', expiresAt)).toContain('runs out on 2027-11-01, before the certification');
    expect(awarenessReminder(activeAccount, ORI, '2027-11-25', expiresAt)).toMatch(/^Security Awareness Training is not shown current today .*more than 365 days ago.*A renewal is refused until it is/);
  });

  it('sets the training against the day the certification expires in Connecticut: one expiring at 10 p.m. Eastern, already the next day in UTC, is covered by training current until that day', () => {
    // Completed 2026-11-10: current until 2027-11-10. The certification expires 2027-11-11T03:00Z, 10 p.m. on 10 November in Connecticut.
    expect(awarenessReminder(renewedSat('2026-11-10'), ORI, '2027-11-01', '2027-11-11T03:00:00.000Z')).toContain('is current until 2027-11-10: the renewal can be requested now');
    expect(awarenessReminder(renewedSat('2026-11-10'), ORI, '2027-11-01', '2027-11-11T05:00:00.000Z')).toContain('runs out on 2027-11-10, before the certification');
  });

  it('puts the training’s standing in the renewal reminders', async () => {
    const { ports, sent, clock } = setupSteps(certified, activeAccount);
    clock.now = dayOf(expiresAt, -7);
    await advanceCertification(ports, { certificationId: OLD, event: 'renewal-reminder', daysLeft: 7 });
    expect(sent[0]?.text).toContain('the agency administrator requests the renewal');
    expect(sent[0]?.text).toContain('Security Awareness Training is not shown current today');
    // 2027-12-02T01:00Z is the evening of 1 December in Connecticut.
    expect(expiresAt).toBe('2027-12-02T01:00:00.000Z');
    expect(sent[0]?.text).toContain('expires on 2027-12-01');
    expect(sent[0]?.text).not.toContain('2027-12-02');
  });

  it('refuses a renewal before its window (409 naming the first day), then opens one in it with current training', async () => {
    const early = creating(renewedSat('2027-10-15'), dayOf(expiresAt, -31));
    // It expires at 01:00 UTC on 2 December 2027, 8 p.m. on 1 December in Connecticut: the dates a person reads are Connecticut's.
    await expect(createCertification(early.ports, body, acting())).rejects.toThrow(`holds CISS Search certification ${OLD} until 2027-12-01; its renewal may be requested from 2027-11-01 (30 days before it expires)`);
    const { ports, store, started } = creating(renewedSat('2027-10-15'), dayOf(expiresAt, -29));
    await expect(createCertification(ports, body, acting())).resolves.toMatchObject({ outcome: 'new', certificationId: NEW, renews: OLD, status: 'RECEIVED' });
    expect(store.items.get(NEW)).toMatchObject({ renews: OLD, awareness: { completedOn: '2027-10-15', recordId: 'CJIS-SA-2' } });
    expect(store.open.get(certified.employee.email)).toBe(NEW);
    expect(store.items.get(OLD)?.status).toBe('CERTIFIED');
    expect(started).toEqual([NEW]);
    expect(store.audits.at(-1)?.details).toMatchObject({ to: 'RECEIVED', renews: OLD });
  });

  it('refuses a renewal when the training is not current on its day (400 on employee.email)', async () => {
    const { ports, store } = creating(activeAccount, dayOf(expiresAt, -10));
    await expect(createCertification(ports, body, acting())).rejects.toMatchObject({ problems: [{ field: 'employee.email', rule: expect.stringContaining('must be current') }] });
    expect(store.items.has(NEW)).toBe(false);
  });

  it('hands the role over when the renewal is granted: the renewed one ends RENEWED, and its reminders and lapse do nothing', async () => {
    const renewal = aCertification({ certificationId: NEW, status: 'EXAM_PASSED', renews: OLD, createdAt: dayOf(expiresAt, -20), attempts: [{ ...passed, takenAt: dayOf(expiresAt, -15) }] });
    const { ports, store, sent, grants, suspended, clock } = setupSteps(renewal, renewedSat('2027-10-15'));
    store.items.set(OLD, certified);
    clock.now = dayOf(expiresAt, -14);
    await grantSearchRole(ports, NEW);
    expect(grants.map((g) => [g.certificationId, g.expiresAt])).toEqual([[NEW, dayOf(expiresAt, 350)]]);
    expect(store.items.get(OLD)).toMatchObject({ status: 'RENEWED', renewedBy: NEW });
    expect(sent.map((m) => m.subject)).toEqual(['CISS Search access renewed: Jordan Rivera']);
    clock.now = dayOf(expiresAt, -7);
    await expect(advanceCertification(ports, { certificationId: OLD, event: 'renewal-reminder', daysLeft: 7 })).resolves.toEqual({ status: 'RENEWED' });
    clock.now = expiresAt;
    await expect(lapseCertification(ports, OLD)).resolves.toEqual({ status: 'RENEWED' });
    expect(suspended).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it('lets the unit record renewed training only if current and not in the future, and answers where it stands', async () => {
    const store = new FakeStore();
    store.items.set(OLD, certified);
    const kept: { email: string; completedOn: string }[] = [];
    const audits: AuditEvent[] = [];
    const facts: { now: AwarenessFacts } = { now: activeAccount };
    const ports = {
      store,
      renewals: {
        record: async (email: string, c: { completedOn: string }, _by: string, _at: string, audit: AuditEvent) => {
          kept.push({ email, completedOn: c.completedOn });
          audits.push(audit);
          facts.now = renewedSat(c.completedOn);
          return true;
        },
      },
      awareness: async () => facts.now,
      now: () => '2027-11-10T12:00:00.000Z',
    };
    const unit = acting({ username: 'cchrs-unit', roles: ['unit'], ori: undefined });
    await expect(recordAwareness(ports, OLD, () => ({ completedOn: '2027-11-11', recordId: 'CJIS-SA-2' }), unit)).rejects.toMatchObject({ problems: [{ field: 'completedOn', rule: 'must not be in the future' }] });
    await expect(recordAwareness(ports, OLD, () => ({ completedOn: '2026-11-09', recordId: 'CJIS-SA-2' }), unit)).rejects.toMatchObject({ problems: [{ field: 'completedOn', rule: expect.stringContaining('within the last 365 days') }] });
    await expect(recordAwareness(ports, 'SC-20261130-00000000FF', () => ({ completedOn: '2027-11-01', recordId: 'CJIS-SA-2' }), unit)).rejects.toBeInstanceOf(NotFound);
    await expect(recordAwareness(ports, OLD, () => ({ completedOn: '2027-11-01', recordId: 'CJIS-SA-2' }), unit)).resolves.toEqual({
      certificationId: OLD,
      recorded: true,
      awareness: { current: true, completedOn: '2027-11-01', currentUntil: '2028-10-31', problem: null },
    });
    expect(kept).toEqual([{ email: 'jordan.rivera@nhpd.ct.example', completedOn: '2027-11-01' }]);
    expect(audits).toEqual([expect.objectContaining({ type: 'SecurityAwarenessRecorded', actor: 'cchrs-unit', subject: { type: 'search-certification', id: OLD }, details: { completedOn: '2027-11-01' } })]);
  });

  it('reads "today" in Connecticut: at 9 p.m. Eastern, when it is already tomorrow in UTC, tomorrow is still the future', async () => {
    const store = new FakeStore();
    store.items.set(OLD, certified);
    const ports = {
      store,
      renewals: { record: async () => true },
      awareness: async () => renewedSat('2027-11-10'),
      // 2027-11-11T02:00Z is 9 p.m. on 10 November in Connecticut (EST).
      now: () => '2027-11-11T02:00:00.000Z',
    };
    const unit = acting({ username: 'cchrs-unit', roles: ['unit'], ori: undefined });
    await expect(recordAwareness(ports, OLD, () => ({ completedOn: '2027-11-11', recordId: 'CJIS-SA-2' }), unit)).rejects.toMatchObject({ problems: [{ field: 'completedOn', rule: 'must not be in the future' }] });
    await expect(recordAwareness(ports, OLD, () => ({ completedOn: '2027-11-10', recordId: 'CJIS-SA-2' }), unit)).resolves.toMatchObject({ recorded: true });
  });

  it('shows a person their own certification and whether the role is theirs now', async () => {
    const store = new FakeStore();
    store.items.set(OLD, { ...certified, status: 'LAPSED' });
    const grant: RoleGrant = { email: certified.employee.email, role: 'search', certificationId: OLD, grantedAt: at(48), expiresAt, status: 'SUSPENDED' };
    const audits: AuditEvent[] = [];
    const ports = { store, grants: { get: async (email: string) => (email === grant.email ? grant : undefined) }, audit: async (e: AuditEvent) => void audits.push(e), now: () => dayOf(expiresAt, 1) };
    const employee = (email?: string) => acting({ username: 'jordan', roles: ['agency-staff'], email });
    await expect(myCertification(ports, employee())).resolves.toEqual({ certification: null, role: null });
    await expect(myCertification(ports, employee('someone.else@nhpd.ct.example'))).resolves.toEqual({ certification: null, role: null });
    await expect(myCertification(ports, employee('Jordan.Rivera@nhpd.ct.example'))).resolves.toMatchObject({ certification: { certificationId: OLD, status: 'LAPSED', expiresAt }, role: { held: false, status: 'SUSPENDED' } });
    store.items.set(NEW, aCertification({ certificationId: NEW, status: 'TRAINING_ASSIGNED', renews: OLD }));
    store.open.set(certified.employee.email, NEW);
    await expect(myCertification(ports, employee('jordan.rivera@nhpd.ct.example'))).resolves.toMatchObject({ certification: { certificationId: NEW, renews: OLD, step: expect.stringContaining('takes CISS Search User Training') } });
    expect(audits.map((a) => [a.type, a.subject.id])).toEqual([['SearchCertificationRead', OLD], ['SearchCertificationRead', NEW]]);
  });
});
