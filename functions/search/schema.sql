-- CISS Search's engine: PostgreSQL, the same schema on PGlite (locally) and Aurora PostgreSQL
-- (AWS, through the RDS Data API). Applied at start locally and by the deployment in AWS; every
-- statement is idempotent, so applying it again changes nothing. Statements are separated by a
-- line holding only `-- ;` (the Data API runs one statement per call).
--
-- What lives here is what a search engine does: normalising (unaccent, lower case), trigram
-- similarity, double metaphone, Levenshtein distance and full text. Application code only builds
-- statements.

CREATE EXTENSION IF NOT EXISTS pg_trgm
-- ;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch
-- ;
CREATE EXTENSION IF NOT EXISTS unaccent
-- ;
-- Names and words as search compares them: without accents, lower case, punctuation as spaces
-- ("O'Brien-Núñez" -> "o brien nunez"). IMMUTABLE through the two-argument unaccent, so it can
-- back indexes.
CREATE OR REPLACE FUNCTION search_norm(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, value)), '[^a-z0-9]+', ' ', 'g')) $$
-- ;
-- One row per record: the canonical record (record.ts) as JSON, and what filters need.
CREATE TABLE IF NOT EXISTS search_record (
  source      text        NOT NULL,
  record_id   text        NOT NULL,
  version     bigint      NOT NULL,
  kind        text        NOT NULL,
  title       text        NOT NULL,
  event_date  date,
  town        text,
  juvenile    boolean     NOT NULL DEFAULT false,
  body        jsonb       NOT NULL,
  doc         tsvector    NOT NULL,
  indexed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, record_id)
)
-- ;
CREATE INDEX IF NOT EXISTS search_record_doc ON search_record USING gin (doc)
-- ;
CREATE INDEX IF NOT EXISTS search_record_date ON search_record (event_date)
-- ;
-- One row per name a record carries (the first is the name it is filed under), normalised, with
-- its phonetic codes, for the fuzzy, phonetic and nickname matches.
CREATE TABLE IF NOT EXISTS search_name (
  source      text    NOT NULL,
  record_id   text    NOT NULL,
  ord         int     NOT NULL,
  first_norm  text    NOT NULL DEFAULT '',
  middle_norm text    NOT NULL DEFAULT '',
  last_norm   text    NOT NULL,
  full_norm   text    NOT NULL,
  first_code  text    NOT NULL DEFAULT '',
  last_code   text    NOT NULL DEFAULT '',
  last_code2  text    NOT NULL DEFAULT '',
  dob         date,
  PRIMARY KEY (source, record_id, ord),
  FOREIGN KEY (source, record_id) REFERENCES search_record (source, record_id) ON DELETE CASCADE
)
-- ;
CREATE INDEX IF NOT EXISTS search_name_last_trgm ON search_name USING gin (last_norm gin_trgm_ops)
-- ;
CREATE INDEX IF NOT EXISTS search_name_full_trgm ON search_name USING gin (full_norm gin_trgm_ops)
-- ;
CREATE INDEX IF NOT EXISTS search_name_last_code ON search_name (last_code)
-- ;
CREATE INDEX IF NOT EXISTS search_name_last_code2 ON search_name (last_code2)
-- ;
CREATE INDEX IF NOT EXISTS search_name_dob ON search_name (dob)
-- ;
-- A short surname's typo shares too few trigrams with it ("Cen" for Chen): such names are found
-- by first letter and length, then edit distance.
CREATE INDEX IF NOT EXISTS search_name_last_initial ON search_name (left(last_norm, 1), length(last_norm))
-- ;
-- One row per identifier (SID, FBI number, licence, plate, docket, ORI:incident), normalised:
-- upper case, letters and digits only.
CREATE TABLE IF NOT EXISTS search_identifier (
  source     text NOT NULL,
  record_id  text NOT NULL,
  kind       text NOT NULL,
  value_norm text NOT NULL,
  PRIMARY KEY (source, record_id, kind, value_norm),
  FOREIGN KEY (source, record_id) REFERENCES search_record (source, record_id) ON DELETE CASCADE
)
-- ;
CREATE INDEX IF NOT EXISTS search_identifier_value ON search_identifier (value_norm)
-- ;
-- Records erased or sealed: which, at which version, why and when; never what they said. A change
-- for a record here at or below that version is ignored, so a replay cannot bring it back.
CREATE TABLE IF NOT EXISTS search_tombstone (
  source     text        NOT NULL,
  record_id  text        NOT NULL,
  version    bigint      NOT NULL,
  reason     text        NOT NULL CHECK (reason IN ('erase', 'seal')),
  at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, record_id)
)
-- ;
-- Where each polled or batched source's ingestion stands (its cursor), and its last outcome.
CREATE TABLE IF NOT EXISTS search_source_state (
  source      text        PRIMARY KEY,
  cursor      text,
  last_ok_at  timestamptz,
  last_error  text,
  last_try_at timestamptz
)
-- ;
-- The days each source delivered on (a push of its changes, or a poll or batch that answered
-- without error), UTC: the program's figures count a source live in a period when it delivered
-- in it (functions/metrics). One row per source and day.
CREATE TABLE IF NOT EXISTS search_source_day (
  source     text    NOT NULL,
  day        date    NOT NULL,
  deliveries integer NOT NULL DEFAULT 1,
  PRIMARY KEY (source, day)
)
-- ;
-- The text of each query, kept beside the audit trail: the trail (append-only, kept for good) names
-- the query by id only; its words, which name people, live here and are purged after the
-- retention period (CJIS AU-11: at least a year).
CREATE TABLE IF NOT EXISTS search_query (
  query_id   text        PRIMARY KEY,
  actor      text        NOT NULL,
  at         timestamptz NOT NULL,
  purpose    text        NOT NULL,
  text       text        NOT NULL,
  filters    jsonb       NOT NULL DEFAULT '{}'::jsonb,
  results    int         NOT NULL
)
-- ;
CREATE INDEX IF NOT EXISTS search_query_actor ON search_query (actor, at)
-- ;
-- The one way records change: a batch of changes (record.ts RecordChange, as a JSON array),
-- applied set-wise and idempotently by (source, record id, version). Answers
-- {applied, skipped, removed, removals: [{source, id, version, reason}]} (removals: the records
-- this call removed or whose tombstone it raised, for the audit trail; ids only).
-- - erase/seal: the record is deleted (its names and identifiers cascade) and its tombstone
--   written or raised to the highest version seen; erase wins over seal. The change applies
--   whatever version the stored record has: a removal is never the one to lose a race.
-- - upsert: within a batch, the highest version of each record; applied only if higher than the
--   stored version, and if no tombstone blocks it. An erase (CGS § 54-142a) blocks every later
--   version, for good; a seal blocks versions up to its own (a source that unseals sends a newer
--   version). So a replay, a late duplicate or an older version changes nothing.
-- Names are normalised with search_norm(); phonetic codes are dmetaphone()/dmetaphone_alt() of
-- the normalised part without spaces ("O'Brien" and "OBrien", "de la Cruz" and "Delacruz" share
-- them); identifiers are upper-case letters and digits only. The full text (doc) holds the title,
-- town, names, identifiers (as written and normalised) and field values, but not the fields of a
-- protective order's protected party ("Protected party…"): the visibility rules show those only
-- to judicial and court clerks, so their names must not find the record for anyone else.
CREATE OR REPLACE FUNCTION search_apply(changes jsonb) RETURNS jsonb
  LANGUAGE plpgsql
  AS $$
DECLARE
  total int := jsonb_array_length(changes);
  todo jsonb;
  replaced jsonb;
  removals jsonb;
  n_applied int := 0;
BEGIN
  WITH asked AS (
    SELECT c->>'source' AS source, c->>'id' AS record_id, (c->>'version')::bigint AS version, c->>'op' AS reason
    FROM jsonb_array_elements(changes) c
    WHERE c->>'op' IN ('erase', 'seal')
  ), one AS (
    SELECT source, record_id, max(version) AS version, CASE WHEN bool_or(reason = 'erase') THEN 'erase' ELSE 'seal' END AS reason
    FROM asked GROUP BY source, record_id
  ), raised AS (
    INSERT INTO search_tombstone AS t (source, record_id, version, reason)
    SELECT source, record_id, version, reason FROM one
    ON CONFLICT (source, record_id) DO UPDATE
      SET version = greatest(t.version, excluded.version),
          reason = CASE WHEN t.reason = 'erase' OR excluded.reason = 'erase' THEN 'erase' ELSE 'seal' END,
          at = now()
      WHERE excluded.version > t.version OR (excluded.reason = 'erase' AND t.reason = 'seal')
    RETURNING t.source, t.record_id
  ), deleted AS (
    DELETE FROM search_record s USING one
    WHERE s.source = one.source AND s.record_id = one.record_id
    RETURNING s.source, s.record_id
  ), removed AS (
    SELECT source, record_id FROM raised UNION SELECT source, record_id FROM deleted
  )
  SELECT coalesce(jsonb_agg(jsonb_build_object('source', one.source, 'id', one.record_id, 'version', one.version, 'reason', one.reason) ORDER BY one.source, one.record_id), '[]'::jsonb)
  INTO removals
  FROM one JOIN removed USING (source, record_id);

  SELECT coalesce(jsonb_agg(u.r), '[]'::jsonb) INTO todo
  FROM (
    SELECT DISTINCT ON (c->'record'->>'source', c->'record'->>'id') c->'record' AS r
    FROM jsonb_array_elements(changes) c
    WHERE c->>'op' = 'upsert'
    ORDER BY c->'record'->>'source', c->'record'->>'id', (c->'record'->>'version')::bigint DESC
  ) u
  WHERE NOT EXISTS (
      SELECT 1 FROM search_tombstone t
      WHERE t.source = u.r->>'source' AND t.record_id = u.r->>'id' AND (t.reason = 'erase' OR t.version >= (u.r->>'version')::bigint))
    AND NOT EXISTS (
      SELECT 1 FROM search_record s
      WHERE s.source = u.r->>'source' AND s.record_id = u.r->>'id' AND s.version >= (u.r->>'version')::bigint);

  IF jsonb_array_length(todo) > 0 THEN
    -- The names and identifiers of the records this batch replaces (none in a first load).
    SELECT coalesce(jsonb_agg(jsonb_build_object('source', s.source, 'id', s.record_id)), '[]'::jsonb) INTO replaced
    FROM jsonb_array_elements(todo) r JOIN search_record s ON s.source = r->>'source' AND s.record_id = r->>'id';
    IF jsonb_array_length(replaced) > 0 THEN
      DELETE FROM search_name n USING jsonb_array_elements(replaced) r WHERE n.source = r->>'source' AND n.record_id = r->>'id';
      DELETE FROM search_identifier i USING jsonb_array_elements(replaced) r WHERE i.source = r->>'source' AND i.record_id = r->>'id';
    END IF;
    WITH written AS (
      INSERT INTO search_record AS s (source, record_id, version, kind, title, event_date, town, juvenile, body, doc, indexed_at)
      SELECT r->>'source', r->>'id', (r->>'version')::bigint, r->>'kind', r->>'title', (r->>'date')::date, r->>'town',
        coalesce((r->>'juvenile')::boolean, false), r,
        to_tsvector('simple', coalesce(search_norm(concat_ws(' ',
          r->>'title', r->>'town',
          (SELECT string_agg(concat_ws(' ', n->>'first', n->>'middle', n->>'last', n->>'suffix'), ' ') FROM jsonb_array_elements(coalesce(r->'person'->'names', '[]'::jsonb)) n),
          (SELECT string_agg(v || ' ' || regexp_replace(v, '[^A-Za-z0-9]+', '', 'g'), ' ') FROM jsonb_each(coalesce(r->'identifiers', '{}'::jsonb)) e, jsonb_array_elements_text(e.value) v),
          (SELECT string_agg(f->>'value', ' ') FROM jsonb_array_elements(coalesce(r->'fields', '[]'::jsonb)) f WHERE f->>'label' NOT ILIKE 'protected party%'))), '')),
        now()
      FROM jsonb_array_elements(todo) r
      ON CONFLICT (source, record_id) DO UPDATE
        SET version = excluded.version, kind = excluded.kind, title = excluded.title, event_date = excluded.event_date, town = excluded.town,
            juvenile = excluded.juvenile, body = excluded.body, doc = excluded.doc, indexed_at = excluded.indexed_at
        WHERE excluded.version > s.version
      RETURNING s.source, s.record_id, s.body
    ), names AS (
      INSERT INTO search_name (source, record_id, ord, first_norm, middle_norm, last_norm, full_norm, first_code, last_code, last_code2, dob)
      SELECT w.source, w.record_id, x.ord::int, x.first_norm, x.middle_norm, x.last_norm,
        concat_ws(' ', nullif(x.first_norm, ''), nullif(x.middle_norm, ''), nullif(x.last_norm, '')),
        coalesce(dmetaphone(replace(x.first_norm, ' ', '')), ''),
        coalesce(dmetaphone(replace(x.last_norm, ' ', '')), ''),
        coalesce(dmetaphone_alt(replace(x.last_norm, ' ', '')), ''),
        (w.body->'person'->>'dob')::date
      FROM written w
      CROSS JOIN LATERAL (
        SELECT o AS ord, coalesce(search_norm(n->>'first'), '') AS first_norm, coalesce(search_norm(n->>'middle'), '') AS middle_norm, coalesce(search_norm(n->>'last'), '') AS last_norm
        FROM jsonb_array_elements(coalesce(w.body->'person'->'names', '[]'::jsonb)) WITH ORDINALITY AS a(n, o)
      ) x
      ON CONFLICT DO NOTHING
      RETURNING 1
    ), idents AS (
      INSERT INTO search_identifier (source, record_id, kind, value_norm)
      SELECT DISTINCT w.source, w.record_id, e.key, upper(regexp_replace(v, '[^A-Za-z0-9]+', '', 'g'))
      FROM written w, jsonb_each(coalesce(w.body->'identifiers', '{}'::jsonb)) e, jsonb_array_elements_text(e.value) v
      WHERE regexp_replace(v, '[^A-Za-z0-9]+', '', 'g') <> ''
      ON CONFLICT DO NOTHING
      RETURNING 1
    )
    SELECT count(*) INTO n_applied FROM written;
  END IF;

  RETURN jsonb_build_object('applied', n_applied, 'removed', jsonb_array_length(removals), 'skipped', total - n_applied - jsonb_array_length(removals), 'removals', removals);
END
$$
-- ;
-- ---------------------------------------------------------------------------------------------
-- Who may do what (engine helper's section; keep it last: it grants on the tables above).
-- Three database users, one per secret, so that the database itself refuses what a function may
-- not do. Locally the Data API on the edge runs each statement under the secret's role (SET
-- ROLE); in Aurora each secret holds that user's password. The roles are made NOLOGIN here, if
-- absent: in Aurora the deployment gives them LOGIN and the password of their secret
-- (ALTER ROLE search_query LOGIN PASSWORD '...'), which no file here holds.
--   search_query  the route functions (GET /search, /search/records, /search/sources, /search/log):
--                 read the index and the sources' state; write and read the query log.
--   search_ingest the connectors and the indexer: everything on the index, the tombstones and the
--                 sources' state; nothing on the query log (the words people searched for).
--   search_purge  the query log's retention (search-purge): deletes from the query log, reading
--                 only its dates to choose what; nothing else.
-- Functions (search_norm, search_apply) run with the caller's rights (SECURITY INVOKER), so a
-- function cannot do for search_query what search_query may not do itself.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'search_query') THEN CREATE ROLE search_query NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'search_ingest') THEN CREATE ROLE search_ingest NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'search_purge') THEN CREATE ROLE search_purge NOLOGIN; END IF;
END
$$
-- ;
GRANT USAGE ON SCHEMA public TO search_query, search_ingest, search_purge
-- ;
GRANT SELECT ON search_record, search_name, search_identifier, search_source_state, search_source_day TO search_query
-- ;
GRANT SELECT, INSERT ON search_query TO search_query
-- ;
GRANT SELECT, INSERT, UPDATE, DELETE ON search_record, search_name, search_identifier, search_tombstone, search_source_state, search_source_day TO search_ingest
-- ;
GRANT SELECT (at), DELETE ON search_query TO search_purge
