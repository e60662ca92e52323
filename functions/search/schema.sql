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
-- ---------------------------------------------------------------------------------------------
-- Who may do what (engine helper's section; keep it last: it grants on the tables above).
-- Two database users, one per secret, so that the database itself refuses what a function may
-- not do. Locally the Data API on the edge runs each statement under the secret's role (SET
-- ROLE); in Aurora each secret holds that user's password. The roles are made NOLOGIN here, if
-- absent: in Aurora the deployment gives them LOGIN and the password of their secret
-- (ALTER ROLE search_query LOGIN PASSWORD '...'), which no file here holds.
--   search_query  the route functions (GET /search, /search/records, /search/sources, /search/log):
--                 read the index and the sources' state; write and read the query log.
--   search_ingest the connectors and the indexer: everything on the index, the tombstones and the
--                 sources' state; nothing on the query log (the words people searched for).
-- Functions (search_norm, search_apply) run with the caller's rights (SECURITY INVOKER), so a
-- function cannot do for search_query what search_query may not do itself.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'search_query') THEN CREATE ROLE search_query NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'search_ingest') THEN CREATE ROLE search_ingest NOLOGIN; END IF;
END
$$
-- ;
GRANT USAGE ON SCHEMA public TO search_query, search_ingest
-- ;
GRANT SELECT ON search_record, search_name, search_identifier, search_source_state TO search_query
-- ;
GRANT SELECT, INSERT ON search_query TO search_query
-- ;
GRANT SELECT, INSERT, UPDATE, DELETE ON search_record, search_name, search_identifier, search_tombstone, search_source_state TO search_ingest
