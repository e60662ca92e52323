import { useState } from 'preact/hooks';
import type { SearchAnswer } from '../../../functions/search/domain/answer';
import { ApiError, usePortal } from '../api';

/**
 * The search a person is making, kept in the page's memory for as long as the tab lives (not in
 * the address, so the names searched for stay out of the browser's history): going to a record
 * and back shows the same answer without asking again, since every GET /search is an audited
 * query. A different person signing in on the same tab starts afresh.
 */

/** What the search form sends: GET /search's parameters. */
export interface SearchAsked {
  readonly q: string;
  readonly purpose: string;
  readonly source?: string;
  readonly kind?: string;
  readonly from?: string;
  readonly to?: string;
  readonly town?: string;
}

/** What the form holds while the person types (sent only by "Search"). */
export interface SearchDraft {
  readonly q: string;
  readonly purpose: string;
  readonly source: string;
  readonly kind: string;
  readonly from: string;
  readonly to: string;
  readonly town: string;
}

export const EMPTY_DRAFT: SearchDraft = { q: '', purpose: '', source: '', kind: '', from: '', to: '', town: '' };

export interface SearchState {
  readonly draft: SearchDraft;
  /** The last search sent, and its pages so far ("Show more" adds one). */
  readonly asked?: SearchAsked;
  readonly answers: readonly SearchAnswer[];
  readonly loading: boolean;
  /** A failure reading a further page (the first page's failures go to the form). */
  readonly error?: Error;
}

const FRESH: SearchState = { draft: EMPTY_DRAFT, answers: [], loading: false };

let remembered: { readonly username: string; readonly state: SearchState } | undefined;

/** The last search of this tab's person, if any (the record page links back to it). */
export function rememberedSearch(username: string | undefined): SearchState | undefined {
  return remembered && remembered.username === username && remembered.state.asked ? remembered.state : undefined;
}

/** Groups (people) per page; the API allows 1 to 25. */
const PAGE = 10;

/** A 403 from a search route means the account lacks the search role: said as the person can act on it. */
export function notCertified(e: Error): Error {
  return e instanceof ApiError && e.status === 403 ? new Error(NOT_CERTIFIED) : e;
}

export const NOT_CERTIFIED = 'Your account is not certified for CISS Search — see your agency administrator.';

export interface Search {
  readonly state: SearchState;
  readonly setDraft: (draft: SearchDraft) => void;
  /** Sends the search (its first page); a refusal is thrown, for the form to place. */
  readonly run: (asked: SearchAsked) => Promise<void>;
  /** Reads the next page and appends it. */
  readonly more: () => void;
}

export function useSearch(): Search {
  const { api, session } = usePortal();
  const username = session.person?.username ?? '';
  const [state, setLocal] = useState<SearchState>(() => (remembered?.username === username ? remembered.state : FRESH));
  const set = (next: (s: SearchState) => SearchState) =>
    setLocal((s) => {
      const value = next(s);
      remembered = { username, state: value };
      return value;
    });

  return {
    state,
    setDraft: (draft) => set((s) => ({ ...s, draft })),
    async run(asked) {
      set((s) => ({ ...s, asked, answers: [], loading: true, error: undefined }));
      try {
        const answer = await api.get<SearchAnswer>('/search', { ...asked, limit: PAGE });
        set((s) => (s.asked === asked ? { ...s, answers: [answer], loading: false } : s));
      } catch (e) {
        set((s) => (s.asked === asked ? { ...s, asked: undefined, loading: false } : s));
        throw e;
      }
    },
    more() {
      const { asked, answers } = state;
      const token = answers[answers.length - 1]?.nextToken;
      if (!asked || !token) return;
      set((s) => ({ ...s, loading: true, error: undefined }));
      api.get<SearchAnswer>('/search', { ...asked, limit: PAGE, nextToken: token }).then(
        (answer) => set((s) => (s.asked === asked ? { ...s, answers: [...s.answers, answer], loading: false } : s)),
        (e: unknown) => set((s) => (s.asked === asked ? { ...s, loading: false, error: notCertified(e instanceof Error ? e : new Error(String(e))) } : s)),
      );
    },
  };
}
