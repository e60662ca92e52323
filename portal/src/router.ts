import { useEffect, useState } from 'preact/hooks';

/**
 * The portal's pages are addressed by the URL's fragment (`/portal/#/tasks/T-…`), so every page
 * is one static file on any host and e-mails can link to a step. This hook is all the routing the
 * portal needs: the current path and query, re-read when the fragment changes.
 */
export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
}

export function currentLocation(): Location {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = raw.split('?');
  return { path, query: new URLSearchParams(query) };
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(currentLocation);
  useEffect(() => {
    const changed = () => setLoc(currentLocation());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return loc;
}

/** `#/path?query`, for links. */
export const href = (path: string, query?: Record<string, string | undefined>): string => {
  const q = new URLSearchParams(Object.entries(query ?? {}).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString();
  return `#${path}${q ? `?${q}` : ''}`;
};

export const navigate = (path: string, query?: Record<string, string | undefined>): void => {
  location.hash = href(path, query);
};

/** The parameters of `pattern` (`/tasks/:taskId`) in `path`, or undefined when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const value = got[i] ?? '';
    if (part.startsWith(':')) {
      if (!value) return undefined;
      params[part.slice(1)] = decodeURIComponent(value);
    } else if (part !== value) return undefined;
  }
  return params;
}
