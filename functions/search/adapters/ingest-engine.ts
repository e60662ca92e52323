/**
 * The search engine as the ingestion functions reach it: the Data API as the database user
 * `search_ingest`. Its secret comes in SEARCH_DB_INGEST_SECRET_ARN, not SEARCH_DB_SECRET_ARN: the
 * local runtime runs every handler in one process with one environment, where the query
 * functions' SEARCH_DB_SECRET_ARN names the other user's secret. Made once, on first use.
 */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { loadEnv, nonEmpty } from '#shared/env';
import type { SqlEngine } from '../ports';
import { DataApiEngine } from './data-api';

let engine: SqlEngine | undefined;

export function ingestEngine(): SqlEngine {
  if (!engine) {
    const env = loadEnv({ SEARCH_DB_ARN: nonEmpty, SEARCH_DB_INGEST_SECRET_ARN: nonEmpty, SEARCH_DB_NAME: nonEmpty });
    engine = new DataApiEngine(new RDSDataClient({}), { SEARCH_DB_ARN: env.SEARCH_DB_ARN, SEARCH_DB_SECRET_ARN: env.SEARCH_DB_INGEST_SECRET_ARN, SEARCH_DB_NAME: env.SEARCH_DB_NAME });
  }
  return engine;
}
