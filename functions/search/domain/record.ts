/**
 * What CISS Search holds: one canonical record per (source system, record id), whatever shape the
 * source delivers it in. Connectors (functions/search/domain/connectors.ts) map each source's own
 * fields onto this; the engine (PostgreSQL: PGlite locally, Aurora through the Data API in AWS)
 * indexes it; the API shows it. Application vocabulary: infra/ imports it, never the other way.
 */
import * as z from 'zod';

/** The kinds of records the source systems hold. */
export const RECORD_KINDS = ['person', 'arrest', 'case', 'charge', 'disposition', 'protective-order', 'registration', 'licence', 'vehicle', 'custody', 'supervision', 'incident', 'permit'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export const RecordKindSchema = z.enum(RECORD_KINDS);

/** The identifiers a record may carry, each searchable exactly from the one box. */
export const IDENTIFIER_KINDS = ['sid', 'fbi', 'licence', 'plate', 'docket', 'ori-incident'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** A source system's id, as its registry entry names it (functions/search/domain/sources.json). */
export const SourceIdSchema = z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be a source id: lower-case letters, digits and -');
/** A record's id within its source (opaque to search). */
export const RecordIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be a record id: letters, digits and . _ : -');

const IsoDate = z.iso.date();

/** A name as a source gives it; a record may carry several (aliases, maiden names, spellings). */
export const PersonNameSchema = z.object({
  first: z.string().max(80).optional(),
  middle: z.string().max(80).optional(),
  last: z.string().min(1).max(80),
  suffix: z.string().max(10).optional(),
});
export type PersonName = z.infer<typeof PersonNameSchema>;

/** The person a record is about, as far as the source knows. */
export const PersonSchema = z.object({
  /** The name the source files the record under first, then any others. */
  names: z.array(PersonNameSchema).min(1).max(10),
  dob: IsoDate.optional(),
  sex: z.enum(['F', 'M', 'X', 'U']).optional(),
});
export type Person = z.infer<typeof PersonSchema>;

/** One field of a record as its detail page shows it: a label and a value (text). */
export const RecordFieldSchema = z.object({ label: z.string().min(1).max(80), value: z.string().max(2000) });
export type RecordField = z.infer<typeof RecordFieldSchema>;

/**
 * A record as search holds it. `version` increases with each change the source makes; ingestion
 * keeps the highest it has seen, so a replay or a late duplicate changes nothing.
 */
export const SearchRecordSchema = z.object({
  source: SourceIdSchema,
  id: RecordIdSchema,
  version: z.int().min(1),
  kind: RecordKindSchema,
  /** A one-line title: "Arrest by New Haven PD, 3 charges", "Registration ABC1234". */
  title: z.string().min(1).max(200),
  /** The record's own date: arrest, filing, issue, admission... */
  date: IsoDate.optional(),
  /** The Connecticut town the record belongs to, if any. */
  town: z.string().max(60).optional(),
  person: PersonSchema.optional(),
  identifiers: z.partialRecord(z.enum(IDENTIFIER_KINDS), z.array(z.string().min(1).max(40)).max(10)).default({}),
  /** A juvenile record (CGS § 46b-124): shown only to the roles the visibility rules allow. */
  juvenile: z.boolean().default(false),
  /** The rest of the record, for its detail page and for free-text search. */
  fields: z.array(RecordFieldSchema).max(60).default([]),
});
export type SearchRecord = z.infer<typeof SearchRecordSchema>;
export type SearchRecordInput = z.input<typeof SearchRecordSchema>;

/**
 * One change a source reports, in order per record:
 * - `upsert`: the record as it now is;
 * - `erase`: erased by statute (CGS § 54-142a); it leaves search at once and for good;
 * - `seal`: sealed (e.g. juvenile, or by order); it too leaves search and is not shown again.
 * An erase or a seal carries no content, only which record and at which version.
 */
export const RecordChangeSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('upsert'), record: SearchRecordSchema }),
  z.object({ op: z.enum(['erase', 'seal']), source: SourceIdSchema, id: RecordIdSchema, version: z.int().min(1) }),
]);
export type RecordChange = z.infer<typeof RecordChangeSchema>;

/** A record's key in search: `<source>/<id>` (audit subjects and links name records by it). */
export const recordKey = (source: string, id: string): string => `${source}/${id}`;
