/**
 * The manifest's monitoring part: the function that measures the human-task queue and the
 * schedule that runs it, merged into `infra/manifest.ts`. Plain `as const` literals (checked
 * there), so the types do not loop.
 */
import { tableRef } from './shared';

/**
 * Where the application's own metrics go: one CloudWatch namespace per stage, so stages sharing
 * an account never mix their numbers. Functions get it as `POWERTOOLS_METRICS_NAMESPACE`.
 */
export const metricsNamespace = (stage: string): string => `CissWorkflows/${stage}`;

export { METRIC, METRICS_SERVICE, PROGRAM_METRIC } from '../../functions/shared/metrics';

/**
 * How long a human task may stay PENDING past its own deadline (`expiresAt`) before it counts as
 * past its SLA: time for the workflow's timeout to fire and the reminder or expiry to replace it.
 */
export const TASK_SLA_GRACE_SECONDS = 15 * 60;

export const monitoringFunctions = {
  'monitoring-pending-tasks': {
    entry: 'functions/monitoring/pending-tasks.ts',
    description: 'Monitoring: publishes the age of the oldest pending human task and how many are past their SLA (every 5 minutes)',
    env: { TABLE_NAME: tableRef('main'), TASK_SLA_GRACE_SECONDS: { ref: 'literal', value: String(TASK_SLA_GRACE_SECONDS) } },
    permissions: [{ table: 'main', access: 'read' }],
    timeoutSeconds: 60,
  },
} as const;

export const monitoringSchedules = {
  'pending-tasks': {
    description: 'Measures the human-task queue for the dashboard and the past-SLA alarm',
    everyMinutes: 5,
    target: { function: 'monitoring-pending-tasks' },
  },
} as const;
