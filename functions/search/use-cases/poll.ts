/**
 * Polling: the sources that deliver by API (poll) or by files (batch) are asked for what changed
 * after their cursor.
 *
 * 1. Each poll or batch source whose period has passed since its last try is asked, one after
 *    the other, page after page (a few per run, so a run ends inside its timeout); a source with
 *    more than a run takes is asked again on the next run, whatever its period.
 * 2. Each page is ingested as its source delivered it (ingestFromSource), then the cursor moves
 *    on: a failure mid-way retries from the last page applied (search_apply makes that safe).
 * 3. A source that fails (its API down, an answer that is not JSON) has its error recorded in
 *    search_source_state and the run goes on with the others: one source's outage neither blocks
 *    nor corrupts another.
 */
import { SOURCES, type Source } from '../domain/sources';
import { deliveryState, ingestFromSource, recordDelivery, type IngestPorts } from './ingest';

/** One page of a source's changes after a cursor. */
export interface SourcePage {
  readonly changes: readonly unknown[];
  /** Where the next page starts. */
  readonly cursor: string;
  /** Whether more pages wait now. */
  readonly more: boolean;
}

/** The sources' APIs (and their file drops), as the poll sees them. */
export interface SourceApi {
  /** The changes after the cursor (from the start when absent); undefined when nothing is new. */
  next(source: Source, cursor: string | undefined): Promise<SourcePage | undefined>;
}

export interface PollPorts extends IngestPorts {
  readonly api: SourceApi;
  /** Now, ISO 8601. */
  readonly now: () => string;
  /** Pages per source per run at most. @default 20 */
  readonly pagesPerRun?: number;
}

export interface SourcePollOutcome {
  readonly source: string;
  readonly ok: boolean;
  readonly pages: number;
  readonly applied: number;
  readonly removed: number;
  readonly rejected: number;
  readonly error?: string;
  readonly skipped?: 'not due';
}

/**
 * The sources the poll asks: those that deliver by API, and those that deliver by batch file unless
 * a drop bucket delivers their files (AWS: each file dropped is ingested by search-drop, and the
 * poll asking too would be a second path for the same files).
 */
export function polledSources(batchFilesDropped: boolean, sources: readonly Source[] = SOURCES): Source[] {
  return sources.filter((s) => s.delivery.mode === 'poll' || (s.delivery.mode === 'batch' && !batchFilesDropped));
}

/** Polls every due source of `sources` (the poll and batch sources); answers what each did. */
export async function pollSources(ports: PollPorts, sources: readonly Source[] = polledSources(false)): Promise<SourcePollOutcome[]> {
  const out: SourcePollOutcome[] = [];
  for (const source of sources) out.push(await pollSource(source, ports));
  return out;
}

async function pollSource(source: Source, ports: PollPorts): Promise<SourcePollOutcome> {
  const state = await deliveryState(ports.engine, source.id);
  const period = (source.delivery.everyMinutes ?? 15) * 60_000;
  // A minute's slack, so a schedule that fires on the period is not a minute late every time.
  if (state?.lastTryAt && Date.parse(ports.now()) - Date.parse(state.lastTryAt) < period - 60_000) return { source: source.id, ok: true, pages: 0, applied: 0, removed: 0, rejected: 0, skipped: 'not due' };
  let cursor = state?.cursor;
  let pages = 0;
  let applied = 0;
  let removed = 0;
  let rejected = 0;
  try {
    for (let more = true; more && pages < (ports.pagesPerRun ?? 20); ) {
      const page = await ports.api.next(source, cursor);
      if (!page) break;
      const outcome = await ingestFromSource(source, page.changes, ports);
      applied += outcome.applied;
      removed += outcome.removed;
      rejected += outcome.rejected.length;
      cursor = page.cursor;
      more = page.more;
      pages++;
      const behind = more && pages >= (ports.pagesPerRun ?? 20);
      await recordDelivery(ports.engine, source.id, { ok: true, cursor, behind }, ports.now());
    }
    if (pages === 0) await recordDelivery(ports.engine, source.id, { ok: true }, ports.now());
    return { source: source.id, ok: true, pages, applied, removed, rejected };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await recordDelivery(ports.engine, source.id, { ok: false, error: message }, ports.now());
    return { source: source.id, ok: false, pages, applied, removed, rejected, error: message };
  }
}
