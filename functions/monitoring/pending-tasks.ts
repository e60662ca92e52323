import * as z from 'zod/mini';
import { coercedNumber } from '#shared/formats';
import { TaskStore } from '#shared/adapters/task-store';
import { loadEnv, nonEmpty } from '#shared/env';
import { logger, METRIC, metrics, MetricUnit } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { now } from '#shared/time';
import { DECIDER_ROLES } from '#shared/roles';
import { reportPendingTasks } from './domain/pending-tasks';

const env = loadEnv({ TABLE_NAME: nonEmpty, TASK_SLA_GRACE_SECONDS: coercedNumber().check(z.int(), z.gte(0)) });
const store = new TaskStore(env.TABLE_NAME);

/** The scheduled event (EventBridge in AWS, the runtime's scheduler locally); nothing in it is needed. */
const ScheduledEvent = z.unknown();

/**
 * Every 5 minutes: the age of the oldest pending human task and how many are past their SLA,
 * as metrics for the dashboard and the on-call alarm.
 * 1. read every PENDING task of every deciding role (the byStatus index)
 * 2. report count, oldest age and past-SLA count (see domain/pending-tasks.ts)
 * 3. publish them as EMF metrics, zeros included, so an empty queue reads 0, not missing data
 */
export const handler = taskHandler(ScheduledEvent, async () => {
  const tasks = (await Promise.all(DECIDER_ROLES.map((role) => store.allPending(role)))).flat();
  const report = reportPendingTasks(tasks, now(), env.TASK_SLA_GRACE_SECONDS);
  metrics().addMetric(METRIC.pendingTasks, MetricUnit.Count, report.pending);
  metrics().addMetric(METRIC.oldestPendingTaskAge, MetricUnit.Seconds, report.oldestAgeSeconds);
  metrics().addMetric(METRIC.pendingTasksPastSla, MetricUnit.Count, report.pastSla);
  metrics().publishStoredMetrics();
  const summary = { pending: report.pending, oldestAgeSeconds: report.oldestAgeSeconds, pastSla: report.pastSla, oldest: report.oldest, pastSlaTasks: report.pastSlaTasks };
  if (report.pastSla > 0) logger.warn('human tasks past their SLA', summary);
  else logger.info('pending human tasks', summary);
  return { pending: report.pending, oldestAgeSeconds: report.oldestAgeSeconds, pastSla: report.pastSla };
});
