/**
 * Common given-name equivalences ("Bill" for William, "Peggy" for Margaret): data in
 * nicknames.json, groups of names each taken for every other of its group. Pure: the portal may
 * import it. The engine compares the expanded names as search_norm() gives them.
 */
import * as z from 'zod/mini';
import data from './nicknames.json' with { type: 'json' };
import { lazy } from '#shared/lazy';

export const NicknamesSchema = /* @__PURE__ */ lazy(() => z.object({ version: z.int().check(z.gte(1)), groups: z.array(z.array(z.string().check(z.regex(/^[a-z]+$/, 'must be lower-case letters'))).check(z.minLength(2))).check(z.minLength(1)) }));

/**
 * The list as shipped: fixed data in the bundle, checked against NicknamesSchema by the unit test
 * (test/unit/search-query.test.ts), not parsed at every cold start (that parse cost search-query
 * about 40 ms of CPU).
 */
export const NICKNAMES = data as z.infer<typeof NicknamesSchema>;

let byName: Map<string, Set<string>> | undefined;
/** Each name's others, built on first use. */
function others(): Map<string, Set<string>> {
  if (byName) return byName;
  byName = new Map();
  for (const group of NICKNAMES.groups) {
    for (const name of group) {
      const set = byName.get(name) ?? new Set<string>();
      for (const other of group) if (other !== name) set.add(other);
      byName.set(name, set);
    }
  }
  return byName;
}

/** A given name as the nickname list holds it: lower case, without accents or punctuation. */
export const nameKey = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/** The names taken for this one (not itself), in no particular order; none for a name the list lacks. */
export function nicknamesOf(first: string): readonly string[] {
  return [...(others().get(nameKey(first)) ?? [])];
}
