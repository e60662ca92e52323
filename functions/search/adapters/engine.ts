/**
 * The search engine the entries use: one DataApiEngine per process and access, made on first use
 * from the environment (SEARCH_DB_ARN, SEARCH_DB_<ACCESS>_SECRET_ARN, SEARCH_DB_NAME). Made
 * lazily, so a cold start that never searches neither reads those variables nor builds the client:
 * the entries ask for it at import (their ports), and its first query makes it (the RDS Data
 * client's construction, its configuration resolved, was 2–5 ms of every search function's load).
 */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { CLIENT_CONFIG } from '#shared/clients/lazy';
import { lazy } from '#shared/lazy';
import type { SqlEngine } from '../ports';
import { DataApiEngine, searchDbEnv, type SearchDbAccess } from './data-api';

const engines = new Map<SearchDbAccess, SqlEngine>();

/** The engine as the database user for `access`: `query` for the routes, `ingest` for ingestion. */
export function searchEngine(access: SearchDbAccess): SqlEngine {
  let engine = engines.get(access);
  if (!engine) {
    // Where the client points is the SDK's business: AWS_ENDPOINT_URL names the local edge.
    engine = lazy(() => new DataApiEngine(new RDSDataClient(CLIENT_CONFIG), searchDbEnv(access)));
    engines.set(access, engine);
  }
  return engine;
}
