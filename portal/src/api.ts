import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { PortalConfig } from '../config';
import type { Session } from './auth';

/** A field the API (or the form, with the same schema) refused, and the rule it broke. */
export interface FieldProblem {
  readonly field: string;
  readonly rule: string;
}

/** An answer of the API that is not a success, as the API words it. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: readonly FieldProblem[] = [],
    readonly correlationId?: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | undefined>;

/** The API, called with the signed-in person's token (same origin in both back-ends). */
export class Api {
  constructor(private readonly session: Session, private readonly base: string) {}

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, query);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, undefined, body);
  }

  private async request<T>(method: string, path: string, query?: Query, body?: unknown): Promise<T> {
    const q = new URLSearchParams(Object.entries(query ?? {}).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]]))).toString();
    const res = await fetch(`${this.base}${path}${q ? `?${q}` : ''}`, {
      method,
      headers: { Authorization: `Bearer ${await this.session.token()}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await res.json().catch(() => undefined)) as (Record<string, unknown> & { problems?: FieldProblem[] }) | undefined;
    if (!res.ok) {
      const message = typeof answer?.['message'] === 'string' ? answer['message'] : `The API answered ${res.status}`;
      throw new ApiError(res.status, typeof answer?.['error'] === 'string' ? answer['error'] : String(res.status), message, answer?.problems ?? [], typeof answer?.['correlationId'] === 'string' ? answer['correlationId'] : undefined);
    }
    return answer as T;
  }
}

/** What every page reaches: the session, the API and where the portal runs. */
export interface Portal {
  readonly session: Session;
  readonly api: Api;
  readonly config: PortalConfig;
}

export const PortalContext = createContext<Portal | undefined>(undefined);

export function usePortal(): Portal {
  const portal = useContext(PortalContext);
  if (!portal) throw new Error('usePortal outside the portal');
  return portal;
}

export interface Loaded<T> {
  readonly data?: T;
  readonly error?: Error;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Loads something from the API when the page opens, and again when `deps` change or `reload` is called. */
export function useLoad<T>(load: (api: Api) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const { api } = usePortal();
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load(api).then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error: error instanceof Error ? error : new Error(String(error)), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  return { ...state, reload };
}

/** One page of a cursor-paged list, as the list routes answer it (their item field mapped to `items`). */
export interface ListPage<T> {
  readonly items: readonly T[];
  readonly nextToken?: string | null;
}

export interface Pages<T> {
  /** Every item read so far: the first page, then each page "Show more" read. */
  readonly items: readonly T[];
  readonly nextToken: string | null;
  /** How many pages have been read (0 until the first arrives). */
  readonly pages: number;
  readonly loading: boolean;
  readonly error?: Error;
  /** Reads the page `nextToken` names and appends it. */
  readonly more: (nextToken: string) => void;
  /** Reads the list again from its first page. */
  readonly reload: () => void;
}

/**
 * A cursor-paged list (`nextToken`): the first page when the page opens and again when `deps`
 * change, then each "Show more" appended. An answer that arrives after `deps` changed is dropped.
 */
export function usePages<T>(load: (api: Api, nextToken: string | undefined) => Promise<ListPage<T>>, deps: readonly unknown[]): Pages<T> {
  const { api } = usePortal();
  const [state, setState] = useState<{ items: readonly T[]; nextToken: string | null; pages: number; loading: boolean; error?: Error }>({ items: [], nextToken: null, pages: 0, loading: true });
  const [round, setRound] = useState(0);
  const generation = useRef(0);

  const read = useCallback(
    (token: string | undefined) => {
      const mine = token ? generation.current : ++generation.current;
      setState((s) => ({ ...(token ? s : { items: [], nextToken: null, pages: 0 }), loading: true, error: undefined }));
      load(api, token).then(
        (page) =>
          mine === generation.current &&
          setState((s) => ({ items: token ? [...s.items, ...page.items] : page.items, nextToken: page.nextToken ?? null, pages: token ? s.pages + 1 : 1, loading: false })),
        (error: unknown) => mine === generation.current && setState((s) => ({ ...s, loading: false, error: error instanceof Error ? error : new Error(String(error)) })),
      );
    },
    // `load` is the caller's closure over `deps`, which name what it depends on.
    [api, ...deps],
  );
  useEffect(() => read(undefined), [read, round]);
  return { ...state, more: read, reload: () => setRound((r) => r + 1) };
}
