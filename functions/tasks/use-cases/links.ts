import type { AuditSource } from '#shared/audit';
import { wellFormedId } from '#shared/ids';
import { correlate, correlationKeysOf, logger } from '#shared/observability';
import { auditRefusedLink, type LinkRefusal, type RefusalPorts } from '../domain/refusals';
import { standing, type Task } from '../domain/task';
import { decideTask, linkIsGenuine, type DecideResult, type TaskPorts } from '../domain/use-cases';

/**
 * The pages an e-mailed link opens (GET and POST /approvals/{taskId}). The link's signature is
 * its authentication: over task, choice, assignee and expiry, with the current link key or the
 * one before it.
 */

/** What the link use cases need on top of the task ports. */
export type LinkPorts = TaskPorts & {
  /** Keys a link may have been signed with: the current one, then the one before the last rotation. */
  linkKeys(): Promise<Buffer[]>;
  /** Counting and recording refused links (domain/refusals.ts). */
  readonly refusals: Omit<RefusalPorts, 'take'> & { take(source: string, now: Date): Promise<number | undefined> };
};

/** What a link carries: the task id as the path gave it (any text), and the signed query (or form). */
export interface LinkRequest {
  readonly taskId: string;
  readonly method: string;
  readonly source: AuditSource;
  readonly choice: string;
  readonly expires?: string;
  readonly signature?: string;
}

export type LinkOutcome =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'confirm'; readonly task: Task; readonly choice: string; readonly expires: string; readonly signature: string }
  | DecideResult;

/** Audits a refused link; the refusal stands, and is answered the same, if recording fails. */
async function refused(request: LinkRequest, taskId: string, reason: LinkRefusal, ports: Pick<LinkPorts, 'refusals' | 'now'>): Promise<void> {
  const { refusals } = ports;
  const recorded = await auditRefusedLink(
    { taskId, reason, method: request.method, source: request.source },
    { take: (source) => refusals.take(source, ports.now()), limit: refusals.limit, record: (event) => refusals.record(event) },
  ).catch((error: unknown) => {
    logger.error('could not audit a refused approval link', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
    return false;
  });
  logger.warn('approval link refused', { reason, recorded });
}

/**
 * The task a genuine link names.
 * 1. find the task (a malformed id names none, without reading the table): else `unknown`, audited
 * 2. check the link's signature over task, choice, assignee and expiry: else `forbidden`, audited
 */
async function linkedTask(request: LinkRequest, ports: Pick<LinkPorts, 'store' | 'linkKeys' | 'refusals' | 'now'>): Promise<{ task: Task; sealedToken: string } | LinkOutcome> {
  const taskId = wellFormedId('task', request.taskId) ?? '';
  // The path is the sender's text: only a well-formed id is a log key (routeHandler's correlation
  // put the path's value there; a tampered link must not plant it in every line).
  if (taskId) correlate({ taskId });
  else logger.removeKeys(['taskId']);
  const stored = taskId ? await ports.store.get(taskId) : undefined;
  if (!stored) {
    await refused(request, taskId || request.taskId, 'unknown task', ports);
    return { kind: 'unknown' };
  }
  // Known from the task, not the link: a tampered link cannot plant keys in the log.
  correlate(correlationKeysOf(stored.task));
  if (!(await ports.linkKeys()).some((key) => linkIsGenuine(stored.task, request.choice, request.expires, request.signature, key))) {
    await refused(request, taskId, 'signature does not match', ports);
    return { kind: 'forbidden' };
  }
  return stored;
}

/**
 * GET: where the task stands, or a confirmation form for the link's choice. It never changes
 * anything, so a mail scanner that follows the link decides nothing.
 */
export async function openLink(request: LinkRequest, ports: Pick<LinkPorts, 'store' | 'linkKeys' | 'refusals' | 'now'>): Promise<LinkOutcome> {
  const found = await linkedTask(request, ports);
  if ('kind' in found) return found;
  const now = standing(found.task, ports.now());
  if (now === 'decided') return { kind: 'already-decided', task: found.task };
  if (now === 'expired') return { kind: 'expired', task: found.task };
  if (now === 'cancelled') return { kind: 'cancelled', task: found.task };
  return { kind: 'confirm', task: found.task, choice: request.choice, expires: request.expires ?? '', signature: request.signature ?? '' };
}

/** POST: decides the task for its assignee, once (decideTask), and says how it went. */
export async function decideByLink(request: LinkRequest & { readonly comment?: string }, ports: LinkPorts): Promise<LinkOutcome> {
  const found = await linkedTask(request, ports);
  if ('kind' in found) return found;
  const result = await decideTask(found.task, found.sealedToken, request.choice, request.comment, { id: found.task.assignee.email, channel: 'email-link', source: request.source }, ports);
  logger.info('approval link used', { taskId: found.task.taskId, outcome: result.kind });
  return result;
}
