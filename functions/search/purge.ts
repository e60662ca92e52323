import * as z from 'zod/mini';
import { lazy, once } from '#shared/lazy';
import { recordAudit } from '#shared/audit';
import { loadEnv } from '#shared/env';
import { coercedNumber } from '#shared/formats';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { searchEngine } from './adapters/engine';
import { purgeQueryLog } from './use-cases/purge';

/** The retention, in days (infra/manifest/search.ts; CJIS AU-11 asks at least a year, the use case refuses less). */
/** The retention, read at the first run (not at import). */
const retentionDays = once(() => loadEnv({ SEARCH_QUERY_LOG_RETENTION_DAYS: coercedNumber().check(z.int(), z.gte(365)) }).SEARCH_QUERY_LOG_RETENTION_DAYS);

/** The schedule's event (its content is not used). */
const Scheduled = /* @__PURE__ */ lazy(() => z.object({ source: z.string() }));

/** Purges the words of searches older than the query log's retention (as the purge user), audited as a count. */
export const handler = taskHandler(Scheduled, async () => purgeQueryLog({ engine: searchEngine('purge'), audit: recordAudit, now: nowIso, retentionDays: retentionDays() }));
