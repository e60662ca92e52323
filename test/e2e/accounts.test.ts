/**
 * Accounts that end (issue 17, CJIS AC-2), end to end on the embedded runtime through HTTP and
 * the real SDK clients: a removal ends access at once, even for a token issued before it; the
 * quarter's review disables what its agency did not confirm in 30 days; 90 days without a
 * sign-in disable an account (a sign-in on day 89 keeps it), after a notice at 75 days; the
 * daily sweep, run twice, does nothing new. Time moves on the runtime's clock.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeJwt } from 'jose';
import { casesFor, givenTarget, stopTarget, type Mail, type Target } from '../target';
import { eventually } from './steps';

const DAY = 86_400_000;
const UNIT = 'cchrs.unit@dpscs.ct.example';
const SWEEP = 'accounts-sweep';

const cases = await casesFor(it);

interface Person {
  readonly username: string;
  readonly email: string;
  readonly ori: string;
  readonly roles: readonly ('agency-admin' | 'agency-staff' | 'unit')[];
}
const person = (username: string, ori: string, roles: Person['roles'] = ['agency-staff']): Person => ({ username, email: `${username}@agency.ct.example`, ori, roles });

describe('accounts that end, end to end', () => {
  let h: Target;
  let unit: string;

  beforeAll(async () => {
    // The embedded runtime runs the sweep only when asked (its schedule is off in tests): each
    // case runs it at the time it means, as its daily schedule would.
    h = await givenTarget();
    unit = await h.token({ roles: ['unit'], username: 'cchrs-unit', email: UNIT });
  });
  afterAll(() => stopTarget(h));

  const signIn = (p: Person) => h.token({ roles: [...p.roles], ori: p.ori, username: p.username, email: p.email });
  const api = (path: string, token: string, init: RequestInit = {}) => fetch(`${h.apiUrl}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  const post = (path: string, token: string, body: unknown) => api(path, token, { method: 'POST', body: JSON.stringify(body) });
  async function read<T>(path: string, token: string): Promise<T> {
    const res = await api(path, token);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }
  const sweep = async () => expect((await h.runSchedule(SWEEP)).ok).toBe(true);
  const advanceDays = (days: number) => h.clock.advance(days * DAY);
  type AccountRow = { accountId: string; status: string; roles: string[]; lastSignInAt: string; disabledReason?: string; removal?: { by: string } };
  const accountsOf = async (ori: string) => (await read<{ items: AccountRow[] }>(`/accounts?ori=${ori}`, unit)).items;
  const statusOf = async (p: Person) => (await accountsOf(p.ori)).find((a) => a.accountId === p.username);
  async function auditOf(subjectType: string, id: string): Promise<{ type: string; actor: string; outcome: string; details?: Record<string, unknown> }[]> {
    const out = await h.dynamo.send(new QueryCommand({ TableName: h.table('audit'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `${subjectType}#${id}` } }));
    return (out.Items ?? []) as { type: string; actor: string; outcome: string; details?: Record<string, unknown> }[];
  }
  const mailsTo = async (to: string, subjectPart: string): Promise<Mail[]> => (await h.mailbox()).filter((m) => m.destination.to.includes(to) && m.subject.includes(subjectPart));

  cases.needs(['clock'])('a removal ends access at once: a token issued before it is refused, the grant is suspended, open tasks go to the administrator who asked; the record stays', async () => {
    const ORI = 'CT0000200';
    const admin = person('b-admin', ORI, ['agency-admin']);
    const leaver = person('b-leaver', ORI, ['agency-admin']);
    const adminToken = await signIn(admin);
    // The leaver holds CISS Search (a certification's grant) and an open human task.
    const expiresAt = new Date((await h.now()) + 300 * DAY).toISOString();
    await h.dynamo.send(new PutCommand({ TableName: h.table('main'), Item: { pk: `GRANT#${leaver.email}`, sk: 'ROLE#search', email: leaver.email, role: 'search', certificationId: 'SC-20261130-0000000001', grantedAt: new Date(await h.now()).toISOString(), expiresAt, status: 'ACTIVE' } }));
    const before = await signIn(leaver);
    expect(decodeJwt(before)['cognito:groups']).toContain('search');
    await h.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: h.machineArn('approval'),
        name: 'removal-task-1',
        input: JSON.stringify({ subjectId: 'removal-task-1', title: 'Agency attestation', facts: [], question: 'Attest the trainings?', assignee: { role: 'agency-admin', email: leaver.email, ori: ORI } }),
      }),
    );
    const taskMail = await eventually(async () => (await mailsTo(leaver.email, 'Agency attestation'))[0], 'the task mail to the leaver', 30_000);
    const approve = /^Approve: (\S+)$/m.exec(taskMail.body.text ?? '')?.[1] ?? '';
    expect(approve).not.toBe('');
    expect((await api('/health', before)).status).toBe(200);

    // Another agency's administrator cannot see it (404); the unit may not remove (403).
    const other = await signIn(person('x-admin', 'CT0000900', ['agency-admin']));
    expect((await post(`/accounts/${leaver.username}/removal`, other, { reason: 'Left the department' })).status).toBe(404);
    expect((await post(`/accounts/${leaver.username}/removal`, unit, { reason: 'Left the department' })).status).toBe(403);
    expect((await post(`/accounts/${leaver.username}/removal`, adminToken, {})).status).toBe(400);

    const res = await post(`/accounts/${leaver.username}/removal`, adminToken, { reason: 'Left the department on 27 November' });
    expect(res.status).toBe(200);
    const outcome = (await res.json()) as { status: string; revoked: string[]; tasksReassigned: string[]; removal: { by: string } };
    expect(outcome).toMatchObject({ status: 'REMOVED', revoked: ['search'], removal: { by: admin.username } });
    expect(outcome.tasksReassigned).toHaveLength(1);

    // Within a minute (at once): the token issued before the removal no longer reaches the API.
    await h.clock.advance(1000);
    const refused = await api('/health', before);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toMatch(/revoked/);
    // No new token either: the issuer's pre-token trigger refuses the removed account (sign-in and refresh alike).
    await expect(signIn(leaver)).rejects.toThrow();
    // The leaver's e-mailed link no longer decides: the task is the administrator's now.
    const q = new URL(approve).searchParams;
    const linkUse = await fetch(approve, { method: 'POST', body: new URLSearchParams({ choice: q.get('choice') ?? '', expires: q.get('expires') ?? '', sig: q.get('sig') ?? '' }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(linkUse.status).not.toBe(200);
    const { tasks } = await read<{ tasks: { taskId: string }[] }>('/tasks', adminToken);
    expect(tasks.map((t) => t.taskId)).toContain(outcome.tasksReassigned[0]);
    expect(await mailsTo(admin.email, 'Task handed to you')).toHaveLength(1);

    // The record stays, with who asked; the grant is suspended; a retry answers the same.
    expect(await statusOf(leaver)).toMatchObject({ status: 'REMOVED', removal: { by: admin.username } });
    expect((await post(`/accounts/${leaver.username}/removal`, adminToken, { reason: 'Left the department on 27 November' })).status).toBe(200);
    // A removed account is never enabled again, by either role.
    const enable = await post(`/accounts/${leaver.username}/enablement`, unit, { reason: 'Came back' });
    expect(enable.status).toBe(409);
    expect(((await enable.json()) as { message: string }).message).toContain('a removed account is never enabled again');
    expect((await post(`/accounts/${leaver.username}/enablement`, adminToken, { reason: 'Came back' })).status).toBe(409);
    const trail = await auditOf('account', leaver.username);
    expect(trail.filter((e) => e.type === 'AccountRemoved')).toEqual([expect.objectContaining({ actor: admin.username, outcome: 'success' })]);
    expect(trail.filter((e) => e.type === 'AccessRevoked')).toEqual([expect.objectContaining({ actor: admin.username, details: expect.objectContaining({ roles: 'search' }) })]);
    expect(trail.filter((e) => e.outcome === 'denied')).toHaveLength(1);
    expect(JSON.stringify(trail)).not.toContain(leaver.email);
  });

  cases.needs(['clock'])('the quarter review: listed for the agency, confirmed in part; what was not confirmed in 30 days is disabled, and the sweep run twice changes nothing more', async () => {
    const ORI = 'CT0000300';
    const admin = person('c-admin', ORI, ['agency-admin']);
    const keep = person('c-keep', ORI);
    const drop = person('c-drop', ORI);
    const adminToken = await signIn(admin);
    await signIn(keep);
    await signIn(drop);
    await sweep();
    const { items } = await read<{ items: { reviewId: string; ori: string; status: string; entries: { accountId: string; roles: string[]; lastSignInAt: string }[] }[] }>('/access-reviews', adminToken);
    const review = items.find((r) => r.ori === ORI);
    expect(review).toBeDefined();
    if (!review) return;
    expect(review.entries.map((e) => e.accountId).sort()).toEqual([admin.username, drop.username, keep.username]);
    expect(review.entries.find((e) => e.accountId === keep.username)?.roles).toEqual(['agency-staff']);
    expect((await read<{ items: unknown[] }>(`/access-reviews?ori=${ORI}`, unit)).items).toHaveLength(1);
    expect((await post(`/access-reviews/${review.reviewId}/confirmation`, adminToken, { accountIds: ['nobody'] })).status).toBe(400);
    const confirmed = await post(`/access-reviews/${review.reviewId}/confirmation`, adminToken, { accountIds: [admin.username, keep.username] });
    expect(confirmed.status).toBe(200);
    expect(((await confirmed.json()) as { status: string }).status).toBe('OPEN');

    await advanceDays(29);
    await sweep();
    expect((await statusOf(drop))?.status).toBe('ACTIVE');
    await advanceDays(1);
    await sweep();
    await sweep();
    expect(await statusOf(drop)).toMatchObject({ status: 'DISABLED', disabledReason: 'review' });
    expect((await statusOf(keep))?.status).toBe('ACTIVE');
    expect((await api('/health', await signIn(keep))).status).toBe(200);
    await expect(signIn(drop)).rejects.toThrow();
    expect((await post(`/access-reviews/${review.reviewId}/confirmation`, adminToken, { accountIds: [drop.username] })).status).toBe(409);
    expect((await auditOf('account', drop.username)).filter((e) => e.type === 'AccountDisabled')).toEqual([expect.objectContaining({ details: expect.objectContaining({ reason: 'review', reviewId: review.reviewId }) })]);
    expect((await auditOf('access-review', review.reviewId)).map((e) => e.type)).toEqual(expect.arrayContaining(['AccessReviewListed', 'AccessReviewConfirmed', 'AccessReviewClosed']));
    expect((await auditOf('access-review', review.reviewId)).filter((e) => e.type === 'AccessReviewClosed')).toHaveLength(1);

    // Enabled again: the agency administrator asks (still DISABLED), the unit approves; the person
    // signs in again, and the next sweeps leave the account alone.
    const asked = await post(`/accounts/${drop.username}/enablement`, adminToken, { reason: 'Still needs CISS: the review was missed during leave' });
    expect(asked.status).toBe(202);
    expect(await asked.json()).toMatchObject({ status: 'DISABLED', enablement: { by: admin.username } });
    await expect(signIn(drop)).rejects.toThrow();
    expect(await mailsTo(UNIT, `Account enablement asked: ${drop.username}`)).toHaveLength(1);
    const approved = await post(`/accounts/${drop.username}/enablement`, unit, { reason: 'Confirmed with the agency' });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ status: 'ACTIVE', enabled: { requestedBy: admin.username, approvedBy: 'cchrs-unit' } });
    expect((await api('/health', await signIn(drop))).status).toBe(200);
    await advanceDays(1);
    await sweep();
    expect((await statusOf(drop))?.status).toBe('ACTIVE');
    expect((await post(`/accounts/${drop.username}/enablement`, unit, { reason: 'Again' })).status).toBe(409);
    const enabledTrail = (await auditOf('account', drop.username)).filter((e) => e.type === 'AccountEnablementRequested' || e.type === 'AccountEnabled');
    // Asked and approved at the same instant of the test's clock: compared without their order.
    expect(enabledTrail.map((e) => [e.type, e.actor]).sort()).toEqual([
      ['AccountEnabled', 'cchrs-unit'],
      ['AccountEnablementRequested', admin.username],
    ]);
    expect(enabledTrail.find((e) => e.type === 'AccountEnabled')?.details).toMatchObject({ requestedBy: admin.username, approvedBy: 'cchrs-unit', disabledReason: 'review' });
    expect(JSON.stringify(enabledTrail)).not.toMatch(/missed during leave|@agency/);
  });

  cases.needs(['clock'])('90 days without a sign-in disable an account after a notice at 75; a sign-in on day 89 keeps another; the sweep run twice does nothing new', async () => {
    const ORI = 'CT0000400';
    const idle = person('d-idle', ORI);
    const keeper = person('d-keeper', ORI);
    const idleToken = await signIn(idle);
    await signIn(keeper);

    await advanceDays(75);
    unit = await h.token({ roles: ['unit'], username: 'cchrs-unit', email: UNIT }); // the unit works every day
    await sweep();
    await sweep();
    const notices = await mailsTo(idle.email, 'sign in to keep it');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.body.text).toMatch(/90 days/);
    expect(await mailsTo(keeper.email, 'sign in to keep it')).toHaveLength(1);
    expect((await auditOf('account', idle.username)).filter((e) => e.type === 'AccountInactivityNotice')).toHaveLength(1);

    await advanceDays(14);
    await signIn(keeper); // day 89
    await advanceDays(1);
    await sweep();
    await sweep();
    expect(await statusOf(idle)).toMatchObject({ status: 'DISABLED', disabledReason: 'inactive' });
    expect((await statusOf(keeper))?.status).toBe('ACTIVE');
    expect((await api('/accounts', idleToken)).status).toBe(401);
    await expect(signIn(idle)).rejects.toThrow();
    expect((await auditOf('account', idle.username)).filter((e) => e.type === 'AccountDisabled')).toEqual([expect.objectContaining({ actor: SWEEP, details: expect.objectContaining({ reason: 'inactive' }) })]);
    expect(await mailsTo(idle.email, 'sign in to keep it')).toHaveLength(1);
  });
});
