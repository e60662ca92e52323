/**
 * The local Step Functions engine never stops the process when an execution ends (issue 17: the
 * seeded certifications' renewal executions under `npm start`). Node ends a process on an
 * unhandled rejection, so an execution's end — stopped while a Wait is pending, or an end that
 * could not be stored — must settle every promise it leaves with somebody listening.
 */
import { jest } from '@jest/globals';
import { Clock } from '../../infra/local/clock';
import type { Machine } from '../../infra/local/stepfunctions/definition';
import { Executor } from '../../infra/local/stepfunctions/executor';
import type { ExecutionRecord, SfnStore } from '../../infra/local/stepfunctions/store';
import { Tasks } from '../../infra/local/stepfunctions/tasks';

const MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:unit';

function machineOf(definition: Machine['definition']): Machine {
  return { record: { arn: MACHINE_ARN, name: 'unit', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::000000000000:role/unit', createdAt: 0 }, definition, engines: new Map() };
}

function recordOf(name: string, startDate: number): ExecutionRecord {
  return { executionArn: `arn:aws:states:us-east-1:000000000000:execution:unit:${name}`, stateMachineArn: MACHINE_ARN, name, status: 'RUNNING', input: '{}', startDate, redriveCount: 0 };
}

/** What History writes, kept in memory: the engine's storage is not what these tests are about. */
function memoryStore(): SfnStore {
  return { putEvents: async () => undefined, updateExecution: async () => undefined, closeToken: async () => true, getToken: async () => undefined, putToken: async () => undefined } as unknown as SfnStore;
}

describe('an execution that ends never stops the process', () => {
  const unhandled: unknown[] = [];
  const listen = (reason: unknown): void => void unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', listen));
  afterAll(() => process.off('unhandledRejection', listen));
  beforeEach(() => (unhandled.length = 0));
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };

  it('stopped while its Wait (a renewal reminder a year away) is pending: ABORTED, and nothing left unhandled', async () => {
    const clock = new Clock({ mode: 'manual', start: Date.parse('2026-11-30T09:00:00Z') });
    const store = memoryStore();
    const tasks = new Tasks({ store, clock, lambda: {} as never, clients: {} as never });
    const ended: string[] = [];
    const executor = new Executor({ store, clock, machines: {} as never, tasks, onStatusChange: (e) => void ended.push(e.status) });
    const machine = machineOf({ StartAt: 'WaitUntil30DaysBeforeExpiry', States: { WaitUntil30DaysBeforeExpiry: { Type: 'Wait', TimestampPath: '$.remind30At', Next: 'Done' }, Done: { Type: 'Succeed' } } });
    const record = recordOf('SC-1-renewal', clock.now());
    const run = executor.launch(machine, record, 'WaitUntil30DaysBeforeExpiry', { remind30At: '2027-10-31T09:00:00Z' }, 1);
    await settle();
    expect(clock.pending()).toEqual([Date.parse('2027-10-31T09:00:00Z')]);

    await executor.stop(record, clock.now());
    await settle();
    await expect(run.done).resolves.toBeUndefined();
    expect(ended).toEqual(['ABORTED']);
    expect(clock.pending()).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('a Wait whose timestamp is already past goes straight on (an expiry near or gone at start-up)', async () => {
    const clock = new Clock({ mode: 'manual', start: Date.parse('2026-11-30T09:00:00Z') });
    const store = memoryStore();
    const tasks = new Tasks({ store, clock, lambda: {} as never, clients: {} as never });
    const ended: string[] = [];
    const executor = new Executor({ store, clock, machines: {} as never, tasks, onStatusChange: (e) => void ended.push(e.status) });
    const machine = machineOf({ StartAt: 'WaitUntilExpiry', States: { WaitUntilExpiry: { Type: 'Wait', TimestampPath: '$.expiresAt', Next: 'Done' }, Done: { Type: 'Succeed' } } });
    const run = executor.launch(machine, recordOf('SC-2-renewal', clock.now()), 'WaitUntilExpiry', { expiresAt: '2026-11-29T09:00:00Z' }, 1);
    await expect(run.done).resolves.toBeUndefined();
    expect(ended).toEqual(['SUCCEEDED']);
    expect(unhandled).toEqual([]);
  });

  it('an end that cannot be stored (the store fails as the execution closes) is logged, and the run still settles', async () => {
    const clock = new Clock({ mode: 'manual' });
    const store = memoryStore();
    const tasks = new Tasks({ store, clock, lambda: {} as never, clients: {} as never });
    jest.spyOn(tasks, 'closeTokensOf').mockRejectedValue(new Error('DynamoDB Local is not answering'));
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const executor = new Executor({ store, clock, machines: {} as never, tasks });
    const run = executor.launch(machineOf({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }), recordOf('ends', clock.now()), 'Done', {}, 1);
    await expect(run.done).resolves.toBeUndefined();
    await settle();
    expect(errors.mock.calls.flat().join(' ')).toContain('ends could not be driven to its end: DynamoDB Local is not answering');
    expect(executor.runningCount()).toBe(0);
    expect(unhandled).toEqual([]);
    errors.mockRestore();
  });
});
