import { GetCommand, QueryCommand, TransactWriteCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import type { Role } from '#shared/roles';
import type { Decision, Task, TaskStatus } from '../../tasks/domain/task';
import { auditPut, type AuditEvent } from '../audit';
import { fieldUpdate, writeWithAudit, type TransactItems } from './transactions';
import { dynamo } from '#shared/clients/dynamo';

const taskKey = (taskId: string) => ({ pk: `TASK#${taskId}`, sk: 'TASK' });
const stepKey = (t: Pick<Task, 'workflow' | 'step'> & { subjectId: string }) => ({ pk: `TASKSTEP#${t.workflow}#${t.subjectId}#${t.step}`, sk: 'CURRENT' });
/** The key of the pointer to a step's current task (its `taskId`), for a caller that reads it with other items in one request. */
export const taskStepKey = stepKey;
// Pending tasks by role, then by the agency (ORI) or court (GA23) they are for: each caller's in one query.
const pendingIndexKeys = (task: Task) => ({ gsi1pk: `TASKS#PENDING#${task.assignee.role}`, gsi1sk: `${task.assignee.ori ?? task.assignee.court ?? '-'}#${task.createdAt}#${task.taskId}` });

/** A pending task as monitoring sees it: no subject, facts or token. */
export interface PendingTaskSummary {
  readonly taskId: string;
  readonly workflow: string;
  readonly step: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface StoredTask {
  readonly task: Task;
  /** The Step Functions task token, sealed with KMS: useless without the key. */
  readonly sealedToken: string;
}


function toStored(item: Record<string, NativeAttributeValue>): StoredTask {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, sealedToken, ...task } = item;
  return { task: task as Task, sealedToken: String(sealedToken) };
}

/**
 * Human tasks in the main table. Every status change is one conditional write together with
 * its audit event, so two deciders racing cannot both win and no change goes unrecorded.
 */
export class TaskStore {
  constructor(private readonly tableName: string) {}

  async get(taskId: string): Promise<StoredTask | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: taskKey(taskId), ConsistentRead: true }));
    return out.Item ? toStored(out.Item) : undefined;
  }

  /** The task currently open (or last opened) for a workflow step of a subject. */
  async currentFor(workflow: string, subjectId: string, step: string): Promise<StoredTask | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: stepKey({ workflow, step, subjectId }), ConsistentRead: true }));
    const taskId = out.Item?.['taskId'];
    return typeof taskId === 'string' ? this.get(taskId) : undefined;
  }

  /**
   * Creates a task, pointed to as its step's current one, with its audit event, and with
   * `alongside` (the subject's status change and its audit event) in the same transaction: a
   * status that names a human step is never seen before its task exists. Only if the step's
   * current task is still `replaces` (the one the caller read; none: the step has no task yet),
   * a condition failure otherwise: two attempts of one step never both take it, and the one
   * that read last decides.
   */
  async create(task: Task, sealedToken: string, audit: AuditEvent, replaces?: string, alongside: { readonly items: TransactItems; readonly audits: readonly AuditEvent[] } = { items: [], audits: [] }): Promise<void> {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...taskKey(task.taskId), ...pendingIndexKeys(task), ...task, sealedToken }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: this.tableName,
              Item: { ...stepKey({ ...task, subjectId: task.subject.id }), taskId: task.taskId },
              ...(replaces ? { ConditionExpression: 'taskId = :replaces', ExpressionAttributeValues: { ':replaces': replaces } } : { ConditionExpression: 'attribute_not_exists(pk)' }),
            },
          },
          { Put: { TableName: this.tableName, Item: { pk: `EXEC#${task.executionArn}`, sk: `TASK#${task.taskId}`, taskId: task.taskId } } },
          auditPut(audit),
          ...alongside.items,
          ...alongside.audits.map((event) => auditPut(event)),
        ],
      }),
    );
  }

  /**
   * PENDING (and not past its expiry) → DECIDED; false when someone or something got there first,
   * or when a condition of `alongside` (writes made with the decision, in its transaction) failed.
   */
  async decide(taskId: string, decision: Decision, now: string, audit: AuditEvent, alongside?: { readonly items: TransactItems; readonly audits: readonly AuditEvent[] }): Promise<boolean> {
    return this.transition(taskId, 'PENDING', 'DECIDED', { decision }, audit, { expiresAfter: now, alongside });
  }

  /** Closes a task without a decision (expired, superseded, its execution gone). */
  async close(taskId: string, from: TaskStatus, to: 'EXPIRED' | 'CANCELLED', reason: string, audit: AuditEvent): Promise<boolean> {
    return this.transition(taskId, from, to, { closedReason: reason }, audit);
  }

  /** Undoes a decision the workflow could not take (a transient failure): the task is open again. */
  async reopen(stored: Task, audit: AuditEvent): Promise<boolean> {
    return this.transition(stored.taskId, 'DECIDED', 'PENDING', { decision: undefined, ...pendingIndexKeys(stored) }, audit);
  }

  /** Pending tasks of a role; with `scope`, only those for that agency (ORI) or court (GA23). */
  async pendingFor(role: Role, scope?: string): Promise<Task[]> {
    const out = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byStatus',
        KeyConditionExpression: scope ? 'gsi1pk = :pk AND begins_with(gsi1sk, :scope)' : 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `TASKS#PENDING#${role}`, ...(scope ? { ':scope': `${scope}#` } : {}) },
      }),
    );
    return (out.Items ?? []).map((i) => toStored(i).task);
  }

  /**
   * Every PENDING task of a role, all pages, with only what monitoring needs (ids, role, times):
   * the index is ordered by agency first, so the oldest task can be anywhere in it.
   */
  async allPending(role: Role): Promise<PendingTaskSummary[]> {
    const found: PendingTaskSummary[] = [];
    let start: Record<string, NativeAttributeValue> | undefined;
    do {
      const out = await dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byStatus',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `TASKS#PENDING#${role}` },
          ProjectionExpression: 'taskId, workflow, step, createdAt, expiresAt',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        found.push({ taskId: String(item['taskId']), workflow: String(item['workflow']), step: String(item['step']), role, createdAt: String(item['createdAt']), expiresAt: String(item['expiresAt']) });
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }

  async forExecution(executionArn: string): Promise<string[]> {
    const out = await dynamo.send(new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `EXEC#${executionArn}` } }));
    return (out.Items ?? []).map((i) => String(i['taskId']));
  }

  private async transition(
    taskId: string,
    from: TaskStatus,
    to: TaskStatus,
    fields: Record<string, NativeAttributeValue>,
    audit: AuditEvent,
    options: { expiresAfter?: string; alongside?: { readonly items: TransactItems; readonly audits: readonly AuditEvent[] } } = {},
  ): Promise<boolean> {
    const { set, remove, names, values } = fieldUpdate(fields);
    set.unshift('#status = :to');
    names['#status'] = 'status';
    Object.assign(values, { ':to': to, ':from': from });
    if (to !== 'PENDING') remove.push('gsi1pk', 'gsi1sk');
    let condition = '#status = :from';
    if (options.expiresAfter) {
      names['#expiresAt'] = 'expiresAt';
      values[':now'] = options.expiresAfter;
      condition += ' AND #expiresAt > :now';
    }
    return writeWithAudit(
      [
        {
          Update: {
            TableName: this.tableName,
            Key: taskKey(taskId),
            UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
        ...(options.alongside?.items ?? []),
        ...(options.alongside?.audits ?? []).map((event) => auditPut(event)),
      ],
      audit,
    );
  }
}
