/**
 * What CISS Search holds: one canonical record per (source system, record id), whatever shape the
 * source delivers it in. Connectors (functions/search/domain/connectors.ts) map each source's own
 * fields onto this; the engine (PostgreSQL: PGlite locally, Aurora through the Data API in AWS)
 * indexes it; the API shows it. Application vocabulary: infra/ imports it, never the other way.
 */
import * as z from 'zod/mini';
import { isoDate } from '#shared/formats';
import { lazy } from '#shared/lazy';

/** The kinds of records the source systems hold. */
export const RECORD_KINDS = ['person', 'arrest', 'case', 'charge', 'disposition', 'protective-order', 'registration', 'licence', 'vehicle', 'custody', 'supervision', 'incident', 'permit'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export const RecordKindSchema = /* @__PURE__ */ lazy(() => z.enum(RECORD_KINDS));

/** The identifiers a record may carry, each searchable exactly from the one box. */
export const IDENTIFIER_KINDS = ['sid', 'fbi', 'licence', 'plate', 'docket', 'ori-incident'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** A source system's id, as its registry entry names it (functions/search/domain/sources.json). */
export const SourceIdSchema = /* @__PURE__ */ lazy(() => z.string().check(z.regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be a source id: lower-case letters, digits and -')));
/** A record's id within its source (opaque to search). */
export const RecordIdSchema = /* @__PURE__ */ lazy(() => z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be a record id: letters, digits and . _ : -')));

const IsoDate = /* @__PURE__ */ lazy(() => isoDate());

/** A name as a source gives it; a record may carry several (aliases, maiden names, spellings). */
export const PersonNameSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    first: z.optional(z.string().check(z.maxLength(80))),
    middle: z.optional(z.string().check(z.maxLength(80))),
    last: z.string().check(z.minLength(1), z.maxLength(80)),
    suffix: z.optional(z.string().check(z.maxLength(10))),
  }),
);
export type PersonName = z.infer<typeof PersonNameSchema>;

/** The person a record is about, as far as the source knows. */
export const PersonSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    /** The name the source files the record under first, then any others. */
    names: z.array(PersonNameSchema).check(z.minLength(1), z.maxLength(10)),
    dob: z.optional(IsoDate),
    sex: z.optional(z.enum(['F', 'M', 'X', 'U'])),
  }),
);
export type Person = z.infer<typeof PersonSchema>;

/** One field of a record as its detail page shows it: a label and a value (text). */
export const RecordFieldSchema = /* @__PURE__ */ lazy(() => z.object({ label: z.string().check(z.minLength(1), z.maxLength(80)), value: z.string().check(z.maxLength(2000)) }));
export type RecordField = z.infer<typeof RecordFieldSchema>;

/**
 * A record as search holds it. `version` increases with each change the source makes; ingestion
 * keeps the highest it has seen, so a replay or a late duplicate changes nothing.
 */
export const SearchRecordSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    source: SourceIdSchema,
    id: RecordIdSchema,
    version: z.int().check(z.gte(1)),
    kind: RecordKindSchema,
    /** A one-line title: "Arrest by New Haven PD, 3 charges", "Registration ABC1234". */
    title: z.string().check(z.minLength(1), z.maxLength(200)),
    /** The record's own date: arrest, filing, issue, admission... */
    date: z.optional(IsoDate),
    /** The Connecticut town the record belongs to, if any. */
    town: z.optional(z.string().check(z.maxLength(60))),
    person: z.optional(PersonSchema),
    identifiers: z._default(z.partialRecord(z.enum(IDENTIFIER_KINDS), z.array(z.string().check(z.minLength(1), z.maxLength(40))).check(z.maxLength(10))), {}),
    /** A juvenile record (CGS § 46b-124): shown only to the roles the visibility rules allow. */
    juvenile: z._default(z.boolean(), false),
    /** The rest of the record, for its detail page and for free-text search. */
    fields: z._default(z.array(RecordFieldSchema).check(z.maxLength(60)), []),
  }),
);
export type SearchRecord = z.infer<typeof SearchRecordSchema>;
export type SearchRecordInput = z.input<typeof SearchRecordSchema>;

/**
 * One change a source reports, in order per record:
 * - `upsert`: the record as it now is;
 * - `erase`: erased by statute (CGS § 54-142a); it leaves search at once and for good;
 * - `seal`: sealed (e.g. juvenile, or by order); it too leaves search and is not shown again.
 * An erase or a seal carries no content, only which record and at which version.
 */
export const RecordChangeSchema = /* @__PURE__ */ lazy(() =>
  z.discriminatedUnion('op', [
    z.object({ op: z.literal('upsert'), record: SearchRecordSchema }),
    z.object({ op: z.enum(['erase', 'seal']), source: SourceIdSchema, id: RecordIdSchema, version: z.int().check(z.gte(1)) }),
  ]),
);
export type RecordChange = z.infer<typeof RecordChangeSchema>;

/** A record's key in search: `<source>/<id>` (audit subjects and links name records by it). */
export const recordKey = (source: string, id: string): string => `${source}/${id}`;
