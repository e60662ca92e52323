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

/**
 * The program's figures (functions/metrics), published each hour for the hour before: counts to sum
 * over a month, gauges of the registry and the sources, and each duration that ended in the hour
 * as one value (so CloudWatch's p50 over any period is the median).
 */
export const PROGRAM_METRIC = {
  /** `SearchPerformed` records in the hour. */
  searches: 'ProgramSearches',
  /** Document exchanges in the hour (sent, transmitted, notified, disseminated: functions/metrics/domain/figures.ts). */
  documentExchanges: 'ProgramDocumentExchanges',
  /** Share of the 169 municipalities whose agency is connected, in percent. */
  municipalitiesConnectedPercent: 'MunicipalitiesConnectedPercent',
  /** Agencies of the registry connected (their first packet received). */
  agenciesConnected: 'AgenciesConnected',
  /** CISS Search source systems that delivered within the last 24 hours. */
  sourceSystemsLive: 'SourceSystemsLive',
  /** Seconds from a packet's first receipt to AVAILABLE, one value per packet made available in the hour. */
  arrestToAvailableSeconds: 'ArrestToAvailableSeconds',
  /** Seconds from an access request's receipt to ACTIVE, one value per request activated in the hour. */
  requestToActiveSeconds: 'RequestToActiveSeconds',
} as const;
