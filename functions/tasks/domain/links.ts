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
  const expected = Buffer.from(signLink(key, claims), 'base64url');
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The URL of the page a link opens: the task, the choice, the expiry and the signature. */
export function linkUrl(baseUrl: string, claims: LinkClaims, signature: string): string {
  const query = new URLSearchParams({ choice: claims.choice, expires: String(claims.expires), sig: signature });
  return `${baseUrl.replace(/\/$/, '')}/approvals/${encodeURIComponent(claims.taskId)}?${query.toString()}`;
}
