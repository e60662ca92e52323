/**
 * The one search box: the query string GET /search takes (zod, checked the same in the portal),
 * and how the box reads what was typed (`readQuery`): names, dates of birth, identifiers and the
 * other words. Pure and small (zod and the record vocabulary only): the portal imports it to show,
 * as the user types, how the query will be read. Comparing and normalising names is the engine's
 * work (search_norm, pg_trgm, dmetaphone); this only splits the box into its parts.
 *
 * The identifier formats are written down for the source simulators in /work/notes/query.md and
 * the search README: SID `CT` + 8 digits, FBI number, 9-digit licence, plate, docket, ORI with
 * an incident number.
 */
import * as z from 'zod/mini';
import { coercedNumber, isoDate } from '#shared/formats';
import type { QueryReading } from './answer';
import { PurposeSchema } from './purpose';
import { RecordKindSchema, SourceIdSchema, type IdentifierKind } from './record';
import { lazy } from '#shared/lazy';

/** The most groups (likely people) one page gives. */
export const MAX_LIMIT = 25;
export const DEFAULT_LIMIT = 10;

const IsoDate = /* @__PURE__ */ lazy(() => isoDate({ error: 'must be a date, YYYY-MM-DD' }));

/** GET /search's query string. */
export const SearchQuerySchema = /* @__PURE__ */ lazy(() =>
  z.object({
    q: z.string({ error: 'is required: the words to search for' }).check(z.trim(), z.minLength(2, 'must be at least 2 characters'), z.maxLength(200, 'must be at most 200 characters')),
    purpose: PurposeSchema,
    source: z.optional(SourceIdSchema),
    kind: z.optional(RecordKindSchema),
    from: z.optional(IsoDate),
    to: z.optional(IsoDate),
    town: z.optional(z.string().check(z.trim(), z.minLength(2, 'must be at least 2 characters'), z.maxLength(60, 'must be at most 60 characters'))),
    limit: z._default(coercedNumber({ error: 'must be a whole number' }).check(z.int('must be a whole number'), z.gte(1, 'must be at least 1'), z.lte(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)), DEFAULT_LIMIT),
    nextToken: z.optional(z.string()),
  }).check(z.refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be after to', path: ['from'] })),
);
export type SearchQuery = z.infer<typeof SearchQuerySchema>;

/** GET /search/records/{source}/{id}'s query string. */
export const RecordQuerySchema = /* @__PURE__ */ lazy(() => z.object({ purpose: PurposeSchema }));

// ---------------------------------------------------------------------------------------------
// Reading the box

/**
 * The identifier formats the box recognises, tested on the token as search compares identifiers
 * (upper case, letters and digits only), so `CT-0123-4567` is a SID and `123-45-6789` a licence.
 */
export const IDENTIFIER_PATTERNS: readonly { readonly kind: IdentifierKind; readonly pattern: RegExp; readonly example: string }[] = [
  { kind: 'docket', pattern: /^(?:[A-Z]{3}|[A-Z]\d{2}[A-Z])(?:CR|MV|FA|CV)\d{8,9}[A-Z]?$/, example: 'H14H-CR25-0123456-S' },
  { kind: 'docket', pattern: /^DCJ\d{4}[A-Z0-9]{8}$/, example: 'DCJ-2026-4F2A9C01' },
  { kind: 'sid', pattern: /^CT\d{8}$/, example: 'CT01234567' },
  { kind: 'licence', pattern: /^\d{9}$/, example: '123456789' },
  { kind: 'fbi', pattern: /^(?=[A-Z0-9]{7,9}$)\d{1,7}[A-Z]{1,2}\d{0,3}$/, example: '482913KC7' },
  { kind: 'plate', pattern: /^(?=[A-Z0-9]{2,7}$)(?=.*[A-Z])(?=.*\d)[A-Z0-9]+$/, example: 'AB12345' },
];

/** An agency's ORI: two letters and seven letters or digits. */
const ORI = /^[A-Z]{2}[A-Z0-9]{7}$/;
/** An RMS incident number after an ORI. */
const INCIDENT = /^[A-Z0-9][A-Z0-9-]{0,39}$/;

/** Identifiers as search compares them: upper case, letters and digits only (as ingestion stores them). */
export const normaliseIdentifier = (value: string): string => value.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** The kind a single token is, or undefined. */
export function identifierKindOf(token: string): IdentifierKind | undefined {
  const norm = normaliseIdentifier(token);
  return IDENTIFIER_PATTERNS.find((p) => p.pattern.test(norm))?.kind;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const MONTH_WORD = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const monthOf = (word: string): number => MONTHS.indexOf(word.slice(0, 3).toLowerCase() as (typeof MONTHS)[number]) + 1;

/** Words that say what kind of record is wanted, never a name: searched as text. */
const RECORD_WORDS = new Set(
  'arrest arrests warrant warrants case cases charge charges disposition order orders protective restraining probation parole custody permit permits pistol licence license plate vehicle registration incident incidents docket sid fbi dob born and or the of in on at for with by to assault burglary larceny robbery theft breach peace harassment trespass murder narcotics drugs weapon weapons firearm dui dwi court police report'.split(
      ' ',
    ),
);

/** Surname particles that belong to the name after them ("de la Cruz", "van der Berg"). */
const PARTICLES = new Set(['de', 'del', 'della', 'da', 'di', 'du', 'dos', 'das', 'van', 'von', 'der', 'den', 'la', 'le', 'st', 'st.']);

/** A name word: letters (any script, accents), apostrophes, hyphens, a trailing dot (initials). */
const NAME_WORD = /^\p{L}[\p{L}\p{M}'’-]*\.?$/u;

/** A date of birth the box read, and whether it is the typed one or its day/month swap. */
export interface DobCandidate {
  readonly date: string;
  readonly swapped: boolean;
}

/** One way to read the name part: first and last, and whether first and last are the other way round from how they were typed. */
export interface NameCandidate {
  readonly first?: string;
  readonly last: string;
  readonly transposed: boolean;
}

/** What the use case searches with: the reading, and the alternatives it tries. */
export interface ParsedQuery {
  readonly reading: QueryReading;
  readonly names: readonly NameCandidate[];
  readonly dobs: readonly DobCandidate[];
}

const pad = (n: number): string => String(n).padStart(2, '0');

function validDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1900 || year > 2100) return undefined;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** A two-digit year: this century up to this year, the last century after it. */
function fullYear(text: string, today: Date): number {
  if (text.length === 4) return Number(text);
  const yy = Number(text);
  const thisYear = today.getUTCFullYear();
  return yy <= thisYear % 100 ? thisYear - (thisYear % 100) + yy : thisYear - (thisYear % 100) - 100 + yy;
}

/** The date as read, then with day and month swapped when both are 12 or less (and differ). */
function dobCandidates(year: number, month: number, day: number): DobCandidate[] {
  const asRead = validDate(year, month, day);
  if (!asRead) {
    // 13/05/1984: only a day-first reading makes sense; it is the swap of what US order says.
    const other = validDate(year, day, month);
    return other ? [{ date: other, swapped: true }] : [];
  }
  const out: DobCandidate[] = [{ date: asRead, swapped: false }];
  if (month <= 12 && day <= 12 && month !== day) {
    const swapped = validDate(year, day, month);
    if (swapped) out.push({ date: swapped, swapped: true });
  }
  return out;
}

/**
 * Takes every match of `pattern` out of `text` (replaced by spaces, so positions stay), giving
 * what `take` makes of each one it accepts.
 */
function extract(text: string, pattern: RegExp, take: (m: RegExpExecArray) => boolean): string {
  let out = text;
  for (const m of text.matchAll(pattern)) {
    if (take(m)) out = out.slice(0, m.index) + ' '.repeat(m[0].length) + out.slice(m.index + m[0].length);
  }
  return out;
}

/**
 * How the box reads a query: names (one to three words, `Last, First`, either order), dates of
 * birth in common US forms (with day and month swapped when both are ≤ 12), identifiers by
 * pattern, and the other words as free text.
 * 1. ORI + incident number, dockets and dates first (they hold spaces, hyphens and slashes)
 * 2. each remaining token: an identifier by pattern, a short letters token + a digits token as
 *    one plate or SID ("AB 12345"), a name word, or a free-text word
 * 3. the name words: `Last, First` when a comma follows the first of them, else first … last;
 *    three words also as first + a two-word surname; particles join the surname
 * @param today for two-digit years (this century up to this year, the last one after it)
 */
export function parseQuery(q: string, today: Date = new Date()): ParsedQuery {
  const identifiers: { kind: IdentifierKind; value: string }[] = [];
  const dobs: DobCandidate[] = [];
  const addDobs = (list: DobCandidate[]) => {
    for (const d of list) if (!dobs.some((x) => x.date === d.date)) dobs.push(d);
  };
  let rest = q.normalize('NFC');

  // 1. ORI + incident number ("CT0000100 2026-001234", "CT0000100:2026-001234").
  rest = extract(rest, /(?<![\p{L}\p{N}])([A-Za-z]{2}[A-Za-z0-9]{7})\s*[:\s]\s*([A-Za-z0-9][A-Za-z0-9-]{0,39})(?![\p{L}\p{N}/.])/gu, (m) => {
    const ori = (m[1] ?? '').toUpperCase();
    const incident = (m[2] ?? '').toUpperCase();
    if (!ORI.test(ori) || !/\d/.test(ori) || !INCIDENT.test(incident) || !/\d/.test(incident)) return false;
    identifiers.push({ kind: 'ori-incident', value: `${ori} ${incident}` });
    return true;
  });
  // Dockets (hyphens inside).
  rest = extract(rest, /(?<![\p{L}\p{N}-])(?:[A-Za-z]{3}|[A-Za-z]\d{2}[A-Za-z])-?[A-Za-z]{2}\d{2}-?\d{6,7}(?:-?[A-Za-z])?(?![\p{L}\p{N}-])|(?<![\p{L}\p{N}-])DCJ-?\d{4}-?[A-Za-z0-9]{8}(?![\p{L}\p{N}-])/giu, (m) => {
    if (identifierKindOf(m[0]) !== 'docket') return false;
    identifiers.push({ kind: 'docket', value: m[0].toUpperCase() });
    return true;
  });
  // Dates: ISO, US numeric, "7 Mar 1984", "Mar 7, 1984".
  rest = extract(rest, /(?<![\p{L}\p{N}-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\p{L}\p{N}-])/gu, (m) => {
    const found = dobCandidates(Number(m[1]), Number(m[2]), Number(m[3]));
    addDobs(found);
    return found.length > 0;
  });
  rest = extract(rest, /(?<![\p{L}\p{N}\-/.])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\p{L}\p{N}\-/.])/gu, (m) => {
    const found = dobCandidates(fullYear(m[4] ?? '', today), Number(m[1]), Number(m[3]));
    addDobs(found);
    return found.length > 0;
  });
  rest = extract(rest, new RegExp(`(?<![\\p{L}\\p{N}])(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH_WORD},?\\s+(\\d{4})(?![\\p{L}\\p{N}])`, 'giu'), (m) => {
    const found = dobCandidates(Number(m[3]), monthOf(m[2] ?? ''), Number(m[1]));
    addDobs(found);
    return found.length > 0;
  });
  rest = extract(rest, new RegExp(`(?<![\\p{L}\\p{N}])${MONTH_WORD}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?![\\p{L}\\p{N}])`, 'giu'), (m) => {
    const found = dobCandidates(Number(m[3]), monthOf(m[1] ?? ''), Number(m[2]));
    addDobs(found);
    return found.length > 0;
  });

  // 2. The remaining tokens, with where a comma stood.
  const tokens: { text: string; comma: boolean }[] = [];
  for (const m of rest.matchAll(/[^\s,;]+|[,;]/g)) {
    const last = tokens.at(-1);
    if (m[0] === ',' || m[0] === ';') {
      if (last) last.comma = true;
      continue;
    }
    // Quotes and brackets round a token go; a trailing dot stays (an initial: "J.").
    const text = m[0].replace(/^["'([]+/, '').replace(/["')\]:!?]+$/, '');
    if (text) tokens.push({ text, comma: false });
  }

  const nameWords: { text: string; comma: boolean }[] = [];
  const words: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    // "AB 12345", "CT 12345678": a short letters token and a digits token, one identifier.
    if (next && /^[A-Za-z]{1,3}$/.test(token.text) && /^\d{1,8}$/.test(next.text)) {
      const joined = `${token.text}${next.text}`.toUpperCase();
      const kind = identifierKindOf(joined);
      if (kind === 'plate' || kind === 'sid') {
        identifiers.push({ kind, value: joined });
        i++;
        continue;
      }
    }
    const bare = token.text.replace(/\.$/, '');
    const kind = /\d/.test(bare) && !/^\d+(?:st|nd|rd|th)$/i.test(bare) ? identifierKindOf(bare) : undefined;
    if (kind) identifiers.push({ kind, value: bare.toUpperCase() });
    else if (NAME_WORD.test(token.text) && !RECORD_WORDS.has(bare.toLowerCase())) nameWords.push({ text: bare, comma: token.comma });
    else if (bare) words.push(bare);
  }

  // 3. The name.
  const { names, extra } = readNames(nameWords);
  words.push(...extra);
  const first = names[0];
  const reading: QueryReading = {
    names: first ? [first.first === undefined ? { last: first.last } : { first: first.first, last: first.last }, ...names.slice(1).filter((n) => !n.transposed).map((n) => (n.first === undefined ? { last: n.last } : { first: n.first, last: n.last }))] : [],
    dobs: dobs.map((d) => d.date),
    identifiers,
    words,
  };
  return { reading, names, dobs };
}

/** Groups particles with the word after them: ["maria", "de", "la", "cruz"] → ["maria", "de la cruz"]. */
function joinParticles(words: readonly string[]): string[] {
  const out: string[] = [];
  let pending: string[] = [];
  for (const [i, w] of words.entries()) {
    // A particle is a particle only before another word, and never as the first word.
    if (i > 0 && i < words.length - 1 && PARTICLES.has(w.toLowerCase())) {
      pending.push(w);
      continue;
    }
    out.push([...pending, w].join(' '));
    pending = [];
  }
  return out;
}

/** The name candidates from the name words (at most three parts; the rest are free text). */
function readNames(nameWords: readonly { text: string; comma: boolean }[]): { names: NameCandidate[]; extra: string[] } {
  if (nameWords.length === 0) return { names: [], extra: [] };
  // "Last, First [Middle]"
  const commaAt = nameWords.findIndex((w) => w.comma);
  if (commaAt >= 0 && commaAt < nameWords.length - 1 && commaAt <= 2) {
    const last = nameWords.slice(0, commaAt + 1).map((w) => w.text).join(' ');
    const after = nameWords.slice(commaAt + 1);
    const first = after[0]!.text;
    const extra = after.slice(2).map((w) => w.text);
    return { names: [{ first, last, transposed: false }, { first: last, last: first, transposed: true }], extra };
  }
  const parts = joinParticles(nameWords.map((w) => w.text));
  const used = parts.slice(0, 3);
  const extra = parts.slice(3);
  if (used.length === 1) return { names: [{ last: used[0]!, transposed: false }], extra };
  const first = used[0]!;
  const last = used.at(-1)!;
  const names: NameCandidate[] = [{ first, last, transposed: false }];
  if (used.length === 3) names.push({ first, last: `${used[1]} ${last}`, transposed: false });
  names.push({ first: last, last: first, transposed: true });
  return { names, extra };
}

/** How the box reads a query (what the portal shows as the user types). */
export function readQuery(q: string, today: Date = new Date()): QueryReading {
  return parseQuery(q, today).reading;
}
