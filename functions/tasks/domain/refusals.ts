import { createHash } from 'node:crypto';
import { AuditSubject, type AuditEvent, type AuditSource } from '#shared/audit';

/** A task id as `newId` makes them: 16 random bytes, base64url. */
export const TASK_ID_FORM = /^[A-Za-z0-9_-]{22}$/;

/** Refused links recorded per source address and minute: enough to see an attack, too few to flood the trail. */
export const REFUSALS_RECORDED_PER_MINUTE = 10;

/** Why an approval link was refused. */
export type LinkRefusal = 'unknown task' | 'signature does not match';

export interface RefusalPorts {
  /** Counts one refusal from the source in the current window: its place, or undefined past the limit. */
  take(source: string): Promise<number | undefined>;
  /** Refusals recorded per source and window. */
  readonly limit: number;
  record(event: AuditEvent): Promise<void>;
}

const USER_AGENT_MAX = 256;

/**
 * A refused approval link (tampered, for another task, or for no task) is a failed access attempt
 * by someone without an account (CJIS AU-2, AU-3):
 * 1. name the task as given when it has a task id's form; else "malformed", with a hash of what
 *    was given (the path is the sender's text and may hold anything)
 * 2. count the refusal against its source address in this minute; past the limit record nothing,
 *    so a flood from one address cannot fill the trail, and say so on the last record allowed
 * 3. record who (anonymous), what, where from (address and user agent) and why
 * Returns whether a record was written.
 */
export async function auditRefusedLink(refusal: { readonly taskId: string; readonly reason: LinkRefusal; readonly method: string; readonly source: AuditSource }, ports: RefusalPorts): Promise<boolean> {
  const wellFormed = TASK_ID_FORM.test(refusal.taskId);
  const place = await ports.take(refusal.source.ip ?? 'unknown');
  if (place === undefined) return false;
  await ports.record({
    type: 'ApprovalLinkRefused',
    outcome: refusal.reason === 'unknown task' ? 'failure' : 'denied',
    actor: 'anonymous',
    component: 'human-tasks',
    subject: AuditSubject.of('task', wellFormed ? refusal.taskId : 'malformed'),
    source: { ip: refusal.source.ip, userAgent: refusal.source.userAgent?.slice(0, USER_AGENT_MAX) },
    details: {
      reason: refusal.reason,
      method: refusal.method,
      ...(wellFormed ? {} : { givenSha256: createHash('sha256').update(refusal.taskId).digest('hex').slice(0, 16) }),
      ...(place >= ports.limit ? { further: `refusals from this address are not recorded for the rest of the minute (limit ${ports.limit})` } : {}),
    },
  });
  return true;
}
