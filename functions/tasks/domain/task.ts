import * as z from 'zod/mini';
import { OriSchema } from '#shared/ids';
import { COURT_ROLE, CourtIdSchema } from '#shared/courts';
import { DECIDER_ROLES, type Role } from '#shared/roles';
import { lazy } from '#shared/lazy';

// The schemas are built on first use (`lazy`): most functions importing this module read only its
// types and helpers, and building NewTaskSchema at import cost 3–20 ms of CPU at each cold start.
export const ChoiceSchema = lazy(() => z.object({
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be a short lower-case word')),
  label: z.string().check(z.minLength(1), z.maxLength(80)),
  commentRequired: z._default(z.boolean(), false),
  /**
   * The page this choice's e-mailed link opens, when it needs more than a confirmation (a form):
   * an API path with `{subjectId}`. The link carries the task and is signed as any task link.
   * @default the approval page, /approvals/{taskId}
   */
  page: z.optional(z.string().check(z.regex(/^(\/[a-z0-9-]+|\/\{subjectId\})+$/, 'must be an API path of lower-case words and {subjectId}'), z.maxLength(120))),
}));
export type Choice = z.infer<typeof ChoiceSchema>;

export const AssigneeSchema = lazy(() => z.object({
  role: z.enum(DECIDER_ROLES),
  email: z.email(),
  ori: z.optional(OriSchema),
  /** The GA court whose clerks decide (court-clerk tasks), e.g. GA23. */
  court: z.optional(CourtIdSchema),
}).check(z.refine((a) => a.role !== COURT_ROLE || a.court !== undefined, { message: 'must name the court (e.g. GA23) for a court clerk', path: ['court'] })));
export type Assignee = z.infer<typeof AssigneeSchema>;

/** What a workflow's `.waitForTaskToken` step hands the notify function. */
export const NewTaskSchema = lazy(() => z.object({
  taskToken: z.string().check(z.minLength(1)),
  executionArn: z.string().check(z.minLength(1)),
  workflow: z.string().check(z.minLength(1), z.maxLength(60)),
  step: z.string().check(z.minLength(1), z.maxLength(60)),
  subject: z.object({
    type: z.string().check(z.minLength(1), z.maxLength(40)),
    id: z.string().check(z.minLength(1), z.maxLength(100)),
    title: z.string().check(z.minLength(1), z.maxLength(200)),
    facts: z._default(z.array(z.object({ label: z.string().check(z.minLength(1), z.maxLength(80)), value: z.string().check(z.maxLength(2000)) })).check(z.maxLength(40)), []),
  }),
  assignee: AssigneeSchema,
  question: z.string().check(z.minLength(1), z.maxLength(500)),
  choices: z.array(ChoiceSchema).check(z.minLength(1), z.maxLength(5)),
  timeoutSeconds: z.number().check(z.int(), z.positive()),
  reminder: z._default(z.number().check(z.int(), z.gte(0)), 0),
  maxReminders: z._default(z.number().check(z.int(), z.gte(0)), 0),
  /**
   * The subject's status this step stands for, written in the same transaction as the task, so
   * that nobody reads a status naming a human step before its task exists. Written once: when
   * the subject is already in `to` (a reminder, a retried step), only the task is written.
   */
  statusChange: z.optional(z.object({
    from: z.array(z.string().check(z.minLength(1), z.maxLength(40))).check(z.minLength(1), z.maxLength(10)),
    to: z.string().check(z.minLength(1), z.maxLength(40)),
    note: z.nullish(z.string().check(z.maxLength(2000))),
    /** The subject's version the change is for, when it has versions (an arrest packet's). */
    version: z.optional(z.number().check(z.int(), z.positive())),
    /** Fields the subject gets with the status (an arrest packet's validation warnings); each subject type checks its own. */
    set: z.optional(z.record(z.string().check(z.minLength(1), z.maxLength(40)), z.unknown())),
    /** What the subject's status event says of it (an arrest packet's ORI and incident number), carried by the workflow so the step need not read the subject. */
    about: z.optional(z.record(z.string().check(z.minLength(1), z.maxLength(40)), z.string().check(z.maxLength(200)))),
  })),
}));
export type NewTask = z.infer<typeof NewTaskSchema>;

export type TaskStatus = 'PENDING' | 'DECIDED' | 'EXPIRED' | 'CANCELLED';
export type Channel = 'email-link' | 'api';

export interface Decision {
  readonly choice: string;
  readonly comment?: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
  readonly channel: Channel;
}

export interface Task {
  readonly taskId: string;
  readonly workflow: string;
  readonly step: string;
  readonly executionArn: string;
  readonly subject: NewTask['subject'];
  readonly assignee: Assignee;
  readonly question: string;
  readonly choices: readonly Choice[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly status: TaskStatus;
  readonly reminder: number;
  readonly maxReminders: number;
  readonly decision?: Decision;
  /** Why a task ended without a decision (expired, superseded, execution stopped). */
  readonly closedReason?: string;
}

/** What SendTaskSuccess hands the workflow: the decision, and whose it was. */
export interface DecisionOutput {
  readonly taskId: string;
  readonly decision: string;
  readonly comment: string | null;
  readonly decidedBy: string;
  readonly decidedAt: string;
  readonly channel: Channel;
}

/** Where a task stands for someone who wants to decide it now. */
export type Standing = 'pending' | 'decided' | 'expired' | 'cancelled';

export function standing(task: Task, now: Date): Standing {
  if (task.status === 'DECIDED') return 'decided';
  if (task.status === 'CANCELLED') return 'cancelled';
  if (task.status === 'EXPIRED' || Date.parse(task.expiresAt) <= now.getTime()) return 'expired';
  return 'pending';
}

/**
 * The role (and, for agency tasks, the agency; for court tasks, one of the caller's courts) a task
 * belongs to. A court clerk's task that names no court is no clerk's by the API: only the e-mailed
 * link, sent to one court's mailbox, can decide it.
 */
export function mayDecide(task: Task, caller: { roles: readonly Role[]; ori?: string; courts?: readonly string[] }): boolean {
  if (!caller.roles.includes(task.assignee.role)) return false;
  if (task.assignee.ori !== undefined && task.assignee.ori !== caller.ori) return false;
  if (task.assignee.court === undefined) return task.assignee.role !== COURT_ROLE;
  return (caller.courts ?? []).includes(task.assignee.court);
}

/** The problem with a choice and comment, if any, in words for the decider. */
export function choiceProblem(task: Task, choiceId: string, comment: string | undefined): string | undefined {
  const choice = task.choices.find((c) => c.id === choiceId);
  if (!choice) return `"${choiceId}" is not one of this task's choices (${task.choices.map((c) => c.id).join(', ')})`;
  if (choice.commentRequired && !comment?.trim()) return `A reason is required to ${choice.label.toLowerCase()}`;
  return undefined;
}
