import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a link's signature covers: which task, which choice, for whom, until when. */
export interface LinkClaims {
  readonly taskId: string;
  readonly choice: string;
  readonly assignee: string;
  /** Epoch seconds. */
  readonly expires: number;
}

function payload(c: LinkClaims): string {
  return ['v1', c.taskId, c.choice, c.assignee.trim().toLowerCase(), String(c.expires)].join('\n');
}

/** HMAC-SHA-256 over the claims, base64url. */
export function signLink(key: Buffer, claims: LinkClaims): string {
  return createHmac('sha256', key).update(payload(claims)).digest('base64url');
}

/** Constant-time check of a link's signature; any change to any claim fails it. */
export function verifyLink(key: Buffer, claims: LinkClaims, signature: string): boolean {
  // Compared as text, exactly: base64url decoding is lenient (padding bits, +/ for -_), and a
  // link must not have several spellings that all work.
  if (!SIGNATURE.test(signature)) return false;
  const expected = Buffer.from(signLink(key, claims), 'utf8');
  return timingSafeEqual(Buffer.from(signature, 'utf8'), expected);
}

/** An HMAC-SHA-256 in unpadded base64url: 43 characters. */
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The URL of the page a link opens: the task, the choice, the expiry and the signature. A choice
 * with its own page (a form) names the task in the query instead of the path.
 */
export function linkUrl(baseUrl: string, claims: LinkClaims, signature: string, page?: { path: string; subjectId: string }): string {
  const query = new URLSearchParams({ choice: claims.choice, expires: String(claims.expires), sig: signature });
  const base = baseUrl.replace(/\/$/, '');
  if (!page) return `${base}/approvals/${encodeURIComponent(claims.taskId)}?${query.toString()}`;
  return `${base}${page.path.replace('{subjectId}', encodeURIComponent(page.subjectId))}?${new URLSearchParams({ task: claims.taskId, ...Object.fromEntries(query) }).toString()}`;
}
