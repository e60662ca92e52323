import type { Email } from '#shared/adapters/mailer';
import { isConditionFailure, type TransactItems } from '#shared/adapters/transactions';
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
  /**
   * The writes of the change, or nothing when the subject is already there (a reminder, a retried
   * step). `unread`: without reading the subject first, conditional on where a read would have
   * found it (a subject type that cannot say so without reading reads).
   */
  write(subject: NewTask['subject'], change: StatusChange, now: string, options?: { readonly unread?: boolean }): Promise<StatusWrite | undefined>;
  /**
   * After the task's transaction: the change's event, for subjects that publish one. `changed`:
   * this call made the change; `reminder`: the task's reminder number (0: the step's first
   * opening, or a retry of it, which announces again: consumers take a repeat).
   */
  announce(subject: NewTask['subject'], change: StatusChange, how: { readonly changed: boolean; readonly reminder: number }): Promise<void>;
}

export interface NotifyPorts extends Omit<TaskPorts, 'store'> {
  /** The task store, whose `create` writes the subject's status change in the task's transaction. */
  readonly store: TaskPorts['store'] & { create(task: Task, sealedToken: string, audit: AuditEvent, alongside?: StatusWrite, options?: { readonly first?: boolean }): Promise<void> };
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
 * 1. a step's first opening (reminder 0) reads nothing: the subject's status change (when the
 *    step names one) is written on condition that the subject is where it comes from, and the
 *    task on condition that the step has no task yet, in one transaction
 * 2. otherwise (a reminder, a retried step, a step opened again), or when a condition of 1
 *    failed: the change's writes from the subject as read (nothing when it is already there),
 *    the step's open task closed, then the task with those writes in one transaction. Either
 *    way nobody reads a status naming a human step before its task exists
 * 3. after the transaction, the change's event (an arrest packet's)
 * 4. e-mail the assignee the task's links
 */
export async function notifyAssignee(input: NewTask, ports: NotifyPorts): Promise<{ taskId: string; expiresAt: string }> {
  const change = input.statusChange;
  const now = ports.now().toISOString();
  const linkKey = await ports.linkKey();
  const open = async (first: boolean) => {
    const alongside = change ? await ports.subjectStatus.write(input.subject, change, now, { unread: first }) : undefined;
    const opened = await openTask(input, { ...ports, store: creatingWith(ports.store, alongside, first), linkKey }, { first });
    return { ...opened, changed: alongside !== undefined };
  };
  let opened: Awaited<ReturnType<typeof open>> | undefined;
  if (input.reminder === 0) {
    try {
      opened = await open(true);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  opened ??= await open(false);
  const { task, links, changed } = opened;
  if (change) await ports.subjectStatus.announce(input.subject, change, { changed, reminder: input.reminder });
  await ports.send(emailFor(task, links, ports.portalUrl));
  return { taskId: task.taskId, expiresAt: task.expiresAt };
}

/** The store as openTask sees it, its `create` writing `alongside` too (methods bound: the store may be a class). */
function creatingWith(s: NotifyPorts['store'], alongside: StatusWrite | undefined, first: boolean): TaskPorts['store'] {
  return {
    get: (id) => s.get(id),
    currentFor: (w, id, step) => s.currentFor(w, id, step),
    create: (t, tok, a) => s.create(t, tok, a, alongside, { first }),
    decide: (id, d, n, a) => s.decide(id, d, n, a),
    close: (id, f, t, r, a) => s.close(id, f, t, r, a),
    reopen: (t, a) => s.reopen(t, a),
  };
}
