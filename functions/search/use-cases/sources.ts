import type { SourceStatus } from '../domain/answer';
import { SOURCES } from '../domain/sources';
import type { SqlEngine } from '../ports';
import { isoSql } from './shared';

export interface SourcesPorts {
  readonly engine: SqlEngine;
}

/**
 * GET /search/sources (search, operations, auditor): the source systems from the registry, each
 * with how many records search holds from it and how its deliveries stand.
 * 1. the registry (configuration): name, agency, kinds, delivery
 * 2. the engine: records per source; the last delivery that worked, and a failure after it
 */
export async function listSources(ports: SourcesPorts): Promise<{ sources: SourceStatus[] }> {
  const [counts, states] = await Promise.all([
    ports.engine.query('SELECT source, count(*)::int AS records FROM search_record GROUP BY source'),
    ports.engine.query(`SELECT source, ${isoSql('last_ok_at')} AS last_ok_at, last_error, ${isoSql('last_try_at')} AS last_try_at, (last_error IS NOT NULL AND last_try_at IS NOT NULL AND (last_ok_at IS NULL OR last_try_at > last_ok_at)) AS failing FROM search_source_state`),
  ]);
  const records = new Map(counts.map((r) => [String(r['source']), Number(r['records'])]));
  const state = new Map(states.map((r) => [String(r['source']), r]));
  return {
    sources: SOURCES.map((s) => {
      const st = state.get(s.id);
      const lastOk = st?.['last_ok_at'];
      return {
        id: s.id,
        name: s.name,
        agency: s.agency,
        kinds: s.kinds,
        delivery: s.delivery.mode,
        records: records.get(s.id) ?? 0,
        ...(typeof lastOk === 'string' ? { lastDeliveredAt: lastOk } : {}),
        ...(st?.['failing'] === true ? { failing: { at: String(st['last_try_at']), error: String(st['last_error']) } } : {}),
      };
    }),
  };
}
