import type { AccessStore } from '#shared/adapters/access-store';
import type { AuditEvent, AuditSource } from '#shared/audit';
import type { Cursors } from '#shared/cursor';
import type { Caller } from '#shared/http';

/**
 * What the access-request use cases need from the world, as arguments: the entries pass the
 * DynamoDB, Step Functions and Secrets Manager adapters; the unit tests pass fakes.
 */

/** The requests and accounts (functions/shared/adapters/access-store.ts), as far as the use cases use them. */
export type RequestStore = Pick<AccessStore, 'get' | 'create' | 'list' | 'timeline' | 'claimReissue' | 'releaseReissue' | 'unlock' | 'transition' | 'removeAccount' | 'account'>;

/** Appends one audit record (the audit table). */
export type RecordAudit = (event: AuditEvent) => Promise<void>;

/**
 * Starts the access-request machine's execution called `name`. An execution of that name already
 * there counts as started: a repeated start is the same execution.
 */
export type StartWorkflow = (name: string, input: Readonly<Record<string, unknown>>) => Promise<void>;

/** Sealed list cursors (functions/shared/cursor.ts). */
export type ListCursors = Pick<Cursors, 'open' | 'seal'>;

/** The current time, ISO 8601 (the runtime's controllable clock locally). */
export type Clock = () => string;

/** Who acts, and from where: what the audit records name. */
export interface Acting {
  readonly caller: Caller;
  readonly source: AuditSource;
}

/** The link to a request's status, as answers give it. */
export type StatusUrl = (requestId: string) => string;
