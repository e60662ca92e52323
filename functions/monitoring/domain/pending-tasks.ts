/**
 * What on-call needs to know about the human tasks waiting for someone: how many, how old the
 * oldest is, and how many are past their SLA.
 *
 * A task's SLA is its own deadline, `expiresAt` (creation + the step's `TimeoutSeconds` in the
 * ASL: 2 days for a clerk review, for instance), plus a grace period. At the deadline the
 * workflow's timeout fires and the human-task mechanism replaces the task with a reminder or
 * closes it; a task still PENDING well after its deadline means that did not happen (a stuck
 * execution, a failed expiry or cancellation), which people cannot fix and on-call can.
 */

export interface PendingTaskTimes {
  readonly taskId: string;
  readonly workflow: string;
  readonly step: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface PendingTasksReport {
  readonly pending: number;
  /** Whole seconds since the oldest pending task was created; 0 when there is none. */
  readonly oldestAgeSeconds: number;
  readonly pastSla: number;
  /** The oldest task, to name in the log line (ids only). */
  readonly oldest?: { readonly taskId: string; readonly workflow: string; readonly step: string };
  /** Up to 10 tasks past their SLA, oldest first, to name in the log line. */
  readonly pastSlaTasks: readonly { readonly taskId: string; readonly workflow: string; readonly step: string; readonly expiresAt: string }[];
}

/** @param graceSeconds how long past `expiresAt` a pending task may stay before it is past its SLA */
export function reportPendingTasks(tasks: readonly PendingTaskTimes[], now: Date, graceSeconds: number): PendingTasksReport {
  const at = now.getTime();
  // A task with an unreadable time counts as from the epoch (old, past its SLA), rather than hidden.
  const time = (iso: string): number => {
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? 0 : ms;
  };
  const byAge = [...tasks].sort((a, b) => time(a.createdAt) - time(b.createdAt));
  const oldest = byAge[0];
  const past = byAge.filter((t) => time(t.expiresAt) + graceSeconds * 1000 <= at);
  return {
    pending: tasks.length,
    oldestAgeSeconds: oldest ? Math.max(0, Math.floor((at - time(oldest.createdAt)) / 1000)) : 0,
    pastSla: past.length,
    oldest: oldest ? { taskId: oldest.taskId, workflow: oldest.workflow, step: oldest.step } : undefined,
    pastSlaTasks: past.slice(0, 10).map((t) => ({ taskId: t.taskId, workflow: t.workflow, step: t.step, expiresAt: t.expiresAt })),
  };
}
