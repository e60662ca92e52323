import type { AuditEvent } from '#shared/audit';
import { Conflict, Gone, NotFound, TransientFailure, ValidationFailed } from '#shared/errors';
import type { Caller } from '#shared/http';
import type { Role } from '#shared/roles';
import { signLink } from '../../functions/tasks/domain/links';
import type { Task } from '../../functions/tasks/domain/task';
import { claimsFor } from '../../functions/tasks/domain/use-cases';
import { decideTaskFor, pendingTasks, readTaskFor, type TaskApiPorts } from '../../functions/tasks/use-cases/api';
import { decideByLink, openLink, type LinkPorts, type LinkRequest } from '../../functions/tasks/use-cases/links';
import { aTask, fakePorts, T0 } from './task-fixtures';

/** A task id in the form `newId` makes (the link pages refuse any other without reading the store). */
const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const SOURCE = { ip: '198.51.100.7', userAgent: 'test' };
const caller = (roles: Role[], extra: Partial<Caller> = {}): Caller => ({ sub: 's', username: `${roles.join('+')}-user`, roles, courts: [], ...extra });
const CLERK = caller(['court-clerk'], { courts: ['GA14'] });

/** The fake task ports, with the API's extras: pending tasks by role and scope, and the audit trail. */
function apiPorts() {
  const fake = fakePorts();
  const queries: [Role, string | undefined][] = [];
  const ports: TaskApiPorts = {
    ...fake.ports,
    store: {
      ...fake.ports.store,
      pendingFor: async (role, scope) => {
        queries.push([role, scope]);
        return [...fake.tasks.values()].map((s) => s.task).filter((t) => t.assignee.role === role && (scope === undefined || t.assignee.ori === scope || t.assignee.court === scope));
      },
    },
    audit: async (event: AuditEvent) => {
      fake.audits.push(event);
    },
  };
  return { ...fake, ports, queries };
}

describe('GET /tasks (pendingTasks)', () => {
  it("asks per agency for an agency decider, per court for a clerk, and the whole role otherwise; only what is still pending", async () => {
    const fake = apiPorts();
    fake.seed(aTask({ taskId: 'a', assignee: { role: 'agency-admin', email: 'a@x.example', ori: 'CT0000100' } }));
    fake.seed(aTask({ taskId: 'b', assignee: { role: 'court-clerk', email: 'c@x.example', court: 'GA14' } }));
    fake.seed(aTask({ taskId: 'c', assignee: { role: 'dcj', email: 'd@x.example' }, expiresAt: T0.toISOString() }));

    const tasks = await pendingTasks(caller(['agency-admin', 'court-clerk', 'dcj'], { ori: 'CT0000100', courts: ['GA14', 'GA7'] }), fake.ports);

    expect(fake.queries).toEqual([
      ['agency-admin', 'CT0000100'],
      ['court-clerk', 'GA14'],
      ['court-clerk', 'GA7'],
      ['dcj', undefined],
    ]);
    expect(tasks.map((t) => [t.taskId, t.status])).toEqual([
      ['a', 'PENDING'],
      ['b', 'PENDING'],
    ]);
  });

  it('gives an agency decider whose token names no agency no tasks, without asking', async () => {
    const fake = apiPorts();

    await expect(pendingTasks(caller(['agency-admin']), fake.ports)).resolves.toEqual([]);
    expect(fake.queries).toEqual([]);
  });
});

describe('GET /tasks/{taskId} (readTaskFor)', () => {
  it('shows the task to its decider and audits the read', async () => {
    const fake = apiPorts();
    fake.seed(aTask({ taskId: ID }));

    const view = await readTaskFor({ caller: CLERK, source: SOURCE, taskId: ID }, fake.ports);

    expect(view).toMatchObject({ taskId: ID, status: 'PENDING', assignee: { role: 'court-clerk', ori: null, court: 'GA14' }, decision: null });
    expect(fake.audits).toEqual([expect.objectContaining({ type: 'TaskRead', outcome: 'success', actor: CLERK.username, details: { taskId: ID } })]);
  });

  it("answers another court's task exactly as a missing one (404), and audits both", async () => {
    const fake = apiPorts();
    fake.seed(aTask({ taskId: ID }));

    await expect(readTaskFor({ caller: caller(['court-clerk'], { courts: ['GA7'] }), source: SOURCE, taskId: ID }, fake.ports)).rejects.toThrow(new NotFound(`No task ${ID}`));
    await expect(readTaskFor({ caller: CLERK, source: SOURCE, taskId: 'BBBBBBBBBBBBBBBBBBBBBB' }, fake.ports)).rejects.toThrow(new NotFound('No task BBBBBBBBBBBBBBBBBBBBBB'));
    await expect(readTaskFor({ caller: CLERK, source: SOURCE, taskId: undefined }, fake.ports)).rejects.toThrow(new NotFound('No such task'));
    expect(fake.audits.map((a) => [a.outcome, a.subject.id])).toEqual([
      ['denied', 'subj-1'],
      ['failure', 'BBBBBBBBBBBBBBBBBBBBBB'],
      ['failure', '(malformed)'],
    ]);
  });
});

describe('POST /tasks/{taskId}/decision (decideTaskFor)', () => {
  const request = (body: { choice: string; comment?: string }, who: Caller = CLERK) => ({ caller: who, source: SOURCE, taskId: ID, body: () => body });

  it('decides the task once, as the caller, and hands the decision to the workflow', async () => {
    const fake = apiPorts();
    fake.seed(aTask({ taskId: ID }));

    const view = await decideTaskFor(request({ choice: 'approve' }), fake.ports);

    expect(view).toMatchObject({ status: 'DECIDED', decision: { choice: 'approve', decidedBy: CLERK.username, channel: 'api' } });
    expect(fake.sent).toEqual([{ token: 'token-abc', output: expect.objectContaining({ decision: 'approve', channel: 'api' }) }]);
  });

  it.each([
    ['a task already decided is 409', { status: 'DECIDED', decision: { choice: 'approve', decidedBy: 'x', decidedAt: T0.toISOString(), channel: 'api' } } as Partial<Task>, { choice: 'approve' }, Conflict, ['approve']],
    ['an expired task is 410', { expiresAt: T0.toISOString() } as Partial<Task>, { choice: 'approve' }, Gone, []],
    ['a task the workflow no longer waits for is 410', { status: 'CANCELLED', closedReason: 'execution stopped' } as Partial<Task>, { choice: 'approve' }, Gone, []],
    ['a choice that is not one of the task is 400', {}, { choice: 'maybe' }, ValidationFailed, []],
    ['a choice that needs a reason, without one, is 400', {}, { choice: 'reject' }, ValidationFailed, []],
  ])('%s', async (_name, overrides, body, error, handedOver) => {
    const fake = apiPorts();
    fake.seed(aTask({ taskId: ID, ...overrides }));

    await expect(decideTaskFor(request(body), fake.ports)).rejects.toThrow(error);
    // Only a decided task's own decision is handed over (again, in case its decider stopped before it did).
    expect(fake.sent.map((s) => s.output.decision)).toEqual(handedOver);
  });

  it('names the choice field when the choice is wrong', async () => {
    const fake = apiPorts();
    fake.seed(aTask({ taskId: ID }));

    await expect(decideTaskFor(request({ choice: 'maybe' }), fake.ports)).rejects.toMatchObject({ problems: [{ field: 'choice', rule: expect.stringContaining('"maybe" is not one of this task') }] });
  });

  it('answers 503 and leaves the task open when the workflow cannot be reached', async () => {
    const fake = apiPorts();
    fake.seed(aTask({ taskId: ID }));
    fake.behaviour.sendSuccess = async () => {
      throw new Error('throttled');
    };

    await expect(decideTaskFor(request({ choice: 'approve' }), fake.ports)).rejects.toThrow(TransientFailure);
    expect(fake.tasks.get(ID)?.task.status).toBe('PENDING');
  });

  it('answers a task of another role as missing before reading the body', async () => {
    const fake = apiPorts();
    fake.seed(aTask({ taskId: ID }));

    await expect(decideTaskFor({ ...request({ choice: 'approve' }, caller(['dcj'])), body: () => { throw new Error('the body was read'); } }, fake.ports)).rejects.toThrow(NotFound);
  });
});

describe('the pages an e-mailed link opens (openLink, decideByLink)', () => {
  const KEY = Buffer.alloc(32, 5);
  const OLD_KEY = Buffer.alloc(32, 6);

  function linkPorts() {
    const fake = fakePorts();
    const refused: AuditEvent[] = [];
    const recording = { fails: false };
    const ports: LinkPorts = {
      ...fake.ports,
      linkKeys: async () => [KEY, OLD_KEY],
      refusals: {
        take: async () => 1,
        limit: 10,
        record: async (event) => {
          if (recording.fails) throw new Error('audit table unavailable');
          refused.push(event);
        },
      },
    };
    return { ...fake, ports, refused, recording };
  }
  const linkFor = (task: Task, choice: string, key = KEY): LinkRequest => {
    const claims = claimsFor(task, choice);
    return { taskId: task.taskId, method: 'GET', source: SOURCE, choice, expires: String(claims.expires), signature: signLink(key, claims) };
  };

  it('GET asks to confirm the choice of a genuine link and decides nothing', async () => {
    const fake = linkPorts();
    const task = aTask({ taskId: ID });
    fake.seed(task);

    const outcome = await openLink(linkFor(task, 'approve'), fake.ports);

    expect(outcome).toMatchObject({ kind: 'confirm', choice: 'approve', expires: String(claimsFor(task, 'approve').expires) });
    expect(fake.tasks.get(ID)?.task.status).toBe('PENDING');
    expect(fake.sent).toEqual([]);
  });

  it('GET takes a link signed with the key before the last rotation', async () => {
    const fake = linkPorts();
    const task = aTask({ taskId: ID });
    fake.seed(task);

    await expect(openLink(linkFor(task, 'approve', OLD_KEY), fake.ports)).resolves.toMatchObject({ kind: 'confirm' });
  });

  it.each([
    ['decided', { status: 'DECIDED' }, 'already-decided'],
    ['expired', { expiresAt: T0.toISOString() }, 'expired'],
    ['cancelled', { status: 'CANCELLED' }, 'cancelled'],
  ] as const)('GET shows where a task stands once it is %s', async (_name, overrides, kind) => {
    const fake = linkPorts();
    const task = aTask({ taskId: ID, ...overrides });
    fake.seed(task);

    await expect(openLink(linkFor(task, 'approve'), fake.ports)).resolves.toMatchObject({ kind });
  });

  it('refuses a link whose choice was changed, and one for no task, auditing each refusal', async () => {
    const fake = linkPorts();
    const task = aTask({ taskId: ID });
    fake.seed(task);

    await expect(openLink({ ...linkFor(task, 'approve'), choice: 'reject' }, fake.ports)).resolves.toEqual({ kind: 'forbidden' });
    await expect(openLink({ ...linkFor(task, 'approve'), taskId: '../../etc/passwd' }, fake.ports)).resolves.toEqual({ kind: 'unknown' });
    expect(fake.refused.map((e) => [e.outcome, e.subject.id, e.details?.['reason']])).toEqual([
      ['denied', ID, 'signature does not match'],
      ['failure', 'malformed', 'unknown task'],
    ]);
  });

  it('refuses a link the same way when its refusal cannot be recorded', async () => {
    const fake = linkPorts();
    fake.recording.fails = true;

    await expect(openLink({ ...linkFor(aTask({ taskId: ID }), 'approve') }, fake.ports)).resolves.toEqual({ kind: 'unknown' });
  });

  it('POST decides for the assignee, by e-mail link, once', async () => {
    const fake = linkPorts();
    const task = aTask({ taskId: ID });
    fake.seed(task);
    const link = { ...linkFor(task, 'reject'), method: 'POST', comment: 'Wrong court' };

    await expect(decideByLink(link, fake.ports)).resolves.toMatchObject({ kind: 'decided', decision: { choice: 'reject', comment: 'Wrong court', decidedBy: task.assignee.email, channel: 'email-link' } });
    await expect(decideByLink(link, fake.ports)).resolves.toMatchObject({ kind: 'already-decided' });
    expect(fake.sent).toHaveLength(1);
  });
});

describe('the link page entry (GET /approvals/{taskId})', () => {
  it('answers a malformed task id with the unknown-task page, and keeps the path text out of the log keys', async () => {
    const { DynamoDBDocumentClient, UpdateCommand, PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const { mockClient } = await import('aws-sdk-client-mock');
    const { capturingOutput } = await import('./output');
    const dynamo = mockClient(DynamoDBDocumentClient);
    dynamo.on(UpdateCommand).resolves({ Attributes: { hits: 1 } });
    dynamo.on(PutCommand).resolves({});
    for (const name of ['TABLE_NAME', 'AUDIT_TABLE_NAME', 'SENDER_EMAIL', 'PUBLIC_API_URL', 'TASK_TOKEN_KEY_ID', 'LINK_KEY_SECRET_ID']) process.env[name] ??= `test-${name}`;
    const { handler } = await import('../../functions/tasks/link-open');
    const planted = `${'x'.repeat(40)}","level":"planted`;
    const event = { httpMethod: 'GET', resource: '/approvals/{taskId}', path: `/approvals/${planted}`, pathParameters: { taskId: planted }, queryStringParameters: { choice: 'approve' }, requestContext: { requestId: 'req-1', identity: { sourceIp: '198.51.100.7' } } };

    const { result, lines } = await capturingOutput(() => handler(event as never, { awsRequestId: 'lambda-1', functionName: 'tasks-link-open' } as never));
    dynamo.restore();

    expect(result).toMatchObject({ statusCode: 404, body: expect.stringContaining('No such task') });
    expect(lines.some((l) => l['message'] === 'approval link refused')).toBe(true);
    expect(lines.filter((l) => l['taskId'] !== undefined)).toEqual([]);
  });
});
