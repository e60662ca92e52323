import { routes } from '#infra/manifest';
import { QueryCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { AuditSubject, auditPartition, auditTable, recordAudit, sourceOf } from '#shared/audit';
import { dynamo } from '#shared/clients';
import { Cursors, cursorParam, DynamoKeySchema, secretCursorKeys, type DynamoKey } from '#shared/cursor';
import { loadEnv, nonEmpty } from '#shared/env';
import { ValidationFailed } from '#shared/errors';
import { apiHandler, json, parseWith } from '#shared/http';
import { now } from '#shared/time';

const MAX_DAYS = 31;

/** Every key attribute of the audit table and its indexes is a string. */
const keyOf = (key: Record<string, NativeAttributeValue>): DynamoKey => Object.fromEntries(Object.entries(key).map(([k, v]) => [k, String(v)]));

const Query = z
  .object({
    subjectType: z.string().min(1).max(40).optional(),
    subject: z.string().min(1).max(120).optional(),
    actor: z.string().min(1).max(254).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine((q) => q.subject || q.actor || q.from, { message: 'give a subject, an actor, or a time range (from, to)', path: ['subject'] })
  .refine((q) => !q.subject || q.subjectType, { message: 'give the subjectType with the subject (e.g. access-request, arrest-packet, account)', path: ['subjectType'] });

/** Where the next page starts: a day of the time range, and a key within it (or within the subject or actor). */
const CursorSchema = z.object({ day: z.string().optional(), key: DynamoKeySchema.optional() });
type Cursor = z.infer<typeof CursorSchema>;

const cursors = new Cursors(secretCursorKeys(loadEnv({ CURSOR_KEY_SECRET_ID: nonEmpty }).CURSOR_KEY_SECRET_ID));

/**
 * GET /audit (auditor): the audit trail by subject, by actor, or by time, newest first within
 * the range, paginated. Reading the audit trail is itself audited.
 */
export const handler = apiHandler(async (event) => {
  const q = parseWith(Query, event.queryStringParameters ?? {});
  const scope = { list: 'audit', caller: event.caller, query: { subjectType: q.subjectType, subject: q.subject, actor: q.actor, from: q.from, to: q.to } };
  const { token, param } = cursorParam(event.queryStringParameters, 'cursor');
  const cursor: Cursor = (await cursors.open(token, scope, CursorSchema, param)) ?? {};
  const to = q.to ?? now().toISOString();
  const from = q.from ?? '0000';
  const range = { ':from': from, ':to': `${to}~` };
  let items: Record<string, NativeAttributeValue>[] = [];
  let next: Cursor | undefined;

  if (q.subject || q.actor) {
    const out = await dynamo.send(
      new QueryCommand({
        TableName: auditTable(),
        IndexName: q.subject ? undefined : 'byActor',
        KeyConditionExpression: `${q.subject ? 'pk' : 'actor'} = :key AND sk BETWEEN :from AND :to`,
        ExpressionAttributeValues: { ':key': q.subject ? auditPartition({ type: q.subjectType ?? '', id: q.subject }) : q.actor, ...range },
        ScanIndexForward: false,
        Limit: q.limit,
        ExclusiveStartKey: cursor.key,
      }),
    );
    items = out.Items ?? [];
    next = out.LastEvaluatedKey ? { key: keyOf(out.LastEvaluatedKey) } : undefined;
  } else {
    const days: string[] = [];
    for (let d = new Date(to.slice(0, 10)); d.toISOString().slice(0, 10) >= from.slice(0, 10); d.setUTCDate(d.getUTCDate() - 1)) {
      days.push(d.toISOString().slice(0, 10));
      if (days.length > MAX_DAYS) throw new ValidationFailed([{ field: 'from', rule: `a time range may span at most ${MAX_DAYS} days; narrow it or query by subject or actor` }]);
    }
    for (const day of cursor.day ? days.slice(days.indexOf(cursor.day)) : days) {
      const out = await dynamo.send(
        new QueryCommand({
          TableName: auditTable(),
          IndexName: 'byDay',
          KeyConditionExpression: '#day = :day AND sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#day': 'day' },
          ExpressionAttributeValues: { ':day': day, ...range },
          ScanIndexForward: false,
          Limit: q.limit - items.length,
          ExclusiveStartKey: day === cursor.day ? cursor.key : undefined,
        }),
      );
      items.push(...(out.Items ?? []));
      if (out.LastEvaluatedKey) {
        next = { day, key: keyOf(out.LastEvaluatedKey) };
        break;
      }
      if (items.length >= q.limit) {
        const later = days[days.indexOf(day) + 1];
        next = later ? { day: later } : undefined;
        break;
      }
    }
  }

  await recordAudit({
    type: 'AuditTrailRead',
    outcome: 'success',
    actor: event.caller.username,
    component: 'audit',
    subject: AuditSubject.of('audit', q.subject ? `${q.subjectType}#${q.subject}` : q.actor ? `actor:${q.actor}` : `${from}..${to}`),
    source: sourceOf(event),
    details: { count: items.length },
  });
  return json(200, {
    records: items.map(({ pk: _pk, sk: _sk, day: _day, ...record }) => record),
    nextToken: await cursors.seal(scope, next),
  });
}, { routes });
