/**
 * The manifest's program-figures part (functions/metrics): the figures' route and the hourly
 * function that publishes them as CloudWatch metrics. Merged into `infra/manifest.ts`.
 */
import { searchDbEnv } from './search';
import { auditAppend, commonEnv } from './shared';

/** Reads the audit trail (byType index), the registry (main table) and the sources' state (search database). */
const reads = [{ table: 'audit', access: 'read' }, { table: 'main', access: 'read' }, { searchDb: 'query' }] as const;

export const metricsRouteFunctions = {
  'metrics-program': {
    entry: 'functions/metrics/program.ts',
    description: "Program figures: searches and document exchanges per month, municipalities connected, source systems live, median times, from the audit trail and the agency registry",
    env: { ...commonEnv, ...searchDbEnv('query') },
    permissions: [...reads, auditAppend],
    // A year's range reads each counted type's records by the byType index, and may meet the search database cold.
    timeoutSeconds: 29,
    memoryMb: 512,
  },
} as const;

export const metricsFunctions = {
  'metrics-publish': {
    entry: 'functions/metrics/publish.ts',
    description: 'Program figures: publishes the hour before as CloudWatch metrics (EMF) for the dashboard',
    env: { ...commonEnv, ...searchDbEnv('query') },
    permissions: [...reads],
    timeoutSeconds: 60,
  },
} as const;

export const metricsSchedules = {
  'program-figures': {
    description: 'Publishes the program figures of the hour before (searches, document exchanges, connection, sources live, durations)',
    everyMinutes: 60,
    target: { function: 'metrics-publish' },
  },
} as const;
