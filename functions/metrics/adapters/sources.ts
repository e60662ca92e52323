import { SOURCES } from '../../search/domain/sources';
import type { SqlEngine } from '../../search/ports';
import { isoSql } from '../../search/use-cases/shared';
import type { SourceState } from '../domain/figures';

/**
 * CISS Search's source systems (its registry) and when each last delivered successfully (the
 * search database's `search_source_state`, one row per source: no count of records); with a
 * range of days (`YYYY-MM-DD`, both inclusive), on how many of them each delivered
 * (`search_source_day`, one row per source and day).
 */
export async function sourceStates(engine: SqlEngine, range?: { readonly from: string; readonly to: string }): Promise<SourceState[]> {
  const [rows, days] = await Promise.all([
    engine.query(`SELECT source, ${isoSql('last_ok_at')} AS last_ok_at FROM search_source_state`),
    range ? engine.query('SELECT source, count(*)::int AS days FROM search_source_day WHERE day >= :from::date AND day <= :to::date GROUP BY source', { from: range.from, to: range.to }) : Promise.resolve([]),
  ]);
  const last = new Map(rows.map((r) => [String(r['source']), r['last_ok_at']]));
  const delivered = new Map(days.map((r) => [String(r['source']), Number(r['days'])]));
  return SOURCES.map((s) => {
    const at = last.get(s.id);
    return { id: s.id, name: s.name, ...(typeof at === 'string' ? { lastDeliveredAt: at } : {}), ...(range ? { daysDelivered: delivered.get(s.id) ?? 0 } : {}) };
  });
}
