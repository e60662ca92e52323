import type { QueryReading } from '../../../functions/search/domain/answer';
import type { IdentifierKind } from '../../../functions/search/domain/record';

/**
 * STAND-IN, to be deleted: `readQuery(q): QueryReading` belongs to the shared pure parser
 * functions/search/domain/query.ts (the query helper's). The portal's search page is written
 * against that signature; this rough reading only lets it run until the real one is merged.
 */
const KEYWORDS: Readonly<Record<string, IdentifierKind>> = { sid: 'sid', fbi: 'fbi', licence: 'licence', license: 'licence', dl: 'licence', plate: 'plate', docket: 'docket', incident: 'ori-incident' };

const iso = (y: string, m: number, d: number): string => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

export function readQuery(q: string): QueryReading {
  const names: { first?: string; last: string }[] = [];
  const dobs: string[] = [];
  const identifiers: { kind: IdentifierKind; value: string }[] = [];
  const words: string[] = [];
  const alpha: string[] = [];
  let comma = false;
  const tokens = q.replace(/,/g, ' , ').split(/\s+/).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    const kind = KEYWORDS[t.toLowerCase().replace(/:$/, '')];
    const next = tokens[i + 1];
    let m: RegExpMatchArray | null;
    if (t === ',') comma = alpha.length > 0;
    else if (kind && next) {
      identifiers.push({ kind, value: next.toUpperCase().replace(/[^A-Z0-9-]/g, '') });
      i++;
    } else if (/^\d{4}-\d{2}-\d{2}$/.test(t)) dobs.push(t);
    else if ((m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(t))) {
      const [a, b, y] = [Number(m[1]), Number(m[2]), m[3] ?? ''];
      if (a <= 12 && b <= 31) dobs.push(iso(y, a, b));
      if (b <= 12 && a <= 31 && a !== b) dobs.push(iso(y, b, a));
    } else if (/^[\p{L}][\p{L}'’.-]*$/u.test(t)) alpha.push(t);
    else words.push(t);
  }
  if (alpha.length === 1) names.push({ last: alpha[0] ?? '' });
  else if (alpha.length > 1) names.push(comma ? { last: alpha[0] ?? '', first: alpha[1] ?? '' } : { first: alpha[0] ?? '', last: alpha[alpha.length - 1] ?? '' });
  return { names, dobs, identifiers, words };
}
