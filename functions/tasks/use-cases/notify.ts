import type { Email } from '#shared/adapters/mailer';
import type { TransactItems } from '#shared/adapters/transactions';
import type { AuditEvent } from '#shared/audit';
import type { NewTask, Task } from '../domain/task';
import { openTask, type TaskPorts } from '../domain/use-cases';
import { emailFor } from '../pages';

export type StatusChange = NonNullable<NewTask['statusChange']>;

/** Writes that go in the same transaction as the task, with their audit events. */
export interface StatusWrite {
  readonly items: TransactItems;
  readonly audits: readonly AuditEvent[];
}

/** The subject's status as a human step changes it; each subject type knows its own. */
export interface SubjectStatus {
  /** The writes of the change, or nothing when the subject is already there (a reminder, a retried step). */
  write(subject: NewTask['subject'], change: StatusChange, now: string): Promise<StatusWrite | undefined>;
  /** After the task's transaction: the change's event, for subjects that publish one. */
  announce(subject: NewTask['subject'], change: StatusChange): Promise<void>;
}

export interface NotifyPorts extends Omit<TaskPorts, 'store'> {
  /** The task store, whose `create` writes the subject's status change in the task's transaction. */
  readonly store: TaskPorts['store'] & { create(task: Task, sealedToken: string, audit: AuditEvent, alongside?: StatusWrite): Promise<void> };
  readonly subjectStatus: SubjectStatus;
  /** The key new links are signed with. */
  readonly linkKey: () => Promise<Buffer>;
  readonly baseUrl: string;
  /** The CISS portal (`<origin>/portal/`), whose task page the e-mail also links to. */
  readonly portalUrl?: string;
  readonly send: (email: Email) => Promise<unknown>;
}

/**
 * The step behind every human step's `.waitForTaskToken`; it returns at once, and the execution
 * waits for the decision.
 * 1. when the step names a status change, its writes (nothing when the subject is already there)
 * 2. open the task, token sealed, with those writes in the same transaction: nobody reads a status
 *    naming a human step before its task exists
 * 3. after the transaction, the change's event (an arrest packet's, once per version)
 * 4. e-mail the assignee the task's links
 */
export async function notifyAssignee(input: NewTask, ports: NotifyPorts): Promise<{ taskId: string; expiresAt: string }> {
  const change = input.statusChange;
  const alongside = change ? await ports.subjectStatus.write(input.subject, change, ports.now().toISOString()) : undefined;
  const { task, links } = await openTask(input, { ...ports, store: creatingWith(ports.store, alongside), linkKey: await ports.linkKey() });
  if (change) await ports.subjectStatus.announce(input.subject, change);
  await ports.send(emailFor(task, links, ports.portalUrl));
  return { taskId: task.taskId, expiresAt: task.expiresAt };
}

/** The store as openTask sees it, its `create` writing `alongside` too (methods bound: the store may be a class). */
function creatingWith(s: NotifyPorts['store'], alongside: StatusWrite | undefined): TaskPorts['store'] {
  return {
    get: (id) => s.get(id),
    currentFor: (w, id, step) => s.currentFor(w, id, step),
    create: (t, tok, a) => s.create(t, tok, a, alongside),
    decide: (id, d, n, a) => s.decide(id, d, n, a),
    close: (id, f, t, r, a) => s.close(id, f, t, r, a),
    reopen: (t, a) => s.reopen(t, a),
  };
}
