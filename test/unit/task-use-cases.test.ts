import { AuditSubject } from '#shared/audit';
import { decideTask, linkIsGenuine, openTask, type Actor } from '../../functions/tasks/domain/use-cases';
import { aNewTask, aTask, fakePorts, FakeGone, T0 } from './task-fixtures';

const LINK_KEY = Buffer.alloc(32, 3);
const BASE_URL = 'https://api.example/prod';
const CLERK: Actor = { id: 'clerk@court.ct.example', channel: 'email-link', source: { ip: '198.51.100.7' } };

/** The choice, expires and sig of a link URL, as the page handler reads them. */
function queryOf(url: string) {
  const q = new URL(url).searchParams;
  return { choice: q.get('choice') ?? '', expires: q.get('expires') ?? undefined, sig: q.get('sig') ?? undefined };
}

describe('openTask', () => {
  it('stores the task PENDING until now + timeout, with the token sealed for the new task id', async () => {
    const fake = fakePorts({ ids: ['task-9'] });

    const { task } = await openTask(aNewTask({ timeoutSeconds: 600 }), { ...fake.ports, linkKey: LINK_KEY, baseUrl: BASE_URL });

    expect(task).toMatchObject({ taskId: 'task-9', status: 'PENDING', createdAt: T0.toISOString(), expiresAt: new Date(T0.getTime() + 600_000).toISOString() });
    expect(fake.tasks.get('task-9')).toEqual({ task, sealedToken: 'sealed(token-abc|task-9)' });
    expect(fake.audits.map((a) => a.type)).toEqual(['TaskCreated']);
  });

  it('closes the step’s previous PENDING task as EXPIRED (a reminder replaces it) before opening the new one', async () => {
    const fake = fakePorts({ ids: ['task-2'] });
    fake.seed(aTask({ taskId: 'task-1' }));

    await openTask(aNewTask({ reminder: 1 }), { ...fake.ports, linkKey: LINK_KEY, baseUrl: BASE_URL });

    expect(fake.tasks.get('task-1')?.task).toMatchObject({ status: 'EXPIRED', closedReason: 'replaced by a reminder' });
    expect(fake.audits.find((a) => a.type === 'TaskExpired')?.details).toMatchObject({ reason: 'replaced by a reminder' });
    expect(fake.tasks.get('task-2')?.task).toMatchObject({ status: 'PENDING', reminder: 1 });
    expect(fake.audits.map((a) => [a.type, a.details?.['taskId']])).toEqual([
      ['TaskExpired', 'task-1'],
      ['TaskCreated', 'task-2'],
    ]);
  });

  it('says the previous task was replaced because the step was retried, not reminded, when the reminder number is the same', async () => {
    const fake = fakePorts({ ids: ['task-2'] });
    fake.seed(aTask({ taskId: 'task-1', reminder: 1 }));

    await openTask(aNewTask({ reminder: 1 }), { ...fake.ports, linkKey: LINK_KEY, baseUrl: BASE_URL });

    expect(fake.tasks.get('task-1')?.task).toMatchObject({ status: 'EXPIRED', closedReason: 'replaced: the step was retried' });
    expect(fake.audits.find((a) => a.type === 'TaskExpired')?.details).toMatchObject({ taskId: 'task-1', reason: 'replaced: the step was retried' });
    expect(fake.tasks.get('task-2')?.task).toMatchObject({ status: 'PENDING', reminder: 1 });
  });

  it('leaves a previous task that is no longer PENDING as it is', async () => {
    const fake = fakePorts({ ids: ['task-2'] });
    fake.seed(aTask({ taskId: 'task-1', status: 'DECIDED' }));

    await openTask(aNewTask(), { ...fake.ports, linkKey: LINK_KEY, baseUrl: BASE_URL });

    expect(fake.tasks.get('task-1')?.task.status).toBe('DECIDED');
    expect(fake.audits.map((a) => a.type)).toEqual(['TaskCreated']);
  });

  it('leaves a PENDING task of another subject or step alone', async () => {
    const fake = fakePorts({ ids: ['task-3'] });
    fake.seed(aTask({ taskId: 'task-1', subject: { ...aTask().subject, id: 'other-subject' } }));
    fake.seed(aTask({ taskId: 'task-2', step: 'other-step' }));

    await openTask(aNewTask(), { ...fake.ports, linkKey: LINK_KEY, baseUrl: BASE_URL });

    expect([fake.tasks.get('task-1')?.task.status, fake.tasks.get('task-2')?.task.status]).toEqual(['PENDING', 'PENDING']);
  });

  it('returns one link per choice, each genuine for its own choice and for no other', async () => {
    const fake = fakePorts();

    const { task, links } = await openTask(aNewTask(), { ...fake.ports, linkKey: LINK_KEY, baseUrl: BASE_URL });

    expect(links.map((l) => l.choice.id)).toEqual(['approve', 'reject']);
    for (const link of links) {
      const { choice, expires, sig } = queryOf(link.url);
      const other = choice === 'approve' ? 'reject' : 'approve';
      expect(link.url.startsWith(`${BASE_URL}/approvals/${task.taskId}?`)).toBe(true);
      expect(choice).toBe(link.choice.id);
      expect(linkIsGenuine(task, choice, expires, sig, LINK_KEY)).toBe(true);
      expect(linkIsGenuine(task, other, expires, sig, LINK_KEY)).toBe(false);
    }
  });
});

describe('linkIsGenuine', () => {
  const task = aTask();
  async function approveLink() {
    const fake = fakePorts({ ids: [task.taskId] });
    const { links } = await openTask(aNewTask(), { ...fake.ports, linkKey: LINK_KEY, baseUrl: BASE_URL });
    const stored = fake.tasks.get(task.taskId)?.task ?? task;
    return { stored, ...queryOf(links[0]?.url ?? '') };
  }

  it('refuses a link with no signature or no expiry', async () => {
    const { stored, choice, expires, sig } = await approveLink();

    expect(linkIsGenuine(stored, choice, expires, undefined, LINK_KEY)).toBe(false);
    expect(linkIsGenuine(stored, choice, undefined, sig, LINK_KEY)).toBe(false);
    expect(linkIsGenuine(stored, choice, '', sig, LINK_KEY)).toBe(false);
  });

  it('refuses an expiry written differently from the signed one (leading zero, sign, decimals)', async () => {
    const { stored, choice, expires, sig } = await approveLink();

    for (const variant of [`0${expires}`, `+${expires}`, `${expires}.0`, ` ${expires}`]) expect(linkIsGenuine(stored, choice, variant, sig, LINK_KEY)).toBe(false);
  });

  it('refuses the link for another task or under another key', async () => {
    const { stored, choice, expires, sig } = await approveLink();

    expect(linkIsGenuine({ ...stored, taskId: 'task-other' }, choice, expires, sig, LINK_KEY)).toBe(false);
    expect(linkIsGenuine(stored, choice, expires, sig, Buffer.alloc(32, 4))).toBe(false);
  });

  it('refuses the link once the task is assigned to someone else', async () => {
    const { stored, choice, expires, sig } = await approveLink();

    expect(linkIsGenuine({ ...stored, assignee: { ...stored.assignee, email: 'other@court.ct.example' } }, choice, expires, sig, LINK_KEY)).toBe(false);
  });
});

describe('decideTask', () => {
  function pending(overrides = {}) {
    const fake = fakePorts();
    const stored = fake.seed(aTask(overrides));
    return { fake, stored };
  }

  it('decides once: the task is DECIDED and the workflow gets the decision with who, when and how', async () => {
    const { fake, stored } = pending();
    fake.clock.now = new Date(T0.getTime() + 60_000);

    const result = await decideTask(stored.task, stored.sealedToken, 'reject', '  duplicate request  ', CLERK, fake.ports);

    const decidedAt = new Date(T0.getTime() + 60_000).toISOString();
    expect(result.kind).toBe('decided');
    expect(fake.sent).toEqual([
      { token: 'token-abc', output: { taskId: 'task-1', decision: 'reject', comment: 'duplicate request', decidedBy: 'clerk@court.ct.example', decidedAt, channel: 'email-link' } },
    ]);
    expect(fake.tasks.get('task-1')?.task).toMatchObject({ status: 'DECIDED', decision: { choice: 'reject', comment: 'duplicate request', decidedBy: CLERK.id, decidedAt, channel: 'email-link' } });
    expect(fake.audits.map((a) => [a.type, a.outcome, a.actor, a.source?.ip])).toEqual([['TaskDecided', 'success', CLERK.id, '198.51.100.7']]);
  });

  it('hands the workflow comment null when none was given, and the API channel when decided there', async () => {
    const { fake, stored } = pending();

    await decideTask(stored.task, stored.sealedToken, 'approve', '   ', { id: 'jdoe', channel: 'api' }, fake.ports);

    expect(fake.sent[0]?.output).toMatchObject({ decision: 'approve', comment: null, decidedBy: 'jdoe', channel: 'api' });
  });

  it('hands a decision claimed by a decider that stopped before it reached the workflow to the workflow on the retry, once, and still says already decided', async () => {
    const { fake, stored } = pending();
    // The first attempt's claim is stored; it stopped (timed out, killed) before SendTaskSuccess.
    fake.seed({ ...stored.task, status: 'DECIDED', decision: { choice: 'approve', decidedBy: 'jdoe', decidedAt: '2026-11-23T15:00:00.000Z', channel: 'api' } });
    const found = fake.tasks.get('task-1')?.task ?? stored.task;

    await expect(decideTask(found, stored.sealedToken, 'approve', undefined, CLERK, fake.ports)).resolves.toMatchObject({ kind: 'already-decided' });
    await expect(decideTask(found, stored.sealedToken, 'reject', 'again', CLERK, fake.ports)).resolves.toMatchObject({ kind: 'already-decided' });

    expect(fake.sent).toEqual([{ token: 'token-abc', output: { taskId: 'task-1', decision: 'approve', comment: null, decidedBy: 'jdoe', decidedAt: '2026-11-23T15:00:00.000Z', channel: 'api' } }]);
    expect(fake.audits.filter((a) => a.type === 'TaskDecided')).toEqual([]);
  });

  it('reports a second decision as already decided and does not decide the workflow again', async () => {
    const { fake, stored } = pending();
    await decideTask(stored.task, stored.sealedToken, 'approve', undefined, CLERK, fake.ports);
    const fresh = fake.tasks.get('task-1');

    const second = await decideTask(fresh?.task ?? stored.task, stored.sealedToken, 'reject', 'changed my mind', CLERK, fake.ports);

    expect(second.kind).toBe('already-decided');
    expect(fake.sent).toHaveLength(1);
    expect(fake.tasks.get('task-1')?.task.decision?.choice).toBe('approve');
  });

  it('reports an expired task as expired, writes nothing and signals nothing', async () => {
    const { fake, stored } = pending();
    fake.clock.now = new Date(Date.parse(stored.task.expiresAt));

    const result = await decideTask(stored.task, stored.sealedToken, 'approve', undefined, CLERK, fake.ports);

    expect(result.kind).toBe('expired');
    expect(fake.sent).toEqual([]);
    expect(fake.audits).toEqual([]);
    expect(fake.tasks.get('task-1')?.task.status).toBe('PENDING');
  });

  it('reports a cancelled task as cancelled and signals nothing', async () => {
    const { fake, stored } = pending({ status: 'CANCELLED' });

    const result = await decideTask(stored.task, stored.sealedToken, 'approve', undefined, CLERK, fake.ports);

    expect(result.kind).toBe('cancelled');
    expect(fake.sent).toEqual([]);
  });

  it('refuses an unknown choice as invalid, naming the allowed ones, and writes nothing', async () => {
    const { fake, stored } = pending();

    const result = await decideTask(stored.task, stored.sealedToken, 'maybe', undefined, CLERK, fake.ports);

    expect(result).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('approve, reject') });
    expect([fake.sent, fake.audits, fake.tasks.get('task-1')?.task.status]).toEqual([[], [], 'PENDING']);
  });

  it('refuses a comment-required choice without a comment as invalid and writes nothing', async () => {
    const { fake, stored } = pending();

    const result = await decideTask(stored.task, stored.sealedToken, 'reject', '  ', CLERK, fake.ports);

    expect(result).toMatchObject({ kind: 'invalid', problem: 'A reason is required to reject' });
    expect([fake.sent, fake.audits, fake.tasks.get('task-1')?.task.status]).toEqual([[], [], 'PENDING']);
  });

  it('cancels the task when the workflow no longer waits (sendSuccess throws the gone error)', async () => {
    const { fake, stored } = pending();
    fake.behaviour.sendSuccess = async () => {
      throw new FakeGone('TaskTimedOut');
    };

    const result = await decideTask(stored.task, stored.sealedToken, 'approve', undefined, CLERK, fake.ports);

    expect(result).toMatchObject({ kind: 'cancelled', task: { status: 'CANCELLED', closedReason: 'the workflow no longer waits for this decision' } });
    expect(fake.tasks.get('task-1')?.task).toMatchObject({ status: 'CANCELLED', closedReason: 'the workflow no longer waits for this decision' });
    expect(fake.audits.map((a) => a.type)).toEqual(['TaskDecided', 'TaskCancelled']);
  });

  it('undoes the claim on a transient failure: the task is PENDING again, without a decision, and the result is unavailable', async () => {
    const { fake, stored } = pending();
    fake.behaviour.sendSuccess = async () => {
      throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    };

    const result = await decideTask(stored.task, stored.sealedToken, 'approve', undefined, CLERK, fake.ports);

    expect(result.kind).toBe('unavailable');
    expect(fake.tasks.get('task-1')?.task.status).toBe('PENDING');
    expect(fake.tasks.get('task-1')?.task.decision).toBeUndefined();
    expect(fake.audits.map((a) => [a.type, a.outcome])).toEqual([
      ['TaskDecided', 'success'],
      ['TaskDecisionUndone', 'failure'],
    ]);
  });

  it('lets the decider try again after a transient failure, and then decides', async () => {
    const { fake, stored } = pending();
    let failures = 1;
    fake.behaviour.sendSuccess = async () => {
      if (failures-- > 0) throw new Error('network');
    };

    await decideTask(stored.task, stored.sealedToken, 'approve', undefined, CLERK, fake.ports);
    const again = await decideTask(fake.tasks.get('task-1')?.task ?? stored.task, stored.sealedToken, 'approve', undefined, CLERK, fake.ports);

    expect(again.kind).toBe('decided');
    expect(fake.sent).toHaveLength(1);
  });

  it('reports the fresh state when its conditional write loses a race to another decider', async () => {
    const { fake, stored } = pending();
    const stale = stored.task;
    await decideTask(stale, stored.sealedToken, 'approve', undefined, { id: 'jdoe', channel: 'api' }, fake.ports);

    const loser = await decideTask(stale, stored.sealedToken, 'reject', 'no', CLERK, fake.ports);

    expect(loser).toMatchObject({ kind: 'already-decided', task: { status: 'DECIDED', decision: { choice: 'approve', decidedBy: 'jdoe' } } });
    expect(fake.sent.map((s) => s.output.decidedBy)).toEqual(['jdoe']);
  });

  it('reports cancelled when the task was cancelled between reading it and deciding', async () => {
    const { fake, stored } = pending();
    await fake.ports.store.close('task-1', 'PENDING', 'CANCELLED', 'the workflow was stopped', { type: 'TaskCancelled', outcome: 'success', actor: 'system', component: 'human-tasks', subject: AuditSubject.of(stored.task.subject.type, stored.task.subject.id) });

    const result = await decideTask(stored.task, stored.sealedToken, 'approve', undefined, CLERK, fake.ports);

    expect(result).toMatchObject({ kind: 'cancelled', task: { closedReason: 'the workflow was stopped' } });
    expect(fake.sent).toEqual([]);
  });

  it('reports expired when the task was closed as expired between reading it and deciding', async () => {
    const { fake, stored } = pending();
    await fake.ports.store.close('task-1', 'PENDING', 'EXPIRED', 'replaced by a reminder', { type: 'TaskExpired', outcome: 'success', actor: 'system', component: 'human-tasks', subject: AuditSubject.of(stored.task.subject.type, stored.task.subject.id) });

    const result = await decideTask(stored.task, stored.sealedToken, 'approve', undefined, CLERK, fake.ports);

    expect(result).toMatchObject({ kind: 'expired', task: { status: 'EXPIRED' } });
    expect(fake.sent).toEqual([]);
  });

  // When the claim fails but the fresh task is PENDING and unexpired again (another decider's
  // claim was undone by a transient failure in between), the task is still open: worth a retry.
  it('reports a still-open task as unavailable, not expired, when the lost race left it PENDING', async () => {
    const { fake, stored } = pending();
    fake.ports.store.decide = async () => false;

    const result = await decideTask(stored.task, stored.sealedToken, 'approve', undefined, CLERK, fake.ports);

    expect(result.kind).toBe('unavailable');
  });

  it('claims the decision and what the decider records with it in one write, and does not signal the workflow when that write is refused', async () => {
    const { fake, stored } = pending();
    const claims: unknown[] = [];
    const decide = fake.ports.store.decide.bind(fake.ports.store);
    fake.ports.store.decide = async (taskId, decision, now, audit, alongside) => {
      claims.push(alongside);
      return alongside?.items.length === 2 ? false : decide(taskId, decision, now, audit, alongside);
    };
    const evidence = { type: 'AccessRequestStatusChanged', outcome: 'success' as const, actor: CLERK.id, component: 'cchrs-access', subject: AuditSubject.of('access-request', 'AR-1') };
    const alongside = { items: [{ Update: { TableName: 't', Key: { pk: 'ACCESS#AR-1', sk: 'REQUEST' }, UpdateExpression: 'SET x = :x' } }], audits: [evidence] };

    await expect(decideTask(stored.task, stored.sealedToken, 'approve', undefined, CLERK, fake.ports, { ...alongside, items: [...alongside.items, ...alongside.items] })).resolves.toMatchObject({ kind: 'unavailable' });
    expect([fake.sent, fake.tasks.get('task-1')?.task.status]).toEqual([[], 'PENDING']);
    await expect(decideTask(stored.task, stored.sealedToken, 'approve', undefined, CLERK, fake.ports, alongside)).resolves.toMatchObject({ kind: 'decided' });
    expect(claims.at(-1)).toBe(alongside);
    expect(fake.sent).toHaveLength(1);
  });

  it('does not signal the workflow with a token sealed for another task', async () => {
    const { fake, stored } = pending();

    const result = await decideTask(stored.task, 'sealed(token-abc|task-other)', 'approve', undefined, CLERK, fake.ports);

    expect(result.kind).toBe('unavailable');
    expect(fake.sent).toEqual([]);
    expect(fake.tasks.get('task-1')?.task.status).toBe('PENDING');
  });
});
