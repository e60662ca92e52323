import { readAnswer } from '../../../../functions/ops/contract';

/**
 * Calls to the ops API (same origin, `/ops/...`) and the console's mailbox endpoint, with the
 * operator's token as a Bearer header. The token lives in sessionStorage: it goes when the tab
 * closes, and it is never put in a URL the server sees.
 */
const TOKEN_KEY = 'ciss-ops-token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: readonly { field: string; rule: string }[] = [],
  ) {
    super(message);
  }
}

export const token = {
  get: (): string | undefined => sessionStorage.getItem(TOKEN_KEY) ?? undefined,
  set: (value: string): void => sessionStorage.setItem(TOKEN_KEY, value.trim()),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/**
 * Takes a token handed over in the fragment (`#token=…`, as `npm start` prints the link) and
 * removes it from the address bar and the history at once.
 */
export function adoptTokenFromFragment(): void {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const handed = params.get('token');
  if (!handed) return;
  token.set(handed);
  history.replaceState(null, '', `${location.pathname}${location.search}#/executions`);
}

/** What the token says about its holder, for the header only: the server decides, not this. */
export function tokenClaims(): { username?: string; roles: string[]; expires?: Date } | undefined {
  const raw = token.get()?.split('.')[1];
  if (!raw) return undefined;
  try {
    const claims = JSON.parse(atob(raw.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    const groups = claims['cognito:groups'];
    const exp = claims['exp'];
    // Access tokens name a person `username` (ID tokens `cognito:username`), a machine `client_id`.
    const name = [claims['username'], claims['cognito:username'], claims['client_id']].find((v): v is string => typeof v === 'string' && v !== '');
    return {
      username: name,
      roles: Array.isArray(groups) ? groups.map(String) : [],
      expires: typeof exp === 'number' ? new Date(exp * 1000) : undefined,
    };
  } catch {
    return undefined;
  }
}

export async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const bearer = token.get();
  if (!bearer) throw new ApiError(401, 'No operations token');
  const res = await fetch(path, { ...init, cache: 'no-store', credentials: 'omit', headers: { Accept: 'application/json', Authorization: `Bearer ${bearer}`, ...(init.headers ?? {}) } });
  const { body, error } = readAnswer(await res.text());
  if (!res.ok) {
    const message = error.message ?? (res.statusText || 'Request failed');
    throw new ApiError(res.status, error.correlationId ? `${message} (correlation id ${error.correlationId})` : message, error.problems);
  }
  return body as T;
}

/** A query string from the values that are set. */
export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : '';
}
