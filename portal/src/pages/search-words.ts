import type { MatchedField, MatchHow, QueryReading } from '../../../functions/search/domain/answer';
import { PURPOSES, type Purpose } from '../../../functions/search/domain/purpose';
import type { IdentifierKind, RecordKind } from '../../../functions/search/domain/record';

/**
 * CISS Search in words: how the box read a query, why a record matched, and the API's codes
 * (purposes, record kinds, identifier kinds) as people say them. Pure, so the pages only render.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** `1984-03-07` → `7 Mar 1984`: unambiguous whichever way round the reader writes dates. */
export function dayWords(iso: string | undefined): string {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})/.exec(iso) : null;
  if (!m) return iso ?? '';
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

export const IDENTIFIER_WORDS: Readonly<Record<IdentifierKind, string>> = {
  sid: 'SID',
  fbi: 'FBI number',
  licence: "Driver's licence",
  plate: 'Plate',
  docket: 'Docket',
  'ori-incident': 'ORI and incident',
};

/** A record kind as a noun: `protective-order` → `Protective order`. */
export const kindWords = (kind: RecordKind | string): string => {
  const words = kind.replace(/-/g, ' ');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
};

export const isPurpose = (p: string | null | undefined): p is Purpose => p !== null && p !== undefined && Object.hasOwn(PURPOSES, p);

/** `C` → `C, Criminal justice`: the code and its short name. */
export const purposeWords = (p: string): string => (isPurpose(p) ? `${p}, ${PURPOSES[p].split(':')[0] ?? ''}` : p);

/** The purposes as a select's options: the code and its whole description. */
export const PURPOSE_OPTIONS: readonly (readonly [string, string])[] = Object.entries(PURPOSES).map(([code, words]) => [code, `${code} — ${words}`] as const);

/** How the box reads the query, one part per thing it found: "Name: Smyth, Jon · Born 7 Mar 1984 or 3 Jul 1984 · Plate ABC1234". */
export function readingParts(r: QueryReading): string[] {
  return [
    ...r.names.map((n) => `Name: ${n.first ? `${n.last}, ${n.first}` : n.last}`),
    ...(r.dobs.length ? [`Born ${r.dobs.map(dayWords).join(' or ')}`] : []),
    ...r.identifiers.map((i) => `${IDENTIFIER_WORDS[i.kind]} ${i.value}`),
    ...(r.words.length ? [`Words: ${r.words.join(' ')}`] : []),
  ];
}

/** What kind of match a field made, as the results say it. */
export const HOW_WORDS: Readonly<Record<MatchHow, string>> = {
  exact: 'exact',
  typo: 'typo',
  phonetic: 'sounds like',
  nickname: 'nickname of',
  initial: 'initial of',
  'swapped-date': 'day and month swapped',
  transposed: 'first and last name swapped',
  identifier: 'same identifier',
  text: 'word in the record',
  differs: 'not the date asked',
  linked: 'same person as another hit',
};

/** What a matched field is: `Name`, `Born`, an identifier's name, or `Text`. */
export const fieldWords = (field: MatchedField['field']): string => (field === 'name' ? 'Name' : field === 'dob' ? 'Born' : field === 'text' ? 'Text' : IDENTIFIER_WORDS[field]);

/** A value cut at its highlight ranges ([start, end), in any order, overlapping or out of bounds): `[text, marked]` pieces in order. */
export function highlighted(value: string, ranges: MatchedField['highlight']): (readonly [text: string, marked: boolean])[] {
  const spans = ranges
    .map(([s, e]) => [Math.max(0, Math.min(s, value.length)), Math.max(0, Math.min(e, value.length))] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of spans) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  const pieces: (readonly [string, boolean])[] = [];
  let at = 0;
  for (const [s, e] of merged) {
    if (s > at) pieces.push([value.slice(at, s), false]);
    pieces.push([value.slice(s, e), true]);
    at = e;
  }
  if (at < value.length) pieces.push([value.slice(at), false]);
  return pieces;
}

/** A score or weight, as people read it. */
export const points = (n: number): string => (Math.round(n * 100) / 100).toString();

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
