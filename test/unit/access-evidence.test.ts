/**
 * The unit's e-mailed training-evidence link on fake ports: which links open the form, which are
 * refused (and audited), and what the form's answer records. The pages are asserted by status.
 */
import type { StoredTask } from '#shared/adapters/task-store';
import type { AuditEvent } from '#shared/audit';
import { Conflict } from '#shared/errors';
import { evidenceError, evidencePage } from '../../functions/access/adapters/evidence-pages';
import type { AccessRequest } from '../../functions/access/domain/request';
import type { RecordTrainingPorts } from '../../functions/access/use-cases/record-training';
import { openEvidenceLink, recordEvidence, type EvidenceLink, type EvidenceLinkPorts } from '../../functions/access/use-cases/training-evidence';
import { signLink } from '../../functions/tasks/domain/links';
import { claimsFor, type DecideResult } from '../../functions/tasks/domain/use-cases';
import { aTask, T0 } from './task-fixtures';

const KEY = Buffer.alloc(32, 3);
const REQUEST_ID = 'AR-20261129-00000000AA';
const source = { ip: '203.0.113.7' };
const task = aTask({ taskId: 'task-v', workflow: 'access-request', step: 'training-verification', subject: { type: 'access-request', id: REQUEST_ID, title: 'Access for J. Doe', facts: [] }, assignee: { role: 'unit', email: 'unit.member@dpscs.ct.example' } });
const linkFor = (choice = 'verified', key = KEY): EvidenceLink => {
  const claims = claimsFor(task, choice);
  return { task: task.taskId, choice, expires: String(claims.expires), sig: signLink(key, claims) };
};
const request = (): AccessRequest => ({
  requestId: REQUEST_ID,
  status: 'TRAINING_VERIFICATION',
  employee: { fullName: 'Jane Q. Doe', email: 'jane.doe@police.ct.example', jobTitle: 'Records clerk', mfaPhones: [] },
  ori: 'CT0000100',
  justification: 'x',
  requestedBy: { username: 'admin.a' },
  createdAt: T0.toISOString(),
  updatedAt: T0.toISOString(),
});
const both = (security = 'cjis-online') => ({
  modules: [
    security === 'cjis-online' ? { module: 'security-awareness', evidence: 'cjis-online', completedOn: '2026-11-20', recordId: 'CJIS-SA-88231' } : { module: 'security-awareness', evidence: security },
    { module: 'cchrs-ngi', evidence: 'cjis-online', completedOn: '2026-11-21', recordId: 'CJIS-NGI-55120' },
  ],
});

function ports(stored: StoredTask | undefined = { task, sealedToken: 'sealed' }) {
  const audits: AuditEvent[] = [];
  const decided: string[] = [];
  let current = request();
  const p: EvidenceLinkPorts & RecordTrainingPorts = {
    tasks: { get: async (id) => (stored?.task.taskId === id ? stored : undefined), currentFor: async () => stored },
    linkKeys: async () => [Buffer.alloc(32, 9), KEY],
    audit: async (e) => void audits.push(e),
    clock: () => T0,
    now: () => T0.toISOString(),
    store: { get: async () => current },
    requestWithTask: async () => ({ request: current, ...(stored ? { taskId: stored.task.taskId } : {}) }),
    decide: async (t, _sealed, choice, _comment, _actor, { evidence }) => {
      // The evidence is stored in the decision's transaction.
      if (evidence) {
        current = { ...current, ...evidence.fields };
        audits.push(evidence.audit);
      }
      decided.push(choice);
      return { kind: 'decided', task: t } as DecideResult;
    },
  };
  return { p, audits, decided, current: () => current };
}

describe('the training-evidence link', () => {
  it('opens the form for a genuine link to this request’s open verification task, signed with the current or the previous key, changing nothing', async () => {
    const { p, audits, decided } = ports();
    await expect(openEvidenceLink(p, REQUEST_ID, linkFor(), source)).resolves.toEqual({ kind: 'open', task });
    expect([audits, decided]).toEqual([[], []]);
    expect(evidencePage({ kind: 'open', task }, REQUEST_ID, new URLSearchParams()).statusCode).toBe(200);
  });

  it('refuses a link whose signature does not match, or for another choice (403), auditing it with the source', async () => {
    const { p, audits } = ports();
    await expect(openEvidenceLink(p, REQUEST_ID, linkFor('verified', Buffer.alloc(32, 1)), source)).resolves.toEqual({ kind: 'forbidden' });
    await expect(openEvidenceLink(p, REQUEST_ID, linkFor('missing-module'), source)).resolves.toEqual({ kind: 'forbidden' });
    expect(audits).toEqual([0, 1].map(() => expect.objectContaining({ type: 'TrainingEvidenceLinkRefused', outcome: 'denied', actor: 'anonymous', source, details: { taskId: 'task-v', reason: 'signature does not match' } })));
    expect(evidencePage({ kind: 'forbidden' }, REQUEST_ID, new URLSearchParams()).statusCode).toBe(403);
  });

  it('knows no task for another request, another step, a malformed task id, or none (404)', async () => {
    await expect(openEvidenceLink(ports().p, 'AR-20261129-00000000BB', linkFor(), source)).resolves.toEqual({ kind: 'unknown' });
    await expect(openEvidenceLink(ports({ task: { ...task, step: 'training-attestation' }, sealedToken: 's' }).p, REQUEST_ID, linkFor(), source)).resolves.toEqual({ kind: 'unknown' });
    await expect(openEvidenceLink(ports().p, REQUEST_ID, { ...linkFor(), task: '../task-v' }, source)).resolves.toEqual({ kind: 'unknown' });
    expect(evidencePage({ kind: 'unknown' }, REQUEST_ID, new URLSearchParams()).statusCode).toBe(404);
  });

  it('says so when the task was decided, cancelled or has expired', async () => {
    await expect(openEvidenceLink(ports({ task: { ...task, status: 'DECIDED' }, sealedToken: 's' }).p, REQUEST_ID, linkFor(), source)).resolves.toMatchObject({ kind: 'decided' });
    await expect(openEvidenceLink(ports({ task: { ...task, status: 'CANCELLED' }, sealedToken: 's' }).p, REQUEST_ID, linkFor(), source)).resolves.toMatchObject({ kind: 'cancelled' });
    const late = ports();
    await expect(openEvidenceLink({ ...late.p, clock: () => new Date(Date.parse(task.expiresAt)) }, REQUEST_ID, linkFor(), source)).resolves.toMatchObject({ kind: 'expired' });
  });
});

describe('the training-evidence form’s answer', () => {
  it('records both completions as the assignee and decides the task verified', async () => {
    const { p, decided, current } = ports();
    await expect(recordEvidence(p, REQUEST_ID, linkFor(), both(), source)).resolves.toEqual({ kind: 'recorded', missing: [] });
    expect(current().training?.['security-awareness']).toMatchObject({ recordId: 'CJIS-SA-88231', verifiedBy: 'unit.member@dpscs.ct.example' });
    expect(decided).toEqual(['verified']);
  });

  it('shows the form again with the 15 May 2024 rule for a PDF certificate (400), recording nothing', async () => {
    const { p, decided, audits } = ports();
    const outcome = await recordEvidence(p, REQUEST_ID, linkFor(), both('pdf-certificate'), source);
    expect(outcome).toMatchObject({ kind: 'invalid', problems: [{ field: 'modules.0.evidence', rule: expect.stringContaining('15 May 2024') }] });
    expect([decided, audits]).toEqual([[], []]);
    const shown = evidencePage(outcome, REQUEST_ID, new URLSearchParams());
    expect([shown.statusCode, shown.body.includes('15 May 2024')]).toEqual([400, true]);
  });

  it('shows the form again naming a field the schema refuses (400)', async () => {
    const outcome = await recordEvidence(ports().p, REQUEST_ID, linkFor(), { modules: [{ module: 'cchrs-ngi', evidence: 'cjis-online', completedOn: 'yesterday', recordId: 'CJIS-1' }] }, source);
    expect(outcome).toMatchObject({ kind: 'invalid', problems: [expect.objectContaining({ field: 'modules.0.completedOn' })] });
  });

  it('records nothing for a refused link', async () => {
    const { p, decided } = ports();
    await expect(recordEvidence(p, REQUEST_ID, { ...linkFor(), sig: 'forged' }, both(), source)).resolves.toEqual({ kind: 'forbidden' });
    expect(decided).toEqual([]);
  });

  it('answers a refusal (409) with its words, anything else with only a reference', () => {
    const refused = evidenceError(new Conflict('No verification task is waiting for this request'), 'ref-1');
    expect([refused.statusCode, refused.body.includes('No verification task is waiting')]).toEqual([409, true]);
    const failed = evidenceError(new Error('secret detail'), 'ref-2');
    expect([failed.statusCode, failed.body.includes('ref-2'), failed.body.includes('secret detail')]).toEqual([500, true, false]);
  });
});
