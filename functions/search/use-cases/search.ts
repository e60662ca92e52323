import * as z from 'zod/mini';
import { lazy } from '#shared/lazy';
import { AuditSubject, type AuditEvent, type AuditSource } from '#shared/audit';
import type { Cursors } from '#shared/cursor';
import type { Caller } from '#shared/http';
import type { MatchedField, MatchHow, PersonGroup, SearchAnswer, SearchHit } from '../domain/answer';
import { nicknamesOf } from '../domain/nicknames';
import { normaliseIdentifier, parseQuery, type NameCandidate, type ParsedQuery, type SearchQuery } from '../domain/query';
import { IDENTIFIER_KINDS, type IdentifierKind, type PersonName, type RecordKind } from '../domain/record';
import { sourceOf } from '../domain/sources';
import { hiddenRecordsSql, VISIBILITY_VERSION } from '../domain/visibility';
import type { SqlEngine, SqlParams, SqlRow } from '../ports';
import { displayName } from './shared';

/**
 * What each kind of match adds to a hit's score: the ranking, explained. Each MatchedField of an
 * answer carries the weight it added; a hit's score is their sum. `*Typo` weights are scaled by
 * how alike the two names are (0..1: trigram similarity, or 1 - edit distance / length);
 * `transposed` scales a name read the other way round.
 */
export const WEIGHTS = {
  identifier: 10,
  lastExact: 5,
  /** The query's surname is one word of a compound surname, or the other way round. */
  lastPart: 4,
  lastTypo: 4,
  lastPhonetic: 2.5,
  firstExact: 3,
  firstNickname: 2.5,
  firstTypo: 2.5,
  firstPhonetic: 1.5,
  firstInitial: 1.5,
  dobExact: 4,
  dobSwapped: 3,
  /** The record gives a date of birth and it is none the query gave: evidence of another person (a record without one loses nothing). */
  dobDiffers: -2,
  text: 1.5,
  transposed: 0.9,
  /** A record of the same person as a confident hit (the same SID, FBI number, licence or docket, or the same surname and date of birth), brought in for it. */
  linked: 3,
} as const;

/** At most this many records are scored and grouped for one query (the rest are not shown). */
export const MAX_HITS = 300;
/** At most this many records are brought in for being the same person as a confident hit, each round. */
const MAX_LINKED = 100;
/** At most this many candidate rows each way of matching (names, identifiers, text) gives. */
const MAX_CANDIDATES = 400;
/**
 * Name rows read before the record filters: enough that the caller's visibility (a few per cent
 * of records hidden) leaves MAX_CANDIDATES; unbounded (well, far larger) when the caller filters
 * by source, kind, dates or town, which may keep only a few of them.
 */
const NAME_ROWS = { unfiltered: 2_000, filtered: 50_000 } as const;

export interface SearchPorts {
  readonly engine: SqlEngine;
  readonly cursors: Pick<Cursors, 'open' | 'seal'>;
  /** Appends to the audit trail. */
  record(event: AuditEvent): Promise<void>;
  now(): Date;
  /** A new query id. */
  newId(): string;
}

export interface SearchRequest {
  readonly caller: Caller;
  readonly source: AuditSource;
  readonly query: SearchQuery;
  /** Settles once the caller's account check passed (it runs while the engine searches); rejects with the refusal. @default admitted already */
  readonly admitted?: () => Promise<void>;
}

const PageCursorSchema = /* @__PURE__ */ lazy(() => z.object({ offset: z.int().check(z.gte(0)) }));

/** The filters and visibility on search_record `r`, as SQL and parameters. */
export function recordConditions(q: SearchQuery, roles: readonly string[]): { sql: string; params: Record<string, string> } {
  const visibility = hiddenRecordsSql(roles);
  const parts = [visibility.sql];
  const params: Record<string, string> = { ...visibility.params };
  if (q.source) {
    parts.push('r.source = :f_source');
    params['f_source'] = q.source;
  }
  if (q.kind) {
    parts.push('r.kind = :f_kind');
    params['f_kind'] = q.kind;
  }
  if (q.from) {
    parts.push('r.event_date >= :f_from::date');
    params['f_from'] = q.from;
  }
  if (q.to) {
    parts.push('r.event_date <= :f_to::date');
    params['f_to'] = q.to;
  }
  if (q.town) {
    parts.push('search_norm(r.town) = search_norm(:f_town)');
    params['f_town'] = q.town;
  }
  return { sql: parts.join(' AND '), params };
}

/** Normalised on the engine, as ingestion normalised the indexed names. */
const NORM = (param: string) => `search_norm(:${param})`;
const CODE = (param: string) => `dmetaphone(replace(search_norm(:${param}), ' ', ''))`;
const CODE2 = (param: string) => `dmetaphone_alt(replace(search_norm(:${param}), ' ', ''))`;

/** The date of birth of name row `n` is one the query gave. */
const DOB_HIT = `(n.dob = ANY(string_to_array(:dobs, ' ')::date[])) IS TRUE`;
/**
 * The same, as a condition the planner can answer from search_name_dob: one arm of the rows' OR.
 * (`… IS TRUE` is no index condition: with it in the OR, the whole OR was a scan of every name,
 * seconds at 100,000 records. A NULL date is no row either way.)
 */
const DOB_IN = `n.dob = ANY(string_to_array(:dobs, ' ')::date[])`;

/**
 * How likely a name row is the person asked for, as the engine can tell before scoring: the
 * date of birth, the surname's likeness and the given name (exact or a nickname, else its
 * likeness), on about the scale of WEIGHTS. It orders the rows that are kept, so that among
 * thousands of rows with a common surname the ones with the right given name come first.
 */
const ROW_RANK = `(CASE WHEN ${DOB_HIT} THEN ${WEIGHTS.dobExact} ELSE 0 END
  + CASE WHEN replace(n.last_norm, ' ', '') = replace(${NORM('l')}, ' ', '') THEN ${WEIGHTS.lastExact} ELSE ${WEIGHTS.lastTypo} * similarity(n.last_norm, ${NORM('l')}) END
  + CASE WHEN ${NORM('f')} = '' OR n.first_norm = '' THEN 0 WHEN n.first_norm = ${NORM('f')} OR n.first_norm = ANY(string_to_array(:nicks, ' ')) THEN ${WEIGHTS.firstExact} ELSE ${WEIGHTS.firstTypo} * similarity(n.first_norm, ${NORM('f')}) END)`;

/**
 * One name reading against search_name: candidates by trigram similarity or double metaphone of
 * the surname (or, for a short surname, one edit or a swap of neighbours away with the same first
 * letter), or by date of birth; each with the signals the score is made of. When the reading has a given name, a row
 * must also agree on it: the same first letter, a nickname, a likeness, no given name, or the
 * date of birth (so "Smith John" read as surname John does not bring every Johnson). The rows
 * come first, best first (ROW_RANK), bounded before they meet search_record: a common surname
 * costs that many primary-key lookups, not a scan of every record. (No comments inside the SQL:
 * an apostrophe there would read as a quote.)
 */
export const nameSql = (where: string, nameRows: number) => `
SELECT n.source, n.record_id, n.ord, n.first_norm, n.last_norm, n.dob::text AS dob,
  ${NORM('l')} AS q_last, ${NORM('f')} AS q_first,
  (${NORM('l')} <> '' AND replace(n.last_norm, ' ', '') = replace(${NORM('l')}, ' ', '')) AS last_eq,
  (${NORM('l')} <> '' AND (${NORM('l')} = ANY(string_to_array(n.last_norm, ' ')) OR n.last_norm = ANY(string_to_array(${NORM('l')}, ' ')))) AS last_part,
  similarity(n.last_norm, ${NORM('l')})::float8 AS last_sim,
  levenshtein(left(n.last_norm, 100), left(${NORM('l')}, 100))::int AS last_lev,
  (${NORM('l')} <> '' AND n.last_code <> '' AND (n.last_code IN (${CODE('l')}, ${CODE2('l')}) OR n.last_code2 IN (${CODE('l')}, ${CODE2('l')}))) AS last_phon,
  (${NORM('f')} <> '' AND n.first_norm = ${NORM('f')}) AS first_eq,
  (n.first_norm <> '' AND n.first_norm = ANY(string_to_array(:nicks, ' '))) AS first_nick,
  (${NORM('f')} <> '' AND n.first_norm <> '' AND ((length(${NORM('f')}) = 1 AND left(n.first_norm, 1) = ${NORM('f')}) OR (length(n.first_norm) = 1 AND n.first_norm = left(${NORM('f')}, 1)))) AS first_init,
  similarity(n.first_norm, ${NORM('f')})::float8 AS first_sim,
  levenshtein(left(n.first_norm, 100), left(${NORM('f')}, 100))::int AS first_lev,
  (${NORM('f')} <> '' AND n.first_code <> '' AND n.first_code = ${CODE('f')}) AS first_phon
FROM (
  SELECT n.*, ${ROW_RANK} AS rank FROM search_name n
  WHERE ((${NORM('l')} <> '' AND (n.last_norm % ${NORM('l')} OR n.last_code IN (${CODE('l')}, ${CODE2('l')}) OR n.last_code2 IN (${CODE('l')}, ${CODE2('l')})
       OR (:short AND left(n.last_norm, 1) = left(${NORM('l')}, 1) AND length(n.last_norm) BETWEEN length(${NORM('l')}) - 1 AND length(${NORM('l')}) + 1 AND levenshtein(left(n.last_norm, 100), ${NORM('l')}) <= CASE WHEN length(n.last_norm) = length(${NORM('l')}) THEN 2 ELSE 1 END)))
     AND (${NORM('f')} = '' OR n.first_norm = '' OR left(n.first_norm, 1) = left(${NORM('f')}, 1) OR n.first_norm = ANY(string_to_array(:nicks, ' ')) OR n.first_norm % ${NORM('f')} OR ${DOB_HIT}))
     OR ${DOB_IN}
  ORDER BY rank DESC, n.source, n.record_id, n.ord
  LIMIT ${nameRows}
) n JOIN search_record r ON r.source = n.source AND r.record_id = n.record_id
WHERE ${where}
ORDER BY n.rank DESC, n.source, n.record_id, n.ord
LIMIT ${MAX_CANDIDATES}`;

const identifierSql = (where: string) => `
SELECT i.source, i.record_id, i.kind, i.value_norm
FROM search_identifier i JOIN search_record r ON r.source = i.source AND r.record_id = i.record_id
WHERE i.value_norm = ANY(string_to_array(:ids, ' ')) AND ${where}
ORDER BY i.source, i.record_id
LIMIT ${MAX_CANDIDATES}`;

const textSql = (where: string) => `
SELECT r.source, r.record_id, ts_rank(r.doc, plainto_tsquery('simple', search_norm(:text)))::float8 AS rank
FROM search_record r
WHERE r.doc @@ plainto_tsquery('simple', search_norm(:text)) AND ${where}
ORDER BY rank DESC, r.source, r.record_id
LIMIT ${MAX_CANDIDATES}`;

/** What a hit shows, and what groups it: a record's kind, title, date, town, names, identifiers and name keys (surname@dob). */
const DETAIL_COLUMNS = `r.source, r.record_id, r.kind, r.title, r.event_date::text AS date, r.town,
  (r.body -> 'person')::text AS person, (r.body -> 'identifiers')::text AS identifiers,
  (SELECT string_agg(DISTINCT n.last_norm || '@' || n.dob::text, '|') FROM search_name n WHERE n.source = r.source AND n.record_id = r.record_id AND n.dob IS NOT NULL) AS name_keys`;

const detailSql = (where: string) => `
SELECT ${DETAIL_COLUMNS}
FROM search_record r
JOIN unnest(string_to_array(:k_sources, ' '), string_to_array(:k_ids, ' ')) AS k(source, record_id) ON r.source = k.source AND r.record_id = k.record_id
WHERE ${where}`;

/** Identifiers that name one person (or one case, whose defendant is the person): what links a person's records. */
export const LINK_IDENTIFIERS: readonly IdentifierKind[] = ['sid', 'fbi', 'licence', 'docket'];

/**
 * The records that share a person identifier (SID, FBI number, licence, docket) or a surname and
 * date of birth (`surname@dob`) with confident hits, with what each shares and its detail; the
 * caller's filters and visibility apply as to every hit.
 */
const linkSql = (where: string) => `
WITH link AS (
  SELECT i.source, i.record_id, i.kind AS link_kind, i.value_norm AS link_value FROM search_identifier i
  WHERE i.value_norm = ANY(string_to_array(:links, ' ')) AND i.kind IN (${LINK_IDENTIFIERS.map((k) => `'${k}'`).join(', ')})
  UNION ALL
  SELECT n.source, n.record_id, 'name' AS link_kind, n.last_norm || '@' || n.dob::text AS link_value FROM search_name n
  WHERE n.dob = ANY(string_to_array(:link_dobs, ' ')::date[]) AND n.last_norm || '@' || n.dob::text = ANY(string_to_array(:name_keys, '|'))
)
SELECT DISTINCT ON (r.source, r.record_id) ${DETAIL_COLUMNS}, l.link_kind, l.link_value
FROM link l JOIN search_record r ON r.source = l.source AND r.record_id = l.record_id
WHERE ${where}
ORDER BY r.source, r.record_id, (l.link_kind = 'name'), l.link_kind
LIMIT ${MAX_LINKED}`;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : 0);
const round = (n: number): number => Math.round(n * 100) / 100;

/** Whether `b` is `a` with two neighbouring letters swapped ("pnea" for pena): one slip, though Levenshtein counts two edits. */
export function isSwap(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  const at = [...a].findIndex((ch, i) => ch !== b[i]);
  return at >= 0 && at < a.length - 1 && a[at] === b[at + 1] && a[at + 1] === b[at] && a.slice(at + 2) === b.slice(at + 2);
}

/** How alike two normalised names are: trigram similarity, or 1 - edit distance / the longer length (a swap of neighbours is one edit). */
export function alike(similarity: number, distance: number, a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  const edits = isSwap(a, b) ? 1 : distance;
  return Math.max(similarity, longer === 0 ? 0 : 1 - edits / longer);
}

/** Whether two different names are close enough to be a typo of each other. */
const isTypo = (similarity: number, distance: number, a: string, b: string): boolean => a !== '' && b !== '' && (similarity >= 0.3 || distance <= 1 || isSwap(a, b) || (distance <= 2 && Math.max(a.length, b.length) >= 6));

interface Part {
  readonly how: MatchHow;
  readonly weight: number;
}

const best = (parts: readonly (Part | undefined)[]): Part | undefined => parts.filter((p): p is Part => p !== undefined).sort((a, b) => b.weight - a.weight)[0];

/** The surname's match in one name row, if any. */
export function lastNameMatch(row: SqlRow): Part | undefined {
  const q = str(row['q_last']);
  const v = str(row['last_norm']);
  if (q === '') return undefined;
  if (row['last_eq'] === true) return { how: 'exact', weight: WEIGHTS.lastExact };
  const sim = num(row['last_sim']);
  const lev = num(row['last_lev']);
  return best([
    row['last_part'] === true ? { how: 'exact', weight: WEIGHTS.lastPart } : undefined,
    isTypo(sim, lev, q, v) ? { how: 'typo', weight: round(WEIGHTS.lastTypo * alike(sim, lev, q, v)) } : undefined,
    row['last_phon'] === true ? { how: 'phonetic', weight: WEIGHTS.lastPhonetic } : undefined,
  ]);
}

/** The given name's match in one name row, if any. */
export function firstNameMatch(row: SqlRow): Part | undefined {
  const q = str(row['q_first']);
  const v = str(row['first_norm']);
  if (q === '' || v === '') return undefined;
  if (row['first_eq'] === true) return { how: 'exact', weight: WEIGHTS.firstExact };
  const sim = num(row['first_sim']);
  const lev = num(row['first_lev']);
  return best([
    row['first_nick'] === true ? { how: 'nickname', weight: WEIGHTS.firstNickname } : undefined,
    isTypo(sim, lev, q, v) && q.length > 1 && v.length > 1 ? { how: 'typo', weight: round(WEIGHTS.firstTypo * alike(sim, lev, q, v)) } : undefined,
    row['first_phon'] === true ? { how: 'phonetic', weight: WEIGHTS.firstPhonetic } : undefined,
    row['first_init'] === true ? { how: 'initial', weight: WEIGHTS.firstInitial } : undefined,
  ]);
}

/** A name row's contribution: the surname, the given name, the date of birth. */
interface RowMatch {
  readonly ord: number;
  readonly firstNorm: string;
  readonly lastNorm: string;
  readonly last?: Part;
  readonly first?: Part;
  readonly dob?: Part & { readonly value: string };
  /** The query gave dates of birth and this row gives another. */
  readonly dobDiffers?: Part & { readonly value: string };
  readonly total: number;
}

/** Scores one name row for one name reading (transposed readings count a little less). */
export function scoreNameRow(row: SqlRow, candidate: NameCandidate | undefined, dobs: ParsedQuery['dobs']): RowMatch {
  const scale = (p: Part | undefined): Part | undefined => (p && candidate?.transposed ? { how: 'transposed', weight: round(p.weight * WEIGHTS.transposed) } : p);
  const last = candidate ? scale(lastNameMatch(row)) : undefined;
  const first = candidate && last ? scale(firstNameMatch(row)) : undefined;
  const dobValue = str(row['dob']);
  const dobHit = dobs.find((d) => d.date === dobValue);
  const dob = dobHit ? { how: dobHit.swapped ? ('swapped-date' as const) : ('exact' as const), weight: dobHit.swapped ? WEIGHTS.dobSwapped : WEIGHTS.dobExact, value: dobValue } : undefined;
  const dobDiffers = !dobHit && dobValue !== '' && dobs.length > 0 && last ? { how: 'differs' as const, weight: WEIGHTS.dobDiffers, value: dobValue } : undefined;
  return { ord: num(row['ord']), firstNorm: str(row['first_norm']), lastNorm: str(row['last_norm']), last, first, dob, dobDiffers, total: round((last?.weight ?? 0) + (first?.weight ?? 0) + (dob?.weight ?? 0) + (dobDiffers?.weight ?? 0)) };
}

/** What one record matched, across the ways of matching. */
export interface Candidate {
  readonly source: string;
  readonly recordId: string;
  name?: RowMatch;
  readonly identifiers: Map<string, IdentifierKind>;
  text?: number;
  /** Brought in as the same person as a confident hit: what it shares with it. */
  link?: { readonly kind: IdentifierKind | 'name'; readonly value: string };
}

const keyOf = (source: string, id: string) => `${source}/${id}`;

/** The words the engine searches as full text: every word typed, when some are not names. */
function textOf(parsed: ParsedQuery): string {
  if (parsed.reading.words.length === 0) return '';
  const nameWords = parsed.names.filter((n) => !n.transposed).slice(0, 1).flatMap((n) => [n.first ?? '', n.last]);
  return [...nameWords, ...parsed.reading.words].join(' ').trim();
}

/** The identifiers looked up: each read by pattern, and any other word with a digit in it. */
function identifiersOf(parsed: ParsedQuery): string[] {
  const values = [...parsed.reading.identifiers.map((i) => i.value), ...parsed.reading.words.filter((w) => /\d/.test(w) && normaliseIdentifier(w).length >= 4)];
  return [...new Set(values.map(normaliseIdentifier).filter((v) => v !== ''))];
}

/**
 * Finds the candidates: name readings against search_name, identifiers exactly, the other words
 * as full text; each already filtered (source, kind, dates, town) and limited to what the
 * caller may see.
 */
async function candidates(parsed: ParsedQuery, q: SearchQuery, roles: readonly string[], engine: SqlEngine): Promise<Map<string, Candidate>> {
  const where = recordConditions(q, roles);
  const found = new Map<string, Candidate>();
  const at = (source: string, recordId: string): Candidate => {
    const key = keyOf(source, recordId);
    let c = found.get(key);
    if (!c) {
      c = { source, recordId, identifiers: new Map() };
      found.set(key, c);
    }
    return c;
  };
  const dobs = parsed.dobs.map((d) => d.date).join(' ');
  const readings: (NameCandidate | undefined)[] = parsed.names.length > 0 ? [...parsed.names] : parsed.dobs.length > 0 ? [undefined] : [];
  const nameRuns = readings.map(async (candidate) => {
    // A short surname ("Cen" for Chen, "Pnea" for Peña) shares too few trigrams with its typo: one edit (or a swap) away, same first letter.
    const short = (candidate?.last ?? '').replace(/[^\p{L}]/gu, '').length <= 4;
    const params: SqlParams = { ...where.params, l: candidate?.last ?? '', f: candidate?.first ?? '', nicks: candidate?.first ? nicknamesOf(candidate.first).join(' ') : '', dobs, short };
    const rows = await engine.query(nameSql(where.sql, q.source || q.kind || q.from || q.to || q.town ? NAME_ROWS.filtered : NAME_ROWS.unfiltered), params);
    return rows.map((row) => ({ row, match: scoreNameRow(row, candidate, parsed.dobs) }));
  });
  const ids = identifiersOf(parsed);
  const text = textOf(parsed);
  const [nameRows, idRows, textRows] = await Promise.all([
    Promise.all(nameRuns),
    ids.length > 0 ? engine.query(identifierSql(where.sql), { ...where.params, ids: ids.join(' ') }) : Promise.resolve([]),
    text !== '' ? engine.query(textSql(where.sql), { ...where.params, text }) : Promise.resolve([]),
  ]);
  for (const { row, match } of nameRows.flat()) {
    const c = at(str(row['source']), str(row['record_id']));
    if (!c.name || match.total > c.name.total) c.name = match;
  }
  for (const row of idRows) {
    const kind = str(row['kind']);
    if ((IDENTIFIER_KINDS as readonly string[]).includes(kind)) at(str(row['source']), str(row['record_id'])).identifiers.set(str(row['value_norm']), kind as IdentifierKind);
  }
  for (const row of textRows) at(str(row['source']), str(row['record_id'])).text = num(row['rank']);
  return found;
}

/** Whether a candidate is an answer: with names, the surname (or an identifier, or all the words) must match; else any match. */
function qualifies(c: Candidate, parsed: ParsedQuery): boolean {
  if (c.identifiers.size > 0 || c.text !== undefined || c.link) return true;
  if (parsed.names.length > 0) return c.name?.last !== undefined;
  return c.name?.dob !== undefined;
}

const scoreOf = (c: Candidate): number => round((c.name?.total ?? 0) + c.identifiers.size * WEIGHTS.identifier + (c.text !== undefined ? WEIGHTS.text : 0) + (c.link ? WEIGHTS.linked : 0));

/** Where `part` is in `text`, ignoring case: one range, or none. */
function rangeOf(text: string, part: string | undefined): [number, number][] {
  if (!part) return [];
  const at = text.toLowerCase().indexOf(part.toLowerCase());
  return at < 0 ? [] : [[at, at + part.length]];
}

interface Detail {
  readonly kind: RecordKind;
  readonly title: string;
  readonly date?: string;
  readonly town?: string;
  readonly names: readonly PersonName[];
  readonly dob?: string;
  readonly identifiers: Partial<Record<IdentifierKind, string[]>>;
  readonly nameKeys: readonly string[];
}

function parseJson<T>(text: unknown, fallback: T): T {
  if (typeof text !== 'string' || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function detailOf(row: SqlRow): Detail {
  const person = parseJson<{ names?: PersonName[]; dob?: string }>(row['person'], {});
  return {
    kind: str(row['kind']) as RecordKind,
    title: str(row['title']),
    date: str(row['date']) || undefined,
    town: str(row['town']) || undefined,
    names: person.names ?? [],
    dob: person.dob,
    identifiers: parseJson<Partial<Record<IdentifierKind, string[]>>>(row['identifiers'], {}),
    nameKeys: str(row['name_keys']).split('|').filter((k) => k !== ''),
  };
}

/** A name about as search_norm() gives it (unaccent does more; this only picks the matched name to show). */
const roughNorm = (s: string | undefined): string =>
  (s ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** Which of the record's names a name row is (rows are numbered by ingestion; the names are matched, not counted). */
function nameOfRow(names: readonly PersonName[], row: RowMatch): PersonName | undefined {
  return names.find((n) => roughNorm(n.last) === row.lastNorm && roughNorm(n.first) === row.firstNorm) ?? names.find((n) => roughNorm(n.last) === row.lastNorm) ?? names[0];
}

/** The hit as the answer gives it: what it is, and each field that matched, with its weight. */
function hitOf(c: Candidate, d: Detail, parsed: ParsedQuery): SearchHit {
  const matched: MatchedField[] = [];
  const name = c.name ? nameOfRow(d.names, c.name) : undefined;
  if (c.name && name) {
    const shown = displayName(name);
    if (c.name.last) matched.push({ field: 'name', value: shown, highlight: rangeOf(shown, name.last), how: c.name.last.how, weight: c.name.last.weight });
    if (c.name.first) matched.push({ field: 'name', value: shown, highlight: rangeOf(shown, name.first), how: c.name.first.how, weight: c.name.first.weight });
  }
  if (c.name?.dob) matched.push({ field: 'dob', value: c.name.dob.value, highlight: [[0, c.name.dob.value.length]], how: c.name.dob.how, weight: c.name.dob.weight });
  if (c.name?.dobDiffers) matched.push({ field: 'dob', value: c.name.dobDiffers.value, highlight: [], how: 'differs', weight: c.name.dobDiffers.weight });
  for (const [norm, kind] of c.identifiers) {
    const value = (d.identifiers[kind] ?? []).find((v) => normaliseIdentifier(v) === norm) ?? norm;
    matched.push({ field: kind, value, highlight: [[0, value.length]], how: 'identifier', weight: WEIGHTS.identifier });
  }
  if (c.text !== undefined) matched.push({ field: 'text', value: d.title, highlight: parsed.reading.words.flatMap((w) => rangeOf(d.title, w)), how: 'text', weight: WEIGHTS.text });
  if (c.link?.kind === 'name') {
    const [last = '', dob = ''] = c.link.value.split('@');
    const named = d.names.find((n) => roughNorm(n.last) === last) ?? d.names[0];
    const shown = named ? displayName(named) : last;
    matched.push({ field: 'name', value: `${shown}, born ${dob}`, highlight: rangeOf(shown, named?.last), how: 'linked', weight: WEIGHTS.linked });
  } else if (c.link) {
    const kind = c.link.kind;
    const value = (d.identifiers[kind] ?? []).find((v) => normaliseIdentifier(v) === c.link?.value) ?? c.link.value;
    matched.push({ field: kind, value, highlight: [[0, value.length]], how: 'linked', weight: WEIGHTS.linked });
  }
  const first = d.names[0];
  return {
    source: c.source,
    sourceName: sourceOf(c.source)?.name ?? c.source,
    recordId: c.recordId,
    kind: d.kind,
    title: d.title,
    ...(d.date ? { date: d.date } : {}),
    ...(d.town ? { town: d.town } : {}),
    ...(first ? { name: displayName(first) } : {}),
    ...(d.dob ? { dob: d.dob } : {}),
    score: round(matched.reduce((sum, m) => sum + m.weight, 0)),
    matched,
  };
}

/** Given-name matches that name the person, not just fit: a letter or a sound alone does not. */
const NAMING: ReadonlySet<MatchHow> = new Set(['exact', 'nickname', 'typo', 'transposed']);

/**
 * A hit confident enough to bring in its person's other records: an identifier typed, or the
 * name and the date of birth agreeing; when the query gives no date of birth, the surname and
 * the given name agreeing (exact, a nickname, a typo, the other way round; an initial or a sound
 * alone is not enough). A name without a date may name several people: each namesake's records
 * come in with it, in its own group (same SID, licence, docket, or surname and date of birth),
 * so that the person's records are together and the page is a list of people.
 */
export const isAnchor = (c: Pick<Candidate, 'identifiers' | 'name'>, parsed: Pick<ParsedQuery, 'dobs'>): boolean =>
  c.identifiers.size > 0 ||
  (c.name?.last !== undefined && c.name.first !== undefined && (c.name.dob !== undefined || (parsed.dobs.length === 0 && NAMING.has(c.name.first.how))));

interface Found {
  readonly c: Candidate;
  readonly detail: Detail;
}

/**
 * The person's other records: those that share a SID, FBI number, licence or docket, or a surname
 * and date of birth, with a confident hit (isAnchor), in two rounds (a SID finds a case, whose
 * docket finds the public defender's file); the second round follows only what the first found
 * by an identifier. Each is marked with what it shares (`linked`); a record already among the
 * candidates keeps what it matched of the query too.
 */
async function linkedRecords(anchors: readonly Found[], known: Set<string>, found: ReadonlyMap<string, Candidate>, where: { sql: string; params: Record<string, string> }, engine: SqlEngine): Promise<Found[]> {
  const out: Found[] = [];
  const usedLinks = new Set<string>();
  const usedKeys = new Set<string>();
  let from = anchors;
  for (let round = 0; round < 2 && from.length > 0; round++) {
    const links = new Set<string>();
    const keys = new Set<string>();
    for (const { detail } of from) {
      for (const kind of LINK_IDENTIFIERS) {
        for (const v of detail.identifiers[kind] ?? []) {
          const norm = normaliseIdentifier(v);
          if (norm !== '' && !usedLinks.has(norm)) links.add(norm);
        }
      }
      for (const k of detail.nameKeys) if (!usedKeys.has(k)) keys.add(k);
    }
    if (links.size === 0 && keys.size === 0) break;
    for (const l of links) usedLinks.add(l);
    for (const k of keys) usedKeys.add(k);
    const rows = await engine.query(linkSql(where.sql), {
      ...where.params,
      links: [...links].join(' '),
      name_keys: [...keys].join('|'),
      link_dobs: [...new Set([...keys].map((k) => k.split('@')[1] ?? ''))].join(' '),
    });
    const next: Found[] = [];
    for (const row of rows) {
      const key = keyOf(str(row['source']), str(row['record_id']));
      if (known.has(key)) continue;
      known.add(key);
      const kind = str(row['link_kind']);
      const c: Candidate = found.get(key) ?? { source: str(row['source']), recordId: str(row['record_id']), identifiers: new Map() };
      c.link = { kind: kind === 'name' ? 'name' : (kind as IdentifierKind), value: str(row['link_value']) };
      const one = { c, detail: detailOf(row) };
      out.push(one);
      if (kind !== 'name') next.push(one);
    }
    from = next;
  }
  return out;
}

/** Identifiers that say two records are one person: the person's own, or a case's docket (its defendant). */
const PERSON_IDENTIFIERS: readonly IdentifierKind[] = LINK_IDENTIFIERS;
const IDENTIFIER_WORDS: Readonly<Record<string, string>> = { sid: 'SID', fbi: 'FBI number', licence: "driver's licence", docket: 'docket' };

/**
 * Groups hits by likely person: the same SID, FBI number, driver's licence or docket makes one person;
 * else the same normalised surname and date of birth. Each group says why.
 */
export function groupHits(hits: readonly { readonly hit: SearchHit; readonly detail: Detail }[]): { hits: SearchHit[]; because: string[] }[] {
  const parent = hits.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const reasons = new Map<number, Set<string>>();
  const link = (a: number, b: number, why: string) => {
    const ra = find(a);
    const rb = find(b);
    const merged = new Set([...(reasons.get(ra) ?? []), ...(reasons.get(rb) ?? []), why]);
    parent[rb] = ra;
    reasons.set(ra, merged);
    reasons.delete(rb);
  };
  const seen = new Map<string, number>();
  hits.forEach(({ detail }, i) => {
    for (const kind of PERSON_IDENTIFIERS) {
      for (const value of detail.identifiers[kind] ?? []) {
        const key = `${kind}:${normaliseIdentifier(value)}`;
        const other = seen.get(key);
        if (other === undefined) seen.set(key, i);
        else if (find(other) !== find(i)) link(other, i, `same ${IDENTIFIER_WORDS[kind]} ${normaliseIdentifier(value)}`);
      }
    }
  });
  hits.forEach(({ detail }, i) => {
    for (const nameKey of detail.nameKeys) {
      const key = `name:${nameKey}`;
      const other = seen.get(key);
      if (other === undefined) seen.set(key, i);
      else if (find(other) !== find(i)) link(other, i, 'same surname and date of birth');
    }
  });
  const groups = new Map<number, SearchHit[]>();
  hits.forEach(({ hit }, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), hit]));
  return [...groups.entries()].map(([root, members]) => ({ hits: members.sort((a, b) => b.score - a.score), because: [...(reasons.get(root) ?? [])] }));
}

/** The value most of the hits give (the first such, in hit order), if any. */
function mostCommon(values: readonly (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  let top: string | undefined;
  for (const [v, n] of counts) if (top === undefined || n > (counts.get(top) ?? 0)) top = v;
  return top;
}

/**
 * GET /search (certified users): the one box over every source, grouped by likely person.
 * 1. read the box: names, dates of birth (and their swaps), identifiers, words (domain/query.ts)
 * 2. the cursor opens only for this query, these filters and this caller (400 naming it otherwise)
 * 3. candidates from the engine: surnames by trigram and double metaphone, given names with
 *    their nicknames, dates of birth, identifiers exactly, the other words as full text; each
 *    filtered and limited to what the caller's roles may see (domain/visibility.ts), in SQL
 * 4. each candidate scored with the named weights (WEIGHTS), each matched field carrying its own;
 *    the best MAX_HITS kept
 * 5. the person's other records: those sharing a SID, FBI number, licence or docket, or a surname and
 *    date of birth, with a confident hit (an identifier typed, or name and date of birth agreeing)
 * 6. grouped by likely person (same SID, FBI number, licence or docket; else surname and date of birth)
 * 7. the page of groups, and the cursor for the next
 * 8. once the caller's account check passed (it ran alongside 1-7), the query's words kept in
 *    search_query and the search audited (`SearchPerformed`, ids only), both at once; the answer
 *    is given only once both are written
 */
export async function search(request: SearchRequest, ports: SearchPorts): Promise<SearchAnswer> {
  const { caller, query: q } = request;
  const parsed = parseQuery(q.q, ports.now());
  const filters = { source: q.source, kind: q.kind, from: q.from, to: q.to, town: q.town };
  const scope = { list: 'search', caller, query: { q: q.q, purpose: q.purpose, ...filters } };
  const cursor = (await ports.cursors.open(q.nextToken, scope, PageCursorSchema)) ?? { offset: 0 };

  const found = await candidates(parsed, q, caller.roles, ports.engine);
  const scored = [...found.values()]
    .filter((c) => qualifies(c, parsed))
    .map((c) => ({ c, score: scoreOf(c) }))
    .sort((a, b) => b.score - a.score || keyOf(a.c.source, a.c.recordId).localeCompare(keyOf(b.c.source, b.c.recordId)))
    .slice(0, MAX_HITS);

  let hits: { hit: SearchHit; detail: Detail }[] = [];
  if (scored.length > 0) {
    const where = recordConditions(q, caller.roles);
    const rows = await ports.engine.query(detailSql(where.sql), { ...where.params, k_sources: scored.map((s) => s.c.source).join(' '), k_ids: scored.map((s) => s.c.recordId).join(' ') });
    const details = new Map(rows.map((row) => [keyOf(str(row['source']), str(row['record_id'])), detailOf(row)]));
    const shown: Found[] = scored.flatMap(({ c }) => {
      const detail = details.get(keyOf(c.source, c.recordId));
      return detail ? [{ c, detail }] : [];
    });
    const linked = await linkedRecords(
      shown.filter(({ c }) => isAnchor(c, parsed)),
      new Set(shown.map(({ c }) => keyOf(c.source, c.recordId))),
      found,
      where,
      ports.engine,
    );
    hits = [...shown, ...linked].map(({ c, detail }) => ({ hit: hitOf(c, detail, parsed), detail }));
  }

  const groups = groupHits(hits)
    .map((g) => ({ ...g, score: Math.max(...g.hits.map((h) => h.score)) }))
    .sort((a, b) => b.score - a.score || b.hits.length - a.hits.length || keyOf(a.hits[0]!.source, a.hits[0]!.recordId).localeCompare(keyOf(b.hits[0]!.source, b.hits[0]!.recordId)));
  const page = groups.slice(cursor.offset, cursor.offset + q.limit);
  const people: PersonGroup[] = page.map((g, i) => {
    const dob = mostCommon(g.hits.map((h) => h.dob));
    return { key: `p${cursor.offset + i + 1}`, name: mostCommon(g.hits.map((h) => h.name)) ?? g.hits[0]!.title, ...(dob ? { dob } : {}), because: g.because, score: g.score, hits: g.hits };
  });
  const next = cursor.offset + q.limit < groups.length ? { offset: cursor.offset + q.limit } : undefined;

  const queryId = ports.newId();
  const at = ports.now().toISOString();
  const kept = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Record<string, string>;
  await request.admitted?.();
  // The words kept and the search audited at once (two stores, neither waits for the other); the
  // answer goes only once both are written: either failing fails the search (no answer unaudited).
  await Promise.all([
    ports.engine.query('INSERT INTO search_query (query_id, actor, at, purpose, text, filters, results) VALUES (:id, :actor, :at::timestamptz, :purpose, :text, :filters::jsonb, :results)', {
      id: queryId,
      actor: caller.username,
      at,
      purpose: q.purpose,
      text: q.q,
      filters: JSON.stringify(kept),
      results: hits.length,
    }),
    ports.record({
      type: 'SearchPerformed',
      outcome: 'success',
      actor: caller.username,
      component: 'search',
      subject: AuditSubject.of('search-query', queryId),
      source: request.source,
      details: { purpose: q.purpose, results: hits.length, people: groups.length, page: Math.floor(cursor.offset / q.limit) + 1, rules: VISIBILITY_VERSION, ...(q.source ? { sourceFilter: q.source } : {}), ...(q.kind ? { kindFilter: q.kind } : {}), ...(q.town ? { townFilter: q.town } : {}) },
    }),
  ]);
  const nextToken = await ports.cursors.seal(scope, next);
  return { queryId, purpose: q.purpose, reading: parsed.reading, total: hits.length, people, ...(nextToken ? { nextToken } : {}) };
}
