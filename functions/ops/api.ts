import { routes } from '#infra/manifest';
import { z } from 'zod';
import { AuditSubject, recordAudit, sourceOf } from '#shared/audit';
import { Cursors, cursorParam, secretCursorKeys } from '#shared/cursor';
import { loadEnv, nonEmpty } from '#shared/env';
import { AppError, NotFound } from '#shared/errors';
import { type ApiEvent, apiHandler, json, parseWith } from '#shared/http';
import { EXECUTION_STATUSES, WORKFLOWS, type ExecutionPage, type PendingTaskList } from './contract';
import { DURATION_RULE, parseDuration } from './domain/duration';
import { ExecutionCursorSchema, ID_RULE, listExecutions, pendingTasks, redriveExecution, showExecution } from './domain/operations';
import { auditSubject } from './domain/workflows';
import { ports } from './ports';

const duration = z.string().max(20).refine((v) => parseDuration(v) !== undefined, DURATION_RULE).transform((v) => parseDuration(v) ?? 0);
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

const ListQuery = z.object({
  workflow: z.enum(WORKFLOWS).optional(),
  status: z.enum(EXECUTION_STATUSES).optional(),
  since: duration.optional(),
  stuck: flag.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const cursors = new Cursors(secretCursorKeys(loadEnv({ CURSOR_KEY_SECRET_ID: nonEmpty }).CURSOR_KEY_SECRET_ID));
const ShowQuery = z.object({ reveal: flag.optional() });
const TasksQuery = z.object({ olderThan: duration.optional() });
/** Path ids are names or ARNs (ours are far shorter); the domain checks their format. */
const IdParam = z.object({ id: z.string().min(1).max(300) });


function idOf(event: ApiEvent): string {
  const parsed = IdParam.safeParse(event.pathParameters ?? {});
  // Answered as every API answers a malformed id: as a missing one (404).
  if (!parsed.success) throw new NotFound(`No execution is known by that id: an id ${ID_RULE}`);
  const raw = parsed.data.id;
  // An ARN may arrive percent-encoded (its colons), depending on the client.
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The operations API (role `operations`): what is running and stuck, one execution's timeline,
 * the human tasks waiting, and redrive. Every call is audited: these are reads of justice data
 * and, for redrive, a privileged action. Inputs and outputs are redacted unless the operator
 * asks to reveal them, and a reveal is its own audit event.
 */
export const handler = apiHandler(async (event) => {
  const actor = event.caller.username;
  const audit = (type: string, subject: AuditSubject, outcome: 'success' | 'failure', details: Record<string, string | number | boolean | null>) =>
    recordAudit({ type, outcome, actor, component: 'operations', subject, source: sourceOf(event), details });

  switch (`${event.httpMethod} ${event.resource}`) {
    case 'GET /ops/executions': {
      const q = parseWith(ListQuery, event.queryStringParameters ?? {});
      const scope = { list: 'ops-executions', caller: event.caller, query: { workflow: q.workflow, status: q.status, since: q.since, stuck: q.stuck } };
      const { token, param } = cursorParam(event.queryStringParameters);
      const start = await cursors.open(token, scope, ExecutionCursorSchema, param);
      const page = await listExecutions(ports, { workflow: q.workflow, status: q.status, sinceSeconds: q.since, stuck: q.stuck, limit: q.limit, start });
      await audit('ExecutionsListed', AuditSubject.of('executions', q.workflow ?? '*'), 'success', { status: q.status ?? null, stuck: q.stuck ?? false, count: page.items.length });
      const body: ExecutionPage = { items: page.items, nextToken: await cursors.seal(scope, page.next) };
      return json(200, body);
    }
    case 'GET /ops/executions/{id}': {
      const id = idOf(event);
      const reveal = parseWith(ShowQuery, event.queryStringParameters ?? {}).reveal === true;
      try {
        const detail = await showExecution(ports, id, reveal ? 'reveal' : 'redact');
        await audit(reveal ? 'ExecutionDataRevealed' : 'ExecutionRead', auditSubject(detail.subject, detail.executionArn), 'success', { executionArn: detail.executionArn, revealed: reveal });
        return json(200, detail);
      } catch (error) {
        if (error instanceof AppError && error.statusCode === 404) await audit(reveal ? 'ExecutionDataRevealed' : 'ExecutionRead', AuditSubject.of('execution', id), 'failure', { reason: 'not found' });
        throw error;
      }
    }
    case 'GET /ops/tasks': {
      const q = parseWith(TasksQuery, event.queryStringParameters ?? {});
      const body: PendingTaskList = { items: await pendingTasks(ports, q.olderThan) };
      await audit('PendingTasksListed', AuditSubject.of('tasks', 'pending'), 'success', { olderThanSeconds: q.olderThan ?? null, count: body.items.length });
      return json(200, body);
    }
    case 'POST /ops/executions/{id}/redrive': {
      const id = idOf(event);
      try {
        const result = await redriveExecution(ports, id);
        await audit('ExecutionRedriven', auditSubject(result.execution.subject, result.execution.executionArn), 'success', { executionArn: result.execution.executionArn });
        return json(200, result);
      } catch (error) {
        const reason = error instanceof AppError && error.statusCode < 500 ? error.message.slice(0, 300) : 'error';
        await audit('ExecutionRedriven', AuditSubject.of('execution', id), 'failure', { reason });
        throw error;
      }
    }
    default:
      throw new NotFound(`No operations route ${event.httpMethod} ${event.resource}`);
  }
}, { routes });
