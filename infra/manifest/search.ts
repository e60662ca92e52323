/**
 * The manifest's CISS Search part: the functions behind the search routes (functions/search/
 * routes.ts), the ingestion functions, their event rules and schedules, merged into
 * `infra/manifest.ts`. Plain `as const` literals (checked there), so the types do not loop.
 */
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
    permissions: [{ searchDb: 'query' }],
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
export const searchFunctions = {} as const;

export const searchEventRules = {} as const;

export const searchSchedules = {} as const;

export { searchDbEnv };
