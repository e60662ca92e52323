import { z } from 'zod';
import { AccessStore } from '#shared/adapters/access-store';
import { sesMailer } from '#shared/adapters/mailer';
import { AuditSubject, type AuditEvent } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { Conflict, NotFound } from '#shared/errors';
import { nowIso } from '#shared/time';
import type { AccessRequest, AccessStatus } from './domain/request';

export const env = loadEnv({
  TABLE_NAME: nonEmpty,
  SENDER_EMAIL: nonEmpty,
  SES_CONFIGURATION_SET: z.string().optional(),
  PUBLIC_API_URL: nonEmpty,
  CCHRS_UNIT_EMAIL: z.email(),
  ACCESS_MACHINE_ARN: z.string().optional(),
});

export const store = new AccessStore(env.TABLE_NAME);
export const mailer = sesMailer(env.SENDER_EMAIL, env.SES_CONFIGURATION_SET);

export async function loadRequest(requestId: string): Promise<AccessRequest> {
  const request = await store.get(requestId);
  if (!request) throw new NotFound(`No access request ${requestId}`);
  return request;
}

export function auditOf(request: Pick<AccessRequest, 'requestId'>, type: string, actor: string, details: AuditEvent['details'] = {}, outcome: AuditEvent['outcome'] = 'success', source?: AuditEvent['source']): AuditEvent {
  return { type, outcome, actor, component: 'cchrs-access', subject: AuditSubject.of('access-request', request.requestId), source, details };
}

/**
 * One status change with its audit event. A step retried after it already moved the request
 * finds it in the target status and carries on; any other status is a conflict.
 */
export async function changeStatus(request: AccessRequest, from: readonly AccessStatus[], to: AccessStatus, actor: string, note?: string, fields: Partial<AccessRequest> = {}): Promise<AccessRequest> {
  const updatedAt = nowIso();
  const moved = await store.transition(request, from, to, fields, auditOf(request, 'AccessRequestStatusChanged', actor, { from: request.status, to, note: note ?? null }), updatedAt);
  if (!moved) {
    const fresh = await loadRequest(request.requestId);
    if (fresh.status === to) return fresh;
    throw new Conflict(`Access request ${request.requestId} is ${fresh.status}; it cannot become ${to}`);
  }
  return { ...request, ...fields, status: to, updatedAt };
}
