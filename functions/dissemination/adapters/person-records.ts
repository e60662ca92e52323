import { SearchRecordSchema, type SearchRecord } from '../../search/domain/record';
import { normaliseIdentifier } from '../../search/domain/query';
import type { SqlEngine, SqlRow } from '../../search/ports';
import type { MatchedKind } from '../domain/rules';
import type { PersonRecords } from '../ports';

/**
 * Records of a kind about a person, from CISS Search's index (as its `query` database user):
 * the same SID (search_identifier, normalised as search normalises identifiers), or the same
 * surname, given name and date of birth (search_name, normalised by the engine's search_norm).
 * Erased and sealed records are not in the index, so they never match. And a source's records by
 * id, as search wrote them (a source's record event).
 */
export const MATCHING_SQL = `SELECT r.body::text AS body
FROM search_record r
WHERE r.kind = :kind
  AND (
    (:sid::text IS NOT NULL AND EXISTS (SELECT 1 FROM search_identifier i WHERE i.source = r.source AND i.record_id = r.record_id AND i.kind = 'sid' AND i.value_norm = :sid::text))
    OR (:last::text IS NOT NULL AND :first::text IS NOT NULL AND :dob::text IS NOT NULL AND EXISTS (
      SELECT 1 FROM search_name n WHERE n.source = r.source AND n.record_id = r.record_id
        AND n.last_norm = search_norm(:last::text) AND n.first_norm = search_norm(:first::text) AND n.dob = :dob::date))
  )
ORDER BY r.event_date DESC NULLS LAST, r.source, r.record_id
LIMIT 20`;

/** A source's records by id (search_record's key is source and record id). */
export const WRITTEN_SQL = `SELECT r.body::text AS body
FROM search_record r
WHERE r.source = :source AND r.record_id IN (SELECT jsonb_array_elements_text(:ids::jsonb))
ORDER BY r.record_id`;

const parsed = (rows: readonly SqlRow[]): SearchRecord[] =>
  rows.flatMap((row): SearchRecord[] => {
    const record = SearchRecordSchema.safeParse(JSON.parse(String(row['body'])));
    return record.success ? [record.data] : [];
  });

export function searchPersonRecords(engine: SqlEngine): PersonRecords {
  return {
    async matching(kind: MatchedKind, person) {
      const rows = await engine.query(MATCHING_SQL, {
        kind,
        sid: person.sid ? normaliseIdentifier(person.sid) : null,
        last: person.last ?? null,
        first: person.first ?? null,
        dob: person.dob ?? null,
      });
      return parsed(rows);
    },
    async written(source, ids) {
      return parsed(await engine.query(WRITTEN_SQL, { source, ids: JSON.stringify(ids) }));
    },
  };
}
