/**
 * The search engine the entries use: one DataApiEngine per process, made on first use from the
 * environment (SEARCH_DB_ARN, SEARCH_DB_SECRET_ARN, SEARCH_DB_NAME). Made lazily, so a cold start
 * that never searches neither reads those variables nor builds the client.
 */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { SqlEngine } from '../ports';
import { DataApiEngine, searchDbEnv } from './data-api';

let engine: SqlEngine | undefined;

export function searchEngine(): SqlEngine {
  // Where the client points is the SDK's business: AWS_ENDPOINT_URL names the local edge.
  engine ??= new DataApiEngine(new RDSDataClient({}), searchDbEnv());
  return engine;
}
