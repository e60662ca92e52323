/**
 * PLACEHOLDER written by the query helper so its entries compile before the engine helper's
 * module lands; main's version (a lazily created DataApiEngine) replaces it at merge.
 */
import type { SqlEngine } from '../ports';

export function searchEngine(): SqlEngine {
  const missing = () => Promise.reject(new Error('the search engine adapter (functions/search/adapters/engine.ts) is not installed'));
  return { query: missing, batch: missing };
}
