/**
 * The manifest's CISS Search part: the functions behind the search routes (functions/search/
 * routes.ts), the ingestion functions, their event rules and schedules, merged into
 * `infra/manifest.ts`. Plain `as const` literals (checked there), so the types do not loop.
 */
import { SOURCES } from '../../functions/search/domain/sources';
import { auditAppend, commonEnv, cursorEnv, cursorKeyRead, SEARCH_DB_NAME } from './shared';

/** Where the search database is, for a function with this access (functions/search/adapters/data-api.ts reads it). */
const searchDb = { SEARCH_DB_ARN: { ref: 'searchDb' }, SEARCH_DB_NAME: { ref: 'literal', value: SEARCH_DB_NAME } } as const;
/**
 * Each access names its secret in its own variable (SEARCH_DB_QUERY_SECRET_ARN,
 * SEARCH_DB_INGEST_SECRET_ARN): locally the functions share one environment.
 */
const searchDbEnvs = {
  query: { ...searchDb, SEARCH_DB_QUERY_SECRET_ARN: { ref: 'searchDbSecret', access: 'query' } },
  ingest: { ...searchDb, SEARCH_DB_INGEST_SECRET_ARN: { ref: 'searchDbSecret', access: 'ingest' } },
  purge: { ...searchDb, SEARCH_DB_PURGE_SECRET_ARN: { ref: 'searchDbSecret', access: 'purge' } },
} as const;
const searchDbEnv = <A extends keyof typeof searchDbEnvs>(access: A): (typeof searchDbEnvs)[A] => searchDbEnvs[access];

/** The functions behind the search routes, keyed by route id. */
export const searchRouteFunctions = {
  'search-query': {
    entry: 'functions/search/query.ts',
    description: 'CISS Search: one box over every source system, grouped by likely person, as the caller may see it; each query audited with its purpose',
    env: { ...commonEnv, ...cursorEnv, ...searchDbEnv('query') },
    permissions: [auditAppend, cursorKeyRead, { searchDb: 'query' }],
    timeoutSeconds: 29,
    memoryMb: 512,
  },
  'search-record': {
    entry: 'functions/search/record.ts',
    description: 'CISS Search: one record in full, as the caller may see it; each view audited with its purpose',
    env: { ...commonEnv, ...searchDbEnv('query') },
    permissions: [auditAppend, { searchDb: 'query' }],
    timeoutSeconds: 29,
  },
  'search-sources': {
    entry: 'functions/search/sources.ts',
    description: 'CISS Search: the source systems, what each holds and when each last delivered',
    env: { ...commonEnv, ...searchDbEnv('query') },
    // auditAppend: a caller refused by role is audited (RouteDenied) like on every route.
    permissions: [auditAppend, { searchDb: 'query' }],
    // Counts every source's records (a scan of the index) and may meet the engine cold.
    timeoutSeconds: 29,
  },
  'search-log': {
    entry: 'functions/search/log.ts',
    description: "CISS Search: the auditor lists searches with their words, purpose and result counts; each read audited",
    env: { ...commonEnv, ...cursorEnv, ...searchDbEnv('query') },
    permissions: [auditAppend, cursorKeyRead, { searchDb: 'query' }, { table: 'audit', access: 'read' }],
    timeoutSeconds: 29,
  },
} as const;

/** Ingestion: the connectors' functions and the arrest workflow's indexer. */
export const searchFunctions = {
  'search-ingest': {
    entry: 'functions/search/ingest.ts',
    description: 'CISS Search: applies the changes a source system pushed (SearchRecordsChanged), mapped by its connector; erasures and seals audited; tells the records it wrote (SearchRecordsWritten)',
    env: { ...commonEnv, ...searchDbEnv('ingest') },
    permissions: [auditAppend, { searchDb: 'ingest' }, { bus: 'put' }],
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  'search-poll': {
    entry: 'functions/search/poll.ts',
    description: "CISS Search: asks each poll source (and each batch source, where no drop bucket delivers their files) for its changes after its cursor; one source's outage is recorded and the others go on",
    // Where a drop bucket is (AWS), the batch sources' files come by it (search-drop), and the poll leaves them alone.
    env: { ...commonEnv, ...searchDbEnv('ingest'), SEARCH_SOURCES_URL: { ref: 'endpoint', endpoint: 'search-sources' }, SEARCH_DROP_BUCKET: { ref: 'searchDropBucket' } },
    permissions: [auditAppend, { searchDb: 'ingest' }],
    timeoutSeconds: 300,
    memoryMb: 512,
  },
  'search-drop': {
    entry: 'functions/search/drop.ts',
    description: "CISS Search: ingests a file a batch source dropped in the drop bucket (<source id>/<file>.ndjson), mapped by its connector; the file's name is the source's cursor",
    env: { ...commonEnv, ...searchDbEnv('ingest') },
    permissions: [auditAppend, { searchDb: 'ingest' }, { searchDrop: 'read' }],
    timeoutSeconds: 300,
    memoryMb: 512,
  },
  'search-purge': {
    entry: 'functions/search/purge.ts',
    description: "CISS Search: purges the words of searches older than the query log's retention (366 days; CJIS AU-11 asks at least a year), as the one database user that may delete them; audited as a count",
    // 366: a full year even across a 29 February (functions/search/use-cases/purge.ts).
    env: { ...commonEnv, ...searchDbEnv('purge'), SEARCH_QUERY_LOG_RETENTION_DAYS: { ref: 'literal', value: '366' } },
    permissions: [auditAppend, { searchDb: 'purge' }],
    timeoutSeconds: 60,
  },
  'search-index-arrest': {
    entry: 'functions/search/index-arrest.ts',
    description: 'CISS Search: indexes an arrest packet as the ciss-arrests source when it becomes available, is adjudicated and becomes historical',
    env: { ...commonEnv, ...searchDbEnv('ingest') },
    permissions: [{ table: 'main', access: 'read' }, auditAppend, { searchDb: 'ingest' }],
    timeoutSeconds: 30,
  },
} as const;

/**
 * The sources that push their changes as events (the arrest workflow is indexed from its own
 * events). Each may put only its own `ciss.search.<id>` (infra/aws/search-sources.ts).
 */
export const SEARCH_PUSHING_SOURCES = SOURCES.filter((s) => s.delivery.mode === 'events' && s.id !== 'ciss-arrests');
const PUSHING_SOURCES = SEARCH_PUSHING_SOURCES.map((s) => `ciss.search.${s.id}`);

export const searchEventRules = {
  'search-records-changed': {
    description: 'A source system pushed changes to its records: apply them to search',
    pattern: { source: PUSHING_SOURCES, 'detail-type': ['SearchRecordsChanged'] },
    target: { function: 'search-ingest' },
  },
  'search-drop-object-created': {
    description: 'A batch source dropped a file of changes in the drop bucket: ingest it (in AWS the rule is narrowed to the drop bucket, infra/aws/stateless.ts)',
    bus: 'default',
    pattern: { source: ['aws.s3'], 'detail-type': ['Object Created'] },
    target: { function: 'search-drop' },
  },
  'search-arrest-published': {
    description: 'An arrest packet became available or was adjudicated: index it in search',
    pattern: { source: ['ciss.arrests'], 'detail-type': ['ArrestDataAvailable', 'ArrestPacketAdjudicated'] },
    target: { function: 'search-index-arrest' },
  },
  'search-arrest-historical': {
    description: "An arrest packet's execution succeeded (its last step makes an adjudicated packet HISTORICAL, which publishes no event): index the packet as it now is",
    bus: 'default',
    pattern: { source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { status: ['SUCCEEDED'], name: [{ prefix: 'ap-' }] } },
    target: { function: 'search-index-arrest' },
  },
} as const;

export const searchSchedules = {
  'search-poll': {
    description: "Asks the poll and batch sources for their changes (each source at its own period, sources.json's everyMinutes)",
    everyMinutes: 15,
    target: { function: 'search-poll' },
  },
  'search-purge': {
    description: "Purges the words of searches past the query log's retention, once a day",
    everyMinutes: 1440,
    target: { function: 'search-purge' },
  },
} as const;

export { searchDbEnv };
