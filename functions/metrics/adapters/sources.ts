import { SOURCES } from '../../search/domain/sources';
import type { SqlEngine } from '../../search/ports';
import { isoSql } from '../../search/use-cases/shared';
import type { SourceState } from '../domain/figures';

/**
 * CISS Search's source systems (its registry) and when each last delivered successfully (the
 * search database's `search_source_state`, one row per source: no count of records).
 */
export async function sourceStates(engine: SqlEngine): Promise<SourceState[]> {
  const rows = await engine.query(`SELECT source, ${isoSql('last_ok_at')} AS last_ok_at FROM search_source_state`);
  const last = new Map(rows.map((r) => [String(r['source']), r['last_ok_at']]));
  return SOURCES.map((s) => {
    const at = last.get(s.id);
    return { id: s.id, name: s.name, ...(typeof at === 'string' ? { lastDeliveredAt: at } : {}) };
  });
}
