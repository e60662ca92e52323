import { QueryCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { AuditSubject, auditPartition, auditTable, recordAudit } from '#shared/audit';
import { dynamo } from '#shared/clients';
import { ValidationFailed } from '#shared/errors';
import { apiHandler, json, parseWith } from '#shared/http';
import { now } from '#shared/time';

const MAX_DAYS = 31;

const Query = z
  .object({
    subjectType: z.string().min(1).max(40).optional(),
    subject: z.string().min(1).max(120).optional(),
    actor: z.string().min(1).max(254).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().optional(),
  })
  .refine((q) => q.subject || q.actor || q.from, { message: 'give a subject, an actor, or a time range (from, to)', path: ['subject'] })
  .refine((q) => !q.subject || q.subjectType, { message: 'give the subjectType with the subject (e.g. access-request, arrest-packet, account)', path: ['subjectType'] });

interface Cursor {
  readonly day?: string;
  readonly key?: Record<string, NativeAttributeValue>;
}

function decodeCursor(text: string | undefined): Cursor {
  try {
    return text ? (JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor) : {};
  } catch {
    throw new ValidationFailed([{ field: 'cursor', rule: 'must be the cursor a previous page returned' }]);
  }
}

const encode = (c: Cursor | undefined) => (c ? Buffer.from(JSON.stringify(c)).toString('base64url') : null);

/**
 * GET /audit (auditor): the audit trail by subject, by actor, or by time, newest first within
 * the range, paginated. Reading the audit trail is itself audited.
 */
export const handler = apiHandler(async (event) => {
  const q = parseWith(Query, event.queryStringParameters ?? {});
  const cursor = decodeCursor(q.cursor);
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
    next = out.LastEvaluatedKey ? { key: out.LastEvaluatedKey } : undefined;
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
        next = { day, key: out.LastEvaluatedKey };
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
    source: { ip: event.requestContext?.identity?.sourceIp, userAgent: event.requestContext?.identity?.userAgent ?? undefined },
    details: { count: items.length },
  });
  return json(200, {
    records: items.map(({ pk: _pk, sk: _sk, day: _day, ...record }) => record),
    cursor: encode(next),
  });
});
