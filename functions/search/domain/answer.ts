/**
 * What the search routes answer: the API's shapes, which the portal renders. Types only (the
 * portal imports them; zod schemas for the query string live in domain/query.ts).
 */
import type { IdentifierKind, RecordField, RecordKind } from './record';

/** How a part of the query matched a field: the explanation a hit carries. */
export type MatchHow =
  | 'exact'
  | 'typo' // trigram similarity / Levenshtein
  | 'phonetic' // double metaphone
  | 'nickname' // "Bill" for William
  | 'initial' // "J" for John
  | 'swapped-date' // day and month swapped
  | 'transposed' // first and last name the other way round
  | 'identifier'
  | 'text' // full text
  | 'differs' // the record's date of birth is none the query gave (a negative weight)
  | 'linked'; // not asked for: the same person as a confident hit (same SID, FBI number, licence, docket, or surname and date of birth)

/** One field of a hit that matched, with the part of its value that matched (for highlighting). */
export interface MatchedField {
  /** `name`, `dob`, an identifier kind, or `text`. */
  readonly field: 'name' | 'dob' | IdentifierKind | 'text';
  /** The value as shown (as the caller may see it). */
  readonly value: string;
  /** [start, end) character ranges of `value` to highlight. */
  readonly highlight: readonly (readonly [number, number])[];
  readonly how: MatchHow;
  /** What this match added to the hit's score: the ranking, explained. */
  readonly weight: number;
}

/** One record found. */
export interface SearchHit {
  readonly source: string;
  /** The source system's name, as the registry gives it. */
  readonly sourceName: string;
  readonly recordId: string;
  readonly kind: RecordKind;
  readonly title: string;
  readonly date?: string;
  readonly town?: string;
  /** The person's name and date of birth as this record gives them (as the caller may see them). */
  readonly name?: string;
  readonly dob?: string;
  readonly score: number;
  readonly matched: readonly MatchedField[];
}

/** Hits that likely concern one person, across sources, and why they were put together. */
export interface PersonGroup {
  /** Stable within one answer only. */
  readonly key: string;
  /** The name and date of birth most hits give. */
  readonly name: string;
  readonly dob?: string;
  /** Why these hits are one person: "same SID CT1234567", "same name and date of birth". */
  readonly because: readonly string[];
  readonly score: number;
  readonly hits: readonly SearchHit[];
}

/** How the box read the query: also what the portal shows as the user types (no records read). */
export interface QueryReading {
  readonly names: readonly { readonly first?: string; readonly last: string }[];
  /** Each date the query may mean (day and month swapped when both are ≤ 12). */
  readonly dobs: readonly string[];
  readonly identifiers: readonly { readonly kind: IdentifierKind; readonly value: string }[];
  /** Words searched as free text. */
  readonly words: readonly string[];
}

/** GET /search */
export interface SearchAnswer {
  /** The query's id in the audit trail (`SearchPerformed`, subject `search-query`). */
  readonly queryId: string;
  readonly purpose: string;
  readonly reading: QueryReading;
  /** Records matched, before grouping, that the caller may see. */
  readonly total: number;
  readonly people: readonly PersonGroup[];
  readonly nextToken?: string;
}

/** GET /search/records/{source}/{id} */
export interface RecordAnswer {
  readonly source: string;
  readonly sourceName: string;
  readonly agency: string;
  readonly recordId: string;
  readonly version: number;
  readonly kind: RecordKind;
  readonly title: string;
  readonly date?: string;
  readonly town?: string;
  readonly names: readonly string[];
  readonly dob?: string;
  readonly identifiers: readonly { readonly kind: IdentifierKind; readonly value: string }[];
  readonly juvenile: boolean;
  readonly fields: readonly RecordField[];
  /** When search last received this record. */
  readonly indexedAt: string;
}

/** GET /search/sources: one entry per source system. */
export interface SourceStatus {
  readonly id: string;
  readonly name: string;
  readonly agency: string;
  readonly kinds: readonly RecordKind[];
  readonly delivery: 'events' | 'batch' | 'poll';
  readonly records: number;
  readonly lastDeliveredAt?: string;
  /** The last delivery failed: when it was tried, and the error in words. */
  readonly failing?: { readonly at: string; readonly error: string };
}

/** GET /search/log: one search as the auditor sees it. */
export interface LoggedSearch {
  readonly queryId: string;
  readonly actor: string;
  readonly at: string;
  readonly purpose: string;
  readonly text: string;
  readonly filters: Readonly<Record<string, string>>;
  readonly results: number;
}
