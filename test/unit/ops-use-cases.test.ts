/**
 * The operations use cases on a fake Step Functions and task store, without the emulator: each
 * call is audited (a reveal as its own event, a refused redrive with its reason), list cursors are
 * bound to the operator and the filters.
 */
import type { AuditEvent } from '#shared/audit';
import { Cursors } from '#shared/cursor';
import { Conflict, NotFound, ValidationFailed } from '#shared/errors';
import type { ExecutionStatus } from '../../functions/ops/contract';
import type { ExecutionDescription, OpsPorts } from '../../functions/ops/domain/operations';
import { listExecutionsAudited } from '../../functions/ops/use-cases/list-executions';
import { listTasksAudited } from '../../functions/ops/use-cases/list-tasks';
import { redriveAudited } from '../../functions/ops/use-cases/redrive';
import { showExecutionAudited } from '../../functions/ops/use-cases/show-execution';
import { aTask, T0 } from './task-fixtures';

const machineArn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:ciss-${name}`;
const machines = { arrest: machineArn('arrest-packet'), access: machineArn('access-request'), approval: machineArn('approval'), diagnostics: machineArn('diagnostics') };
const executionArn = (machine: string, name: string) => `${machine.replace(':stateMachine:', ':execution:')}:${name}`;
const operator = { username: 'ops.o', source: { ip: '203.0.113.9' } };
const caller = { username: 'ops.o', roles: ['operations'] };

function anExecution(name: string, status: ExecutionStatus, machine = machines.access, minutesAgo = 5): ExecutionDescription {
  return { executionArn: executionArn(machine, name), stateMachineArn: machine, name, status, startDate: new Date(T0.getTime() - minutesAgo * 60_000), input: JSON.stringify({ requestId: name, employee: { fullName: 'Jane Q. Doe' } }) };
}

function world(executions: ExecutionDescription[], overrides: Partial<OpsPorts> = {}) {
  const audits: AuditEvent[] = [];
  const redriven: string[] = [];
  const byArn = new Map(executions.map((e) => [e.executionArn, e]));
  const ops: OpsPorts = {
    machines,
    listExecutions: async (machine, { status }) => ({ items: executions.filter((e) => e.stateMachineArn === machine && (!status || e.status === status)) }),
    describeExecution: async (arn) => byArn.get(arn),
    history: async () => [],
    lastStateEvents: async () => [],
    definition: async () => '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}',
    redrive: async (arn) => {
      redriven.push(arn);
      const e = byArn.get(arn);
      if (e) byArn.set(arn, { ...e, status: 'RUNNING' });
      return T0;
    },
    pendingTasks: async () => [aTask({ taskId: 'old', createdAt: new Date(T0.getTime() - 7_200_000).toISOString(), expiresAt: new Date(T0.getTime() + 3_600_000).toISOString() }), aTask({ taskId: 'new', createdAt: new Date(T0.getTime() - 60_000).toISOString() })],
    tasksOfExecution: async () => [],
    now: () => T0,
    ...overrides,
  };
  return { ops, audits, redriven, audit: async (e: AuditEvent) => void audits.push(e) };
}

describe('listing executions', () => {
  const cursors = new Cursors({ current: async () => Buffer.alloc(32, 5), all: async () => [Buffer.alloc(32, 5)] });
  const query = { limit: 1, cursor: { param: 'nextToken' } };

  it('gives one page with a cursor, and audits the listing with its filters and count', async () => {
    const w = world([anExecution('AR-20261123-00000000A1', 'FAILED'), anExecution('AR-20261123-00000000A2', 'FAILED')]);
    const page = await listExecutionsAudited({ ops: w.ops, audit: w.audit, cursors }, { ...query, workflow: 'access', status: 'FAILED' }, caller, operator);

    expect(page.items.map((i) => i.name)).toEqual(['AR-20261123-00000000A1']);
    expect(page.nextToken).toEqual(expect.any(String));
    expect(w.audits).toEqual([expect.objectContaining({ type: 'ExecutionsListed', actor: 'ops.o', component: 'operations', source: operator.source, subject: expect.objectContaining({ id: 'access' }), details: { status: 'FAILED', stuck: false, count: 1 } })]);

    const next = await listExecutionsAudited({ ops: w.ops, audit: w.audit, cursors }, { ...query, workflow: 'access', status: 'FAILED', cursor: { token: page.nextToken ?? '', param: 'nextToken' } }, caller, operator);
    expect(next.items.map((i) => i.name)).toEqual(['AR-20261123-00000000A2']);
  });

  it('refuses a cursor on other filters or for another operator (400)', async () => {
    const w = world([anExecution('AR-20261123-00000000A1', 'FAILED'), anExecution('AR-20261123-00000000A2', 'FAILED')]);
    const page = await listExecutionsAudited({ ops: w.ops, audit: w.audit, cursors }, { ...query, workflow: 'access' }, caller, operator);
    const token = { token: page.nextToken ?? '', param: 'nextToken' };
    await expect(listExecutionsAudited({ ops: w.ops, audit: w.audit, cursors }, { ...query, workflow: 'arrest', cursor: token }, caller, operator)).rejects.toThrow(ValidationFailed);
    await expect(listExecutionsAudited({ ops: w.ops, audit: w.audit, cursors }, { ...query, workflow: 'access', cursor: token }, { ...caller, username: 'ops.p' }, operator)).rejects.toThrow(ValidationFailed);
  });
});

describe('showing an execution', () => {
  it('redacts its data and audits a read; a reveal shows it and is audited as such', async () => {
    const w = world([anExecution('AR-20261123-00000000A1', 'FAILED')]);
    const redacted = await showExecutionAudited(w, 'AR-20261123-00000000A1', false, operator);
    const revealed = await showExecutionAudited(w, 'AR-20261123-00000000A1', true, operator);

    expect(JSON.stringify(redacted.input)).not.toContain('Jane');
    expect(JSON.stringify(revealed.input)).toContain('Jane');
    expect(w.audits.map((a) => [a.type, a.outcome, a.details?.['revealed']])).toEqual([
      ['ExecutionRead', 'success', false],
      ['ExecutionDataRevealed', 'success', true],
    ]);
    expect(w.audits[0]?.subject).toMatchObject({ type: 'access-request', id: 'AR-20261123-00000000A1' });
  });

  it('answers an unknown id 404 and audits the miss', async () => {
    const w = world([]);
    await expect(showExecutionAudited(w, 'AR-20261123-00000000ZZ', true, operator)).rejects.toThrow(NotFound);
    expect(w.audits).toEqual([expect.objectContaining({ type: 'ExecutionDataRevealed', outcome: 'failure', subject: expect.objectContaining({ type: 'execution', id: 'AR-20261123-00000000ZZ' }), details: { reason: 'not found' } })]);
  });
});

describe('redriving an execution', () => {
  it('redrives a failed one and audits it by its subject', async () => {
    const w = world([anExecution('AR-20261123-00000000A1', 'FAILED')]);
    const result = await redriveAudited(w, 'AR-20261123-00000000A1', operator);

    expect(result).toMatchObject({ execution: { name: 'AR-20261123-00000000A1', status: 'RUNNING' }, redriveDate: T0.toISOString() });
    expect(w.redriven).toEqual([executionArn(machines.access, 'AR-20261123-00000000A1')]);
    expect(w.audits).toEqual([expect.objectContaining({ type: 'ExecutionRedriven', outcome: 'success', details: { executionArn: executionArn(machines.access, 'AR-20261123-00000000A1') } })]);
  });

  it('refuses a running one (409) and audits the refusal with its reason', async () => {
    const w = world([anExecution('AR-20261123-00000000A1', 'RUNNING')]);
    await expect(redriveAudited(w, 'AR-20261123-00000000A1', operator)).rejects.toThrow(Conflict);
    expect(w.redriven).toEqual([]);
    expect(w.audits).toEqual([expect.objectContaining({ type: 'ExecutionRedriven', outcome: 'failure', details: { reason: 'AR-20261123-00000000A1 is RUNNING; only a FAILED, TIMED_OUT or ABORTED execution can be redriven' } })]);
  });

  it('audits a failure of Step Functions without its words, and passes it on', async () => {
    const w = world([anExecution('AR-20261123-00000000A1', 'FAILED')], {
      redrive: async () => {
        throw new Error('internal detail');
      },
    });
    await expect(redriveAudited(w, 'AR-20261123-00000000A1', operator)).rejects.toThrow('internal detail');
    expect(w.audits).toEqual([expect.objectContaining({ outcome: 'failure', details: { reason: 'error' } })]);
  });
});

describe('listing waiting tasks', () => {
  it('lists them oldest first, only those older than asked, and audits the count', async () => {
    const w = world([]);
    expect((await listTasksAudited(w, undefined, operator)).items.map((t) => t.taskId)).toEqual(['old', 'new']);
    expect((await listTasksAudited(w, 3600, operator)).items.map((t) => t.taskId)).toEqual(['old']);
    expect(w.audits.map((a) => a.details)).toEqual([
      { olderThanSeconds: null, count: 2 },
      { olderThanSeconds: 3600, count: 1 },
    ]);
  });
});
