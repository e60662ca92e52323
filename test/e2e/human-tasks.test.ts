import { DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand, StopExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { captureOutput, ended as endedOf, eventually, givenRuntime, mailbox, scanAll, stopHarness, type Harness, type Mail } from './steps';

const HOUR = 3600;

interface Links {
  readonly approve: string;
  readonly reject: string;
}

describe('human tasks: e-mailed approval links and the tasks API', () => {
  let h: Harness;
  let output: ReturnType<typeof captureOutput>;

  beforeAll(async () => {
    // Everything the run logs is kept, to prove no secret is ever written to a log.
    output = captureOutput();
    h = await givenRuntime();
  });

  afterAll(async () => {
    output.restore();
    await stopHarness(h);
  });

  async function startApproval(subjectId: string, extra: Record<string, unknown> = {}): Promise<string> {
    const input = {
      subjectId,
      title: `Packet ${subjectId} for <b>O'Brien</b>`,
      facts: [{ label: 'Arrestee', value: '<script>alert(1)</script> Doe' }],
      question: 'Accept this arrest packet?',
      assignee: { role: 'court-clerk', email: 'clerk.ga14@jud.ct.example', court: 'GA14' },
      ...extra,
    };
    const out = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: h.runtime.names.machines.approval, name: subjectId, input: JSON.stringify(input) }));
    if (!out.executionArn) throw new Error('no execution');
    return out.executionArn;
  }

  async function mailsAbout(subjectId: string, count = 1): Promise<Mail[]> {
    return eventually(async () => {
      const mails = (await mailbox(h.runtime)).filter((m) => m.subject.includes(`Packet ${subjectId} `));
      return mails.length >= count ? mails : undefined;
    }, `${count} e-mail(s) about ${subjectId}`);
  }

  function linksIn(mail: Mail): Links {
    const find = (label: string): string => {
      const match = new RegExp(`^${label}: (\\S+)$`, 'm').exec(mail.body.text ?? '');
      if (!match?.[1]) throw new Error(`no ${label} link in ${mail.body.text}`);
      return match[1];
    };
    return { approve: find('Approve'), reject: find('Reject') };
  }

  function post(link: string, fields: Record<string, string> = {}): Promise<Response> {
    const query = new URL(link).searchParams;
    const body = new URLSearchParams({ choice: query.get('choice') ?? '', expires: query.get('expires') ?? '', sig: query.get('sig') ?? '', ...fields });
    return fetch(link, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  }

  function withParam(link: string, name: string, value: string): string {
    const url = new URL(link);
    url.searchParams.set(name, value);
    return url.toString();
  }

  async function describe_(executionArn: string): Promise<DescribeExecutionCommandOutput> {
    return h.sfn.send(new DescribeExecutionCommand({ executionArn }));
  }

  const ended = (executionArn: string) => endedOf(h.sfn, executionArn);

  async function api(path: string, token: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${h.runtime.endpoints.api}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
  }

  const taskIdOf = (link: string): string => decodeURIComponent(new URL(link).pathname.split('/').pop() ?? '');

  it('sends the assignee an escaped e-mail; GET shows a confirmation page and decides nothing; POST decides once', async () => {
    const arn = await startApproval('pkt-happy');
    const [mail] = await mailsAbout('pkt-happy');
    expect(mail?.destination.to).toEqual(['clerk.ga14@jud.ct.example']);
    expect(mail?.body.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Doe');
    expect(mail?.body.html).not.toContain('<script>');
    const links = linksIn(mail as Mail);

    const page = await fetch(links.approve);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('<form method="post">');
    expect(html).not.toContain('<script>alert(1)</script>');
    // A mail scanner may fetch the link any number of times.
    expect((await fetch(links.approve)).status).toBe(200);
    expect((await describe_(arn)).status).toBe('RUNNING');

    const decided = await post(links.approve, { comment: 'Complete and signed' });
    expect(decided.status).toBe(200);
    expect(await decided.text()).toContain('Decision recorded');
    const done = await ended(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({
      outcome: 'APPROVED',
      decision: { decision: 'approve', comment: 'Complete and signed', decidedBy: 'clerk.ga14@jud.ct.example', channel: 'email-link', taskId: taskIdOf(links.approve) },
    });

    const replay = await post(links.approve);
    expect(replay.status).toBe(409);
    expect(await replay.text()).toContain('clerk.ga14@jud.ct.example');
    expect((await post(links.reject, { comment: 'changed my mind' })).status).toBe(409);
    const history = (await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? [];
    expect(history.filter((e) => e.type === 'TaskSucceeded')).toHaveLength(1);
  });

  it('refuses a tampered link, another choice signature and an unknown task', async () => {
    const arn = await startApproval('pkt-tamper');
    const links = linksIn((await mailsAbout('pkt-tamper'))[0] as Mail);
    const sig = new URL(links.approve).searchParams.get('sig') ?? '';
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;

    expect((await fetch(withParam(links.approve, 'sig', flipped))).status).toBe(403);
    expect((await post(withParam(links.approve, 'sig', flipped))).status).toBe(403);
    expect((await fetch(withParam(links.approve, 'choice', 'reject'))).status).toBe(403);
    expect((await post(withParam(links.approve, 'choice', 'reject'), { comment: 'no' })).status).toBe(403);
    expect((await fetch(withParam(links.approve, 'expires', '9999999999'))).status).toBe(403);
    expect((await fetch(links.approve.replace(taskIdOf(links.approve), 'no-such-task'))).status).toBe(404);
    expect((await describe_(arn)).status).toBe('RUNNING');
  });

  it('needs a reason to reject, and passes it to the workflow', async () => {
    const arn = await startApproval('pkt-reject');
    const links = linksIn((await mailsAbout('pkt-reject'))[0] as Mail);
    expect(await (await fetch(links.reject)).text()).toContain('required');
    const noReason = await post(links.reject, { comment: '   ' });
    expect(noReason.status).toBe(400);
    expect((await describe_(arn)).status).toBe('RUNNING');
    expect((await post(links.reject, { comment: 'Statute 53a-999 does not exist' })).status).toBe(200);
    const done = await ended(arn);
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({ outcome: 'REJECTED', decision: { comment: 'Statute 53a-999 does not exist' } });
  });

  it('reminds when nobody acts, expires the old links, and then ends visibly as timed out', async () => {
    const arn = await startApproval('pkt-silent', { decisionSeconds: HOUR, maxReminders: 1 });
    const first = linksIn((await mailsAbout('pkt-silent', 1))[0] as Mail);

    await h.runtime.clock.advance(HOUR * 1000);
    const mails = await mailsAbout('pkt-silent', 2);
    expect(mails[1]?.subject).toMatch(/^Reminder 1 of 1: /);
    const second = linksIn(mails[1] as Mail);
    expect((await fetch(first.approve)).status).toBe(410);
    expect((await post(first.approve)).status).toBe(410);
    expect((await fetch(second.approve)).status).toBe(200);

    await h.runtime.clock.advance(HOUR * 1000);
    const done = await ended(arn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'ApprovalTimedOut' });
    const gone = await post(second.approve);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('expired');
  });

  it('offers the same decision on the API, only to the task role and agency', async () => {
    const arn = await startApproval('pkt-agency', { assignee: { role: 'agency-admin', email: 'admin@nhpd.ct.example', ori: 'CT0000100' } });
    const links = linksIn((await mailsAbout('pkt-agency'))[0] as Mail);
    const taskId = taskIdOf(links.approve);
    const own = await h.runtime.mintToken({ roles: ['agency-admin'], ori: 'CT0000100', username: 'nhpd-admin' });
    const other = await h.runtime.mintToken({ roles: ['agency-admin'], ori: 'CT0000200', username: 'hpd-admin' });
    const clerk = await h.runtime.mintToken({ roles: ['court-clerk'], courts: ['GA14'], username: 'clerk' });
    const rms = await h.runtime.mintToken({ roles: ['agency-rms'], ori: 'CT0000100' });

    const listed = (await (await api('/tasks', own)).json()) as { tasks: { taskId: string; status: string }[] };
    expect(listed.tasks.map((t) => t.taskId)).toContain(taskId);
    const otherList = (await (await api('/tasks', other)).json()) as { tasks: { taskId: string }[] };
    expect(otherList.tasks.map((t) => t.taskId)).not.toContain(taskId);
    // Another agency's (or role's) task answers exactly as a missing one; a role that decides no
    // tasks at all is refused the route.
    const missing = await api('/tasks/Nn0SuchTaskAnywhere000', other);
    const theirs = await api(`/tasks/${taskId}`, other);
    expect([theirs.status, missing.status]).toEqual([404, 404]);
    expect(((await theirs.json()) as { message: string }).message.replace(taskId, '<id>')).toBe(((await missing.json()) as { message: string }).message.replace('Nn0SuchTaskAnywhere000', '<id>'));
    expect((await api(`/tasks/${taskId}`, clerk)).status).toBe(404);
    expect((await api(`/tasks/${taskId}`, rms)).status).toBe(403);
    expect((await api(`/tasks/${taskId}/decision`, other, { method: 'POST', body: JSON.stringify({ choice: 'approve' }) })).status).toBe(404);

    const bad = await api(`/tasks/${taskId}/decision`, own, { method: 'POST', body: JSON.stringify({ choice: 'maybe' }) });
    expect(bad.status).toBe(400);
    await expect(bad.json()).resolves.toMatchObject({ problems: [{ field: 'choice' }] });
    const decided = await api(`/tasks/${taskId}/decision`, own, { method: 'POST', body: JSON.stringify({ choice: 'approve' }) });
    expect(decided.status).toBe(200);
    await expect(decided.json()).resolves.toMatchObject({ status: 'DECIDED', decision: { choice: 'approve', decidedBy: 'nhpd-admin', channel: 'api' } });
    expect((await ended(arn)).status).toBe('SUCCEEDED');
    expect((await post(links.approve)).status).toBe(409);
    expect((await api(`/tasks/${taskId}/decision`, own, { method: 'POST', body: JSON.stringify({ choice: 'reject', comment: 'x' }) })).status).toBe(409);
  });

  it('hands a decision its decider claimed but never delivered (stopped before SendTaskSuccess) to the workflow when the decision is sent again', async () => {
    const arn = await startApproval('pkt-undelivered', { assignee: { role: 'agency-admin', email: 'admin@nhpd.ct.example', ori: 'CT0000100' } });
    const taskId = taskIdOf(linksIn((await mailsAbout('pkt-undelivered'))[0] as Mail).approve);
    const own = await h.runtime.mintToken({ roles: ['agency-admin'], ori: 'CT0000100', username: 'nhpd-admin' });
    // What a decider killed (or timed out) between its claim and SendTaskSuccess leaves: the task
    // DECIDED in the table, and the execution still waiting on it.
    const decision = { choice: 'approve', decidedBy: 'nhpd-admin', decidedAt: new Date(h.runtime.clock.now()).toISOString(), channel: 'api' };
    await h.dynamo.send(
      new UpdateCommand({
        TableName: h.runtime.names.tables.main,
        Key: { pk: `TASK#${taskId}`, sk: 'TASK' },
        UpdateExpression: 'SET #status = :decided, decision = :decision REMOVE gsi1pk, gsi1sk',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':decided': 'DECIDED', ':pending': 'PENDING', ':decision': decision },
      }),
    );
    expect((await describe_(arn)).status).toBe('RUNNING');

    // The decider's retry hears "already decided", and the workflow gets the stored decision.
    const again = await api(`/tasks/${taskId}/decision`, own, { method: 'POST', body: JSON.stringify({ choice: 'reject', comment: 'changed' }) });
    expect(again.status).toBe(409);
    const done = await ended(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({ decision: { decision: 'approve', decidedBy: 'nhpd-admin', channel: 'api' } });
    // Sent once more: the workflow already has it, and nothing changes.
    expect((await api(`/tasks/${taskId}/decision`, own, { method: 'POST', body: JSON.stringify({ choice: 'approve' }) })).status).toBe(409);
  });

  it('cancels the task of a stopped execution, and its links say so', async () => {
    const arn = await startApproval('pkt-stopped');
    const links = linksIn((await mailsAbout('pkt-stopped'))[0] as Mail);
    await h.sfn.send(new StopExecutionCommand({ executionArn: arn, cause: 'packet withdrawn by the agency' }));
    const clerk = await h.runtime.mintToken({ roles: ['court-clerk'], courts: ['GA14'] });
    await eventually(async () => {
      const task = (await (await api(`/tasks/${taskIdOf(links.approve)}`, clerk)).json()) as { status: string };
      return task.status === 'CANCELLED' ? task : undefined;
    }, 'the task to be cancelled');
    const page = await fetch(links.approve);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('No longer needed');
    expect((await post(links.approve)).status).toBe(410);
  });

  it('never writes a task token, a link signature, a link or the signing key to a log', async () => {
    const secrets = new SecretsManagerClient({ endpoint: h.runtime.endpoints.edge, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const key = (await secrets.send(new GetSecretValueCommand({ SecretId: 'ciss-' + h.stage + '-approval-link-key' }))).SecretString ?? '';
    secrets.destroy();
    const links = (await mailbox(h.runtime)).flatMap((m) => Object.values(linksIn(m)));
    const signatures = links.map((l) => new URL(l).searchParams.get('sig') ?? '');
    const tokens = [...h.tokens.values()].flat();
    const histories = [];
    for (const name of ['pkt-happy', 'pkt-reject', 'pkt-agency']) {
      const arn = `arn:aws:states:us-east-1:000000000000:execution:ciss-${h.stage}-approval:${name}`;
      histories.push(JSON.stringify((await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? []));
    }
    expect(key.length).toBeGreaterThan(20);
    expect(tokens.length).toBeGreaterThan(0);
    expect(signatures.length).toBeGreaterThan(5);
    const log = output.written.join('');
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [key, ...tokens, ...signatures, ...links]) expect(log.includes(secret)).toBe(false);
    // Nor is a task token kept in any execution history or table item.
    const stored = JSON.stringify(await scanAll(h, [h.runtime.names.tables.main, `ciss-${h.stage}-local-stepfunctions`]));
    for (const token of tokens) {
      expect(histories.some((text) => text.includes(token))).toBe(false);
      expect(stored.includes(token)).toBe(false);
    }
  });
});
