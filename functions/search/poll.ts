import * as z from 'zod/mini';
import { lazy, once } from '#shared/lazy';
import { recordAudit } from '#shared/audit';
import { loadEnv, nonEmpty, optionalText } from '#shared/env';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { searchEngine } from './adapters/engine';
import { HttpSourceApi } from './adapters/source-api';
import { polledSources, pollSources } from './use-cases/poll';

/** The sources' API and the sources polled, from the environment at the first run (not at import). */
const polled = once(() => {
  const env = loadEnv({ SEARCH_SOURCES_URL: nonEmpty, SEARCH_DROP_BUCKET: optionalText });
  // Where a drop bucket is (AWS), the batch sources' files come by it, not by the poll.
  return { api: new HttpSourceApi(env.SEARCH_SOURCES_URL), sources: polledSources(Boolean(env.SEARCH_DROP_BUCKET)) };
});

/** The schedule's event (its content is not used). */
const Scheduled = /* @__PURE__ */ lazy(() => z.object({ source: z.string() }));

/** Asks each due poll source (and batch source, where no drop bucket is) for its changes; a source that fails is recorded and the others go on. */
export const handler = taskHandler(Scheduled, async () => {
  const { api, sources } = polled();
  const outcomes = await pollSources({ engine: searchEngine('ingest'), audit: recordAudit, api, now: nowIso }, sources);
  for (const o of outcomes.filter((x) => !x.ok)) logger.warn('search source failed', { source: o.source, error: o.error });
  return { sources: outcomes };
});
