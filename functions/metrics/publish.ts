import * as z from 'zod/mini';
import { loadEnv, nonEmpty } from '#shared/env';
import { logger, metrics, MetricUnit } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { programPorts } from './adapters/wiring';
import { hourFigures } from './use-cases/publish';

const env = loadEnv({ TABLE_NAME: nonEmpty });
const ports = programPorts(env.TABLE_NAME);

/** Every hour (a schedule): the program's figures of the hour before as EMF metrics, zeros included. */
export const handler = taskHandler(z.unknown(), async () => {
  const figures = await hourFigures(ports);
  for (const v of figures.values) metrics().addMetric(v.name, MetricUnit[v.unit], v.value);
  metrics().publishStoredMetrics();
  logger.info('program figures published', { from: figures.from, to: figures.to, values: figures.values.length });
  return { from: figures.from, to: figures.to, values: figures.values.length };
});
