import * as z from 'zod/mini';

/** Every event CISS Search itself publishes comes from here (a source's own events are `ciss.search.<id>`). */
export const SEARCH_EVENTS_SOURCE = 'ciss.search';

/**
 * Published by search-ingest once a source's pushed changes (SearchRecordsChanged) are in the
 * index: which of the source's records the batch wrote (its upserts, replays included), by id and
 * version. Ids only: a consumer reads each record from the index as it now is.
 */
export const SearchRecordsWritten = {
  source: SEARCH_EVENTS_SOURCE,
  detailType: 'SearchRecordsWritten',
  version: '1',
  /** Built on first use: the publisher and the consumer read it, the rules only name the event. */
  get detail() {
    return (detail ??= schema());
  },
} as const;

const schema = () =>
  z.object({
    version: z.literal('1'),
    /** The source's id (functions/search/domain/sources.json). */
    source: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,39}$/)),
    records: z
      .array(z.object({ id: z.string().check(z.minLength(1), z.maxLength(128)), version: z.int().check(z.gte(1)) }))
      .check(z.minLength(1), z.maxLength(1000)),
  });
let detail: ReturnType<typeof schema> | undefined;
export type SearchRecordsWrittenDetail = z.infer<ReturnType<typeof schema>>;
