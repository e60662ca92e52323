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
  readonly store: TaskPorts['store'] & { create(task: Task, sealedToken: string, audit: AuditEvent, replaces?: string, alongside?: StatusWrite): Promise<void> };
  readonly subjectStatus: SubjectStatus;
  /** The key new links are signed with. */
  readonly linkKey: () => Promise<Buffer>;
  readonly baseUrl: string;
  /** The CISS portal (`<origin>/portal/`), whose task page the e-mail also links to. */
  readonly portalUrl?: string;
  readonly send: (email: Email) => Promise<unknown>;
  /**
   * Whether this invocation may still act (`stillRunning`): false once its time is up. Its
   * attempt has then failed, and the retry, with a new token, opens the step's task; this one
   * writes and sends nothing more. Absent: always.
   */
  readonly alive?: () => boolean;
}

/** How many times an attempt reads the step's task again when another attempt's write came between its read and its own. */
const MAX_OPENINGS = 5;

/** The refusal of an attempt whose time ran out: the state machine's retry carries the step on. */
export class AttemptOutOfTime extends Error {
  override readonly name = 'AttemptOutOfTime';
  constructor() {
    super('This attempt ran out of time; the step\'s retry opens its task');
  }
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
 *
 * An attempt that ran out of time is failed by the state machine and retried with a new token,
 * while its own work may still be under way (nothing stops it in Lambda's process). So every
 * write and the e-mail wait for `alive`, and the task is written only while the step's task is
 * still the one this attempt read: an attempt that ran out of time never replaces its retry's
 * task with one whose token nobody waits for. A living attempt whose read was overtaken reads
 * again.
 */
export async function notifyAssignee(input: NewTask, ports: NotifyPorts): Promise<{ taskId: string; expiresAt: string }> {
  const change = input.statusChange;
  const now = ports.now().toISOString();
  const linkKey = await ports.linkKey();
  const acting = <T>(work: () => Promise<T>): Promise<T> => {
    if (ports.alive && !ports.alive()) return Promise.reject(new AttemptOutOfTime());
    return work();
  };
  const open = async (first: boolean) => {
    const alongside = change ? await ports.subjectStatus.write(input.subject, change, now, { unread: first }) : undefined;
    const opened = await openTask(input, { ...ports, store: creatingWith(ports.store, alongside, acting), linkKey }, { first });
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
  for (let openings = 1; !opened; openings++) {
    try {
      opened = await open(false);
    } catch (error) {
      // Another attempt of this step wrote between this one's read and its write.
      if (!isConditionFailure(error) || openings >= MAX_OPENINGS) throw error;
    }
  }
  const { task, links, changed } = opened;
  if (change) await acting(() => ports.subjectStatus.announce(input.subject, change, { changed, reminder: input.reminder }));
  await acting(() => ports.send(emailFor(task, links, ports.portalUrl)));
  return { taskId: task.taskId, expiresAt: task.expiresAt };
}

/**
 * The store as openTask sees it: its `create` writes `alongside` too, and it and `close` act
 * only while the attempt may (methods bound: the store may be a class).
 */
function creatingWith(s: NotifyPorts['store'], alongside: StatusWrite | undefined, acting: <T>(work: () => Promise<T>) => Promise<T>): TaskPorts['store'] {
  return {
    get: (id) => s.get(id),
    currentFor: (w, id, step) => s.currentFor(w, id, step),
    create: (t, tok, a, replaces) => acting(() => s.create(t, tok, a, replaces, alongside)),
    decide: (id, d, n, a) => s.decide(id, d, n, a),
    close: (id, f, t, r, a) => acting(() => s.close(id, f, t, r, a)),
    reopen: (t, a) => s.reopen(t, a),
  };
}
