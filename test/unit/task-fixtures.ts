/**
 * Human-task fixtures shared by the task tests: a task as the store holds it, the input a
 * workflow's `.waitForTaskToken` step hands the notify function, and an in-memory `TaskPorts`
 * whose store keeps the same conditions as the DynamoDB one (decide: PENDING and unexpired;
 * close and reopen: only from the stated status).
 */
import type { AuditEvent } from '#shared/audit';
import type { Decision, DecisionOutput, NewTask, Task, TaskStatus } from '../../functions/tasks/domain/task';
import type { TaskPorts } from '../../functions/tasks/domain/use-cases';

export const T0 = new Date('2026-11-23T15:00:00.000Z');

export function aTask(overrides: Partial<Task> = {}): Task {
  return {
    taskId: 'task-1',
    workflow: 'approval',
    step: 'decision',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:approval:run-1',
    subject: { type: 'approval', id: 'subj-1', title: 'Access for J. Doe', facts: [{ label: 'Agency', value: 'CT0000100' }] },
    assignee: { role: 'court-clerk', email: 'clerk@court.ct.example', court: 'GA14' },
    question: 'Approve this request?',
    choices: [
      { id: 'approve', label: 'Approve', commentRequired: false },
      { id: 'reject', label: 'Reject', commentRequired: true },
    ],
    createdAt: T0.toISOString(),
    expiresAt: new Date(T0.getTime() + 3_600_000).toISOString(),
    status: 'PENDING',
    reminder: 0,
    maxReminders: 2,
    ...overrides,
  };
}

export function aNewTask(overrides: Partial<NewTask> = {}): NewTask {
  return {
    taskToken: 'token-abc',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:approval:run-1',
    workflow: 'approval',
    step: 'decision',
    subject: { type: 'approval', id: 'subj-1', title: 'Access for J. Doe', facts: [] },
    assignee: { role: 'court-clerk', email: 'clerk@court.ct.example', court: 'GA14' },
    question: 'Approve this request?',
    choices: [
      { id: 'approve', label: 'Approve', commentRequired: false },
      { id: 'reject', label: 'Reject', commentRequired: true },
    ],
    timeoutSeconds: 3600,
    reminder: 0,
    maxReminders: 2,
    ...overrides,
  };
}

export class FakeGone extends Error {
  override readonly name = 'FakeGone';
}

export interface Stored {
  task: Task;
  sealedToken: string;
}

/** An in-memory TaskPorts with a settable clock and a record of what happened. */
export function fakePorts(options: { now?: Date; ids?: string[] } = {}) {
  const tasks = new Map<string, Stored>();
  const current = new Map<string, string>();
  const audits: AuditEvent[] = [];
  const sent: { token: string; output: DecisionOutput }[] = [];
  const ids = [...(options.ids ?? ['task-1', 'task-2', 'task-3', 'task-4'])];
  const clock = { now: options.now ?? T0 };
  const behaviour: { sendSuccess: (token: string, output: DecisionOutput) => Promise<void> } = {
    sendSuccess: async () => undefined,
  };
  const stepKey = (workflow: string, subjectId: string, step: string) => `${workflow}#${subjectId}#${step}`;

  const set = (taskId: string, change: (t: Task) => Task): void => {
    const s = tasks.get(taskId);
    if (s) tasks.set(taskId, { ...s, task: change(s.task) });
  };

  const store: TaskPorts['store'] = {
    async get(taskId) {
      const s = tasks.get(taskId);
      return s ? structuredClone(s) : undefined;
    },
    async currentFor(workflow, subjectId, step) {
      const id = current.get(stepKey(workflow, subjectId, step));
      const s = id ? tasks.get(id) : undefined;
      return s ? { task: structuredClone(s.task) } : undefined;
    },
    async create(task, sealedToken, audit, replaces) {
      if (tasks.has(task.taskId)) throw new Error(`task ${task.taskId} exists`);
      const step = current.get(stepKey(task.workflow, task.subject.id, task.step));
      if (step !== replaces) throw Object.assign(new Error(`the step's task is ${step ?? 'none'}, not ${replaces ?? 'none'}`), { name: 'TransactionCanceledException' });
      tasks.set(task.taskId, { task: structuredClone(task), sealedToken });
      current.set(stepKey(task.workflow, task.subject.id, task.step), task.taskId);
      audits.push(audit);
    },
    async decide(taskId, decision: Decision, now, audit) {
      const s = tasks.get(taskId);
      if (!s || s.task.status !== 'PENDING' || !(s.task.expiresAt > now)) return false;
      set(taskId, (t) => ({ ...t, status: 'DECIDED', decision }));
      audits.push(audit);
      return true;
    },
    async close(taskId, from: TaskStatus, to, reason, audit) {
      const s = tasks.get(taskId);
      if (!s || s.task.status !== from) return false;
      set(taskId, (t) => ({ ...t, status: to, closedReason: reason }));
      audits.push(audit);
      return true;
    },
    async reopen(task, audit) {
      const s = tasks.get(task.taskId);
      if (!s || s.task.status !== 'DECIDED') return false;
      set(task.taskId, (t) => {
        const { decision: _decision, ...rest } = t;
        return { ...rest, status: 'PENDING' };
      });
      audits.push(audit);
      return true;
    },
  };

  const ports: TaskPorts = {
    store,
    seal: async (token, taskId) => `sealed(${token}|${taskId})`,
    open: async (sealed, taskId) => {
      const m = /^sealed\((.*)\|(.*)\)$/.exec(sealed);
      if (!m || m[2] !== taskId) throw new Error(`sealed token is not bound to ${taskId}`);
      return m[1] ?? '';
    },
    sendSuccess: async (token, output) => {
      await behaviour.sendSuccess(token, output);
      // As Step Functions: a task completed once refuses another SendTaskSuccess (TaskTimedOut).
      if (sent.some((s) => s.token === token)) throw new FakeGone('TaskTimedOut');
      sent.push({ token, output });
    },
    gone: FakeGone,
    now: () => clock.now,
    newId: () => {
      const id = ids.shift();
      if (!id) throw new Error('no more ids');
      return id;
    },
  };

  /** Puts a task in the store directly, as if created earlier. */
  const seed = (task: Task, sealedToken = `sealed(token-abc|${task.taskId})`): Stored => {
    tasks.set(task.taskId, { task: structuredClone(task), sealedToken });
    current.set(stepKey(task.workflow, task.subject.id, task.step), task.taskId);
    return { task, sealedToken };
  };

  return { ports, tasks, audits, sent, clock, behaviour, seed };
}
