import * as z from 'zod/mini';
import { lazy } from './lazy';

/**
 * The formats of the ids a path names, one per kind. A handler checks the path's id against its
 * format before it touches a table, and answers a malformed one exactly as a missing one (404):
 * no id of another shape can exist, and a very long one would otherwise reach DynamoDB's key
 * size limit as a 500.
 */

/** `ap-` and 24 hex digits: an HMAC of (ORI, incident number), functions/arrests/domain/packet.ts. */
export const PACKET_ID = /^ap-[0-9a-f]{24}$/;
/** `AR-<yyyymmdd>-<10 hex digits>`, functions/access/create.ts. */
export const ACCESS_REQUEST_ID = /^AR-\d{8}-[0-9A-F]{10}$/;
/** 16 random bytes in base64url (22 characters), functions/tasks/ports.ts. */
export const TASK_ID = /^[A-Za-z0-9_-]{22}$/;

/** An agency's ORI: two letters and seven letters or digits (e.g. CT0000100). */
export const OriSchema = lazy(() => z.string().check(z.regex(/^[A-Z]{2}[A-Z0-9]{7}$/, 'must be 2 letters and 7 letters or digits, e.g. CT0000100')));

// Every function imports these; built on first use (`lazy`), not at each cold start.
export const PacketIdSchema = lazy(() => z.string().check(z.regex(PACKET_ID, 'must be an arrest packet id (ap- and 24 hex digits)')));
export const AccessRequestIdSchema = lazy(() => z.string().check(z.regex(ACCESS_REQUEST_ID, 'must be an access request id (AR-yyyymmdd-XXXXXXXXXX)')));
export const TaskIdSchema = lazy(() => z.string().check(z.regex(TASK_ID, 'must be a task id (22 letters, digits, - or _)')));

export type IdKind = 'packet' | 'access-request' | 'task';

const SCHEMAS: Readonly<Record<IdKind, z.ZodMiniType<string>>> = {
  packet: PacketIdSchema,
  'access-request': AccessRequestIdSchema,
  task: TaskIdSchema,
};

/** The id if it has its kind's format, else undefined (the caller answers 404, as for a missing one). */
export function wellFormedId(kind: IdKind, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = SCHEMAS[kind].safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
