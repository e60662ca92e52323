import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { Email } from '#shared/adapters/mailer';
import type { AuditEvent } from '#shared/audit';
import { subjectStatusOn } from '../../functions/tasks/adapters/subject-status';
import { cancelTasks, type CancelPorts } from '../../functions/tasks/use-cases/cancel';
import { AttemptOutOfTime, notifyAssignee, type NotifyPorts, type StatusChange, type StatusWrite } from '../../functions/tasks/use-cases/notify';
import { aNewTask, aTask, fakePorts, T0 } from './task-fixtures';

const LINK_KEY = Buffer.alloc(32, 3);
const CHANGE: StatusChange = { from: ['RECEIVED'], to: 'VALIDATED', version: 2, set: { warnings: [] } };
const WRITE: StatusWrite = { items: [{ Update: { TableName: 'main', Key: { pk: 'ARREST#P-1', sk: 'PACKET' }, UpdateExpression: 'SET #s = :s' } }], audits: [] };

describe('opening a human step’s task (tasks-notify)', () => {
  function ports(options: { write?: StatusWrite } = {}) {
    const fake = fakePorts({ ids: ['task-9'] });
    const steps: string[] = [];
    const alongside: (StatusWrite | undefined)[] = [];
    const sent: Email[] = [];
    const p: NotifyPorts = {
      ...fake.ports,
      store: {
        ...fake.ports.store,
        create: async (task, sealed, audit, replaces?: string, with_?: StatusWrite) => {
          steps.push('create');
          alongside.push(with_);
          await fake.ports.store.create(task, sealed, audit, replaces);
        },
      },
      subjectStatus: {
        write: async (subject, change, now, how) => (steps.push(`write ${subject.id} ${change.to} ${now}${how?.unread ? ' unread' : ''}`), options.write),
        announce: async (subject, change) => void steps.push(`announce ${subject.id} ${change.to}`),
      },
      linkKey: async () => LINK_KEY,
      baseUrl: 'https://api.example/prod',
      send: async (email) => void (steps.push('send'), sent.push(email)),
    };
    return { p, steps, alongside, sent, fake };
  }

  it('opens the task and e-mails the assignee its links, writing no status when the step names none', async () => {
    const { p, steps, alongside, sent } = ports();

    await expect(notifyAssignee(aNewTask({ timeoutSeconds: 600 }), p)).resolves.toEqual({ taskId: 'task-9', expiresAt: new Date(T0.getTime() + 600_000).toISOString() });
    expect(steps).toEqual(['create', 'send']);
    expect(alongside).toEqual([undefined]);
    expect(sent[0]?.to).toEqual(['clerk@court.ct.example']);
    expect(sent[0]?.text).toContain('https://api.example/prod');
  });

  it('writes the subject’s status change in the task’s transaction, announces it after, then mails', async () => {
    const { p, steps, alongside } = ports({ write: WRITE });

    await notifyAssignee(aNewTask({ subject: { type: 'arrest-packet', id: 'P-1', title: 'Packet', facts: [] }, statusChange: CHANGE }), p);

    expect(steps).toEqual([`write P-1 VALIDATED ${T0.toISOString()} unread`, 'create', 'announce P-1 VALIDATED', 'send']);
    expect(alongside).toEqual([WRITE]);
  });

  it('opens the step again reading the subject and the previous task when a first opening’s condition fails (a retried step)', async () => {
    const { p, steps, alongside, fake } = ports({ write: WRITE });
    Object.assign(fake.ports, { newId: ((ids) => () => ids.shift() ?? 'none')(['task-8', 'task-9']) });
    p.newId = fake.ports.newId;
    const create = p.store.create;
    let creates = 0;
    p.store.create = async (task, sealed, audit, replaces?: string, with_?: StatusWrite) => {
      if (++creates === 1) throw Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException' });
      await create(task, sealed, audit, replaces, with_);
    };

    await notifyAssignee(aNewTask({ subject: { type: 'arrest-packet', id: 'P-1', title: 'Packet', facts: [] }, statusChange: CHANGE }), p);

    expect(creates).toBe(2);
    expect(steps).toEqual([`write P-1 VALIDATED ${T0.toISOString()} unread`, `write P-1 VALIDATED ${T0.toISOString()}`, 'create', 'announce P-1 VALIDATED', 'send']);
    expect(alongside).toEqual([WRITE]);
  });

  it('opens the task alone when the subject is already in the step’s status (a reminder)', async () => {
    const { p, alongside, fake } = ports({ write: undefined });

    await notifyAssignee(aNewTask({ reminder: 1, statusChange: CHANGE }), p);

    expect(alongside).toEqual([undefined]);
    expect(fake.tasks.get('task-9')?.task).toMatchObject({ status: 'PENDING', reminder: 1 });
  });

  it('an attempt that ran out of time writes and mails nothing: the task its retry opened stays the step’s', async () => {
    // The retry (a new token) opened task-7 while the first attempt was still under way; the first attempt then reaches its writes.
    const { p, steps, sent, fake } = ports();
    fake.seed(aTask({ taskId: 'task-7', status: 'PENDING', reminder: 0 }));
    Object.assign(p, { alive: () => false });

    await expect(notifyAssignee(aNewTask(), p)).rejects.toThrow(AttemptOutOfTime);

    expect(fake.tasks.get('task-7')?.task.status).toBe('PENDING');
    expect(await fake.ports.store.currentFor(aTask().workflow, aTask().subject.id, aTask().step)).toMatchObject({ task: { taskId: 'task-7' } });
    expect(fake.tasks.has('task-9')).toBe(false);
    expect(steps).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('an attempt whose read was overtaken by another attempt’s write reads again and opens the step’s task over it', async () => {
    const { p, fake } = ports();
    Object.assign(fake.ports, { newId: ((ids) => () => ids.shift() ?? 'none')(['task-8', 'task-9']) });
    p.newId = fake.ports.newId;
    fake.seed(aTask({ taskId: 'task-6', status: 'PENDING', reminder: 0 }));
    // Between this attempt's read (task-6) and its write, an attempt that ran out of time still wrote task-5.
    const read = p.store.currentFor;
    let reads = 0;
    p.store.currentFor = async (w, id, step) => {
      const found = await read(w, id, step);
      if (++reads === 1) fake.seed(aTask({ taskId: 'task-5', status: 'PENDING', reminder: 0 }));
      return found;
    };

    await expect(notifyAssignee(aNewTask({ reminder: 1 }), p)).resolves.toMatchObject({ taskId: 'task-9' });

    // The first write, conditional on task-6, was refused; the second read found task-5 and closed it.
    expect(reads).toBe(2);
    expect(fake.tasks.get('task-8')).toBeUndefined();
    expect(fake.tasks.get('task-5')?.task).toMatchObject({ status: 'EXPIRED' });
    expect(fake.tasks.get('task-9')?.task).toMatchObject({ status: 'PENDING', reminder: 1 });
    expect(await fake.ports.store.currentFor(aTask().workflow, aTask().subject.id, aTask().step)).toMatchObject({ task: { taskId: 'task-9' } });
  });

  it('an attempt whose time runs out after it read writes nothing: its own write is refused and it stops', async () => {
    const { p, sent, fake } = ports();
    fake.seed(aTask({ taskId: 'task-6', status: 'PENDING', reminder: 0 }));
    let alive = true;
    Object.assign(p, { alive: () => alive });
    const read = p.store.currentFor;
    p.store.currentFor = async (w, id, step) => {
      const found = await read(w, id, step);
      // Its time runs out now, and the retry opens task-5 before this attempt writes.
      alive = false;
      fake.seed(aTask({ taskId: 'task-5', status: 'PENDING', reminder: 0 }));
      return found;
    };

    await expect(notifyAssignee(aNewTask({ reminder: 1 }), p)).rejects.toThrow(AttemptOutOfTime);

    expect(fake.tasks.get('task-5')?.task.status).toBe('PENDING');
    expect(await fake.ports.store.currentFor(aTask().workflow, aTask().subject.id, aTask().step)).toMatchObject({ task: { taskId: 'task-5' } });
    expect(sent).toEqual([]);
  });

  it('opens no task and mails nothing when the status change is refused', async () => {
    const { p, steps, fake } = ports();
    p.subjectStatus.write = async () => {
      throw new Error('Access request AR-1 is ACTIVE; it cannot become UNDER_REVIEW');
    };

    await expect(notifyAssignee(aNewTask({ statusChange: CHANGE }), p)).rejects.toThrow('cannot become UNDER_REVIEW');
    expect(steps).toEqual([]);
    expect(fake.tasks.size).toBe(0);
  });
});

describe('cancelling the tasks of an ended execution (tasks-cancel)', () => {
  const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:approval:run-1';

  function ports(executionStatus: string | undefined) {
    const fake = fakePorts();
    const warnings: Record<string, string>[] = [];
    const asked: string[] = [];
    const p: CancelPorts = {
      store: { ...fake.ports.store, forExecution: async () => [...fake.tasks.keys()] },
      executionStatus: async (arn) => (asked.push(arn), executionStatus),
      warn: (_message, fields) => void warnings.push(fields),
    };
    return { p, warnings, asked, fake };
  }

  it.each([
    ['ABORTED', 'the workflow was stopped'],
    ['TIMED_OUT', 'the workflow timed out'],
    ['FAILED', 'the workflow failed'],
  ])('closes each PENDING task of an execution Step Functions shows %s, saying why, and audits it', async (status, reason) => {
    const { p, fake } = ports(status);
    fake.seed(aTask({ taskId: 'task-1' }));
    fake.seed(aTask({ taskId: 'task-2', step: 'other' }));

    await expect(cancelTasks({ executionArn: EXECUTION, status }, p)).resolves.toEqual({ cancelled: 2 });
    expect(fake.tasks.get('task-1')?.task).toMatchObject({ status: 'CANCELLED', closedReason: reason });
    expect(fake.audits).toEqual([
      expect.objectContaining<Partial<AuditEvent>>({ type: 'TaskCancelled', actor: 'system', details: { taskId: 'task-1', executionStatus: status } }),
      expect.objectContaining<Partial<AuditEvent>>({ type: 'TaskCancelled', details: { taskId: 'task-2', executionStatus: status } }),
    ]);
  });

  it('leaves decided and expired tasks as they are', async () => {
    const { p, fake } = ports('ABORTED');
    fake.seed(aTask({ taskId: 'task-1', status: 'DECIDED' }));
    fake.seed(aTask({ taskId: 'task-2', step: 'other', status: 'EXPIRED' }));

    await expect(cancelTasks({ executionArn: EXECUTION, status: 'ABORTED' }, p)).resolves.toEqual({ cancelled: 0 });
    expect(fake.audits).toEqual([]);
  });

  it('takes the status from Step Functions, not from the event', async () => {
    const { p, fake } = ports('TIMED_OUT');
    fake.seed(aTask());

    await cancelTasks({ executionArn: EXECUTION, status: 'ABORTED' }, p);

    expect(fake.tasks.get('task-1')?.task.closedReason).toBe('the workflow timed out');
  });

  it.each([
    ['still running', 'RUNNING', 'RUNNING'],
    ['unknown to Step Functions', undefined, 'none'],
  ])('cancels nothing, and says so, for an execution %s', async (_, executionStatus, said) => {
    const { p, warnings, fake } = ports(executionStatus);
    fake.seed(aTask());

    await expect(cancelTasks({ executionArn: EXECUTION, status: 'FAILED' }, p)).resolves.toEqual({ cancelled: 0 });
    expect(fake.tasks.get('task-1')?.task.status).toBe('PENDING');
    expect(warnings).toEqual([{ executionArn: EXECUTION, eventStatus: 'FAILED', executionStatus: said }]);
  });

  it.each(['SUCCEEDED', 'RUNNING'])('asks Step Functions nothing for an event saying %s', async (status) => {
    const { p, asked } = ports('ABORTED');

    await expect(cancelTasks({ executionArn: EXECUTION, status }, p)).resolves.toEqual({ cancelled: 0 });
    expect(asked).toEqual([]);
  });
});

describe('the subject status adapter', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const bus = mockClient(EventBridgeClient);
  const subjectStatus = subjectStatusOn('main', 'bus');
  afterEach(() => {
    dynamo.reset();
    bus.reset();
  });

  it('refuses a status change for a subject type that has none, before reading anything', async () => {
    await expect(subjectStatus.write({ type: 'approval', id: 'x', title: 't', facts: [] }, CHANGE, T0.toISOString())).rejects.toThrow('No status change is known for subjects of type approval');
    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 0);
  });

  it('reads the access request its change is for, and publishes no event for it', async () => {
    dynamo.on(GetCommand).resolves({ Item: { requestId: 'AR-1', status: 'UNDER_REVIEW' } });
    const change: StatusChange = { from: ['RECEIVED'], to: 'UNDER_REVIEW' };
    const subject = { type: 'access-request', id: 'AR-1', title: 't', facts: [] };

    await expect(subjectStatus.write(subject, change, T0.toISOString())).resolves.toBeUndefined();
    await subjectStatus.announce(subject, change, { changed: false, reminder: 0 });

    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(bus).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });

  it('writes a first opening’s change without reading the subject, conditional on the one status it comes from', async () => {
    const packet = { type: 'arrest-packet', id: 'P-1', title: 't', facts: [] };
    const request = { type: 'access-request', id: 'AR-1', title: 't', facts: [] };

    const validated = await subjectStatus.write(packet, CHANGE, T0.toISOString(), { unread: true });
    const underReview = await subjectStatus.write(request, { from: ['RECEIVED'], to: 'UNDER_REVIEW' }, T0.toISOString(), { unread: true });

    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 0);
    expect(validated?.items[0]?.Update).toMatchObject({ Key: { pk: 'ARREST#P-1', sk: 'PACKET' }, ConditionExpression: '#status = :from AND #version = :v', ExpressionAttributeValues: expect.objectContaining({ ':from': 'RECEIVED', ':to': 'VALIDATED', ':v': 2 }) });
    expect(validated?.audits[0]?.details).toMatchObject({ from: 'RECEIVED', to: 'VALIDATED', version: 2 });
    expect(underReview?.items[0]?.Update).toMatchObject({ Key: { pk: 'ACCESS#AR-1', sk: 'REQUEST' }, ExpressionAttributeValues: expect.objectContaining({ ':from0': 'RECEIVED', ':to': 'UNDER_REVIEW' }) });
    expect(underReview?.audits[0]?.details).toMatchObject({ from: 'RECEIVED', to: 'UNDER_REVIEW' });
  });

  it('reads the access request when the change may come from more than one status: the audit names the one it came from', async () => {
    dynamo.on(GetCommand).resolves({ Item: { requestId: 'AR-1', status: 'TRAINING_VERIFICATION', createdAt: T0.toISOString(), ori: 'CT0000100', employee: { email: 'e@x.example' } } });

    const write = await subjectStatus.write({ type: 'access-request', id: 'AR-1', title: 't', facts: [] }, { from: ['UNDER_REVIEW', 'TRAINING_VERIFICATION'], to: 'TRAINING_ASSIGNED' }, T0.toISOString(), { unread: true });

    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(write?.audits[0]?.details).toMatchObject({ from: 'TRAINING_VERIFICATION', to: 'TRAINING_ASSIGNED' });
  });

  it('publishes an arrest packet’s ArrestPacketValidated from what the execution carries, without reading the packet', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const carried: StatusChange = { ...CHANGE, about: { ori: 'CT0000100', incidentNumber: 'INC-1' } };

    await subjectStatus.announce({ type: 'arrest-packet', id: 'P-1', title: 't', facts: [] }, carried, { changed: true, reminder: 0 });

    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 0);
    expect(bus).toHaveReceivedCommandWith(PutEventsCommand, { Entries: [expect.objectContaining({ EventBusName: 'bus', DetailType: 'ArrestPacketValidated' })] });
    const detail = JSON.parse(String(bus.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.Detail)) as Record<string, unknown>;
    expect(detail).toMatchObject({ packetId: 'P-1', packetVersion: 2, ori: 'CT0000100', incidentNumber: 'INC-1', status: 'VALIDATED' });
  });

  it('publishes ArrestPacketValidated again when the first opening is retried, and not for a reminder', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const carried: StatusChange = { ...CHANGE, about: { ori: 'CT0000100', incidentNumber: 'INC-1' } };
    const packet = { type: 'arrest-packet', id: 'P-1', title: 't', facts: [] };

    await subjectStatus.announce(packet, carried, { changed: false, reminder: 1 });
    expect(bus).toHaveReceivedCommandTimes(PutEventsCommand, 0);
    await subjectStatus.announce(packet, carried, { changed: false, reminder: 0 });
    expect(bus).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it('reads the packet for its event when the execution carries nothing of it (started before it did)', async () => {
    dynamo.on(GetCommand).resolves({ Item: { packetId: 'P-1', version: 2, status: 'VALIDATED', ori: 'CT0000100', incidentNumber: 'INC-1', updatedAt: T0.toISOString(), warnings: [] } });
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });

    await subjectStatus.announce({ type: 'arrest-packet', id: 'P-1', title: 't', facts: [] }, CHANGE, { changed: true, reminder: 0 });

    expect(bus).toHaveReceivedCommandWith(PutEventsCommand, { Entries: [expect.objectContaining({ EventBusName: 'bus', DetailType: 'ArrestPacketValidated' })] });
  });
});
