/**
 * The application's own metric names and the dimension Powertools Metrics puts on each: the
 * functions that publish them use these, and the dashboard and alarms (infra/) read them.
 */

/** The dimension Powertools Metrics puts on every metric, and its value (the logger's service name). */
export const METRICS_SERVICE = { name: 'service', value: 'ciss-workflows' } as const;

/** Custom metric names. */
export const METRIC = {
  /** One per failed attempt to hand a packet to DCJ's CMS (unreachable, 5xx/429, refused, no docket). */
  cmsTransmissionFailures: 'CmsTransmissionFailures',
  /** Age in seconds of the oldest PENDING human task, every 5 minutes (0 when none). */
  oldestPendingTaskAge: 'OldestPendingTaskAgeSeconds',
  /** PENDING human tasks, every 5 minutes. */
  pendingTasks: 'PendingTasks',
  /** PENDING human tasks past their SLA (functions/monitoring/domain/pending-tasks.ts), every 5 minutes. */
  pendingTasksPastSla: 'PendingTasksPastSla',
} as const;
