import { GetCommand, QueryCommand, TransactWriteCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { auditPartition, auditPut, auditTable, type AuditEvent } from '#shared/audit';
import { dynamo } from '#shared/clients';
import type { DynamoKey } from '#shared/cursor';
import { Conflict } from '#shared/errors';
import { queryPage } from '#shared/adapters/query-page';
import { fieldUpdate, isConditionFailure, writeWithAudit, type TransactItems } from '#shared/adapters/transactions';
import { CERTIFICATION_SUBJECT, CLOSED_CERTIFICATION_STATUSES, type Certification, type CertificationStatus } from '../domain/certification';

const certKey = (id: string) => ({ pk: `CERT#${id}`, sk: 'CERTIFICATION' });
/** One open certification per employee e-mail. */
const openKey = (email: string) => ({ pk: `CERT_OPEN#${email.toLowerCase()}`, sk: 'OPEN' });
const KIND = 'CERT';
const indexKeys = (c: Pick<Certification, 'status' | 'ori' | 'createdAt' | 'certificationId'>) => ({
  gsi1pk: `CERT#STATUS#${c.status}`,
  gsi1sk: `${c.createdAt}#${c.certificationId}`,
  gsi2pk: `AGENCY#${c.ori}`,
  gsi2sk: `CERT#${c.createdAt}#${c.certificationId}`,
  gsi3pk: KIND,
  gsi3sk: `${c.createdAt}#${c.certificationId}`,
});

/** Which certifications a caller may list: one agency's, or every one (the unit). */
export type CertificationView = { readonly kind: 'agency'; readonly ori: string } | { readonly kind: 'all' };

export interface TimelineEntry {
  readonly at: string;
  readonly type: string;
  readonly actor: string;
  readonly status?: string;
  readonly attempt?: number;
  readonly score?: number;
}

function strip(item: Record<string, NativeAttributeValue>): Certification {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, gsi3sk: _f, ...rest } = item;
  return rest as Certification;
}

/**
 * CISS Search certifications in the main table. Each change is one conditional write with its
 * audit event; the timeline is read back from those events.
 */
export class CertificationStore {
  constructor(private readonly tableName: string) {}

  async get(certificationId: string): Promise<Certification | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: certKey(certificationId), ConsistentRead: true }));
    return out.Item ? strip(out.Item) : undefined;
  }

  /**
   * Stores a new certification; one open per employee e-mail (the Conflict names the open one).
   * A renewal (`renews`) takes the open place over from the certification it renews, only while
   * that one holds it.
   */
  async create(certification: Certification, audit: AuditEvent): Promise<void> {
    const open = certification.renews
      ? { ConditionExpression: 'certificationId = :renews', ExpressionAttributeValues: { ':renews': certification.renews } }
      : { ConditionExpression: 'attribute_not_exists(pk)' };
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { ...certKey(certification.certificationId), ...indexKeys(certification), ...certification }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: this.tableName, Item: { ...openKey(certification.employee.email), certificationId: certification.certificationId }, ...open } },
            auditPut(audit),
          ],
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const open = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: openKey(certification.employee.email), ConsistentRead: true }));
      const openId = typeof open.Item?.['certificationId'] === 'string' ? open.Item['certificationId'] : undefined;
      throw new Conflict(`An open CISS Search certification for ${certification.employee.email} already exists: ${openId ?? 'unknown'}`, { openCertificationId: openId });
    }
  }

  /**
   * Moves a certification from one of `from` to `to` with `fields`, and its audit event, in one
   * transaction; a closing status frees the employee's e-mail. With `attemptsSeen`, only while the
   * certification holds that many attempts (two results at once: one is recorded). False when a
   * condition refused it.
   */
  async transition(certification: Certification, from: readonly CertificationStatus[], to: CertificationStatus, fields: Partial<Certification>, audit: AuditEvent, updatedAt: string, attemptsSeen?: number): Promise<boolean> {
    const { set, remove, names, values } = fieldUpdate({ ...fields, gsi1pk: indexKeys({ ...certification, status: to }).gsi1pk });
    set.unshift('#status = :to', 'updatedAt = :updatedAt');
    names['#status'] = 'status';
    Object.assign(values, { ':to': to, ':updatedAt': updatedAt, ...Object.fromEntries(from.map((s, i) => [`:from${i}`, s])) });
    const conditions = [`#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`];
    if (attemptsSeen !== undefined) {
      names['#attempts'] = 'attempts';
      values[':seen'] = attemptsSeen;
      conditions.push('size(#attempts) = :seen');
    }
    const items: TransactItems = [
      {
        Update: {
          TableName: this.tableName,
          Key: certKey(certification.certificationId),
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    ];
    // A closing certification frees the employee's open place, unless a renewal holds it now.
    if (CLOSED_CERTIFICATION_STATUSES.includes(to) && (await this.openFor(certification.employee.email)) === certification.certificationId) {
      items.push({ Delete: { TableName: this.tableName, Key: openKey(certification.employee.email), ConditionExpression: 'certificationId = :mine', ExpressionAttributeValues: { ':mine': certification.certificationId } } });
    }
    return writeWithAudit(items, audit);
  }

  /** The id of the employee's open certification (requested, in the exam, or certified), if any. */
  async openFor(email: string): Promise<string | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: openKey(email), ConsistentRead: true }));
    return typeof out.Item?.['certificationId'] === 'string' ? out.Item['certificationId'] : undefined;
  }

  /** What happened to the certification, from its audit events (reads left out). */
  async timeline(certificationId: string): Promise<TimelineEntry[]> {
    const out = await dynamo.send(
      new QueryCommand({ TableName: auditTable(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': auditPartition({ type: CERTIFICATION_SUBJECT, id: certificationId }) } }),
    );
    return (out.Items ?? [])
      .filter((i) => i['type'] !== 'SearchCertificationRead' && i['outcome'] !== 'denied')
      .map((i) => {
        const d = (i['details'] ?? {}) as Record<string, unknown>;
        return {
          at: String(i['at']),
          type: String(i['type']),
          actor: String(i['actor']),
          ...(typeof d['to'] === 'string' ? { status: d['to'] } : {}),
          ...(typeof d['attempt'] === 'number' ? { attempt: d['attempt'] } : {}),
          ...(typeof d['score'] === 'number' ? { score: d['score'] } : {}),
        };
      });
  }

  /** A page of the certifications a view may see, newest first. */
  async list(view: CertificationView, filter: { status?: CertificationStatus; limit: number }, start?: DynamoKey): Promise<{ items: Certification[]; next?: DynamoKey }> {
    const agency = view.kind === 'agency';
    const byStatus = !agency && filter.status !== undefined;
    const [pk, sk] = agency ? ['gsi2pk', 'gsi2sk'] : byStatus ? ['gsi1pk', 'gsi1sk'] : ['gsi3pk', 'gsi3sk'];
    const filtered = agency && filter.status !== undefined;
    const page = await queryPage(
      {
        TableName: this.tableName,
        IndexName: agency ? 'byAgency' : byStatus ? 'byStatus' : 'byKind',
        KeyConditionExpression: agency ? 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)' : `${pk} = :pk`,
        ExpressionAttributeValues: {
          ':pk': agency ? `AGENCY#${view.ori}` : byStatus ? `CERT#STATUS#${filter.status}` : KIND,
          ...(agency ? { ':prefix': 'CERT#' } : {}),
          ...(filtered ? { ':status': filter.status } : {}),
        },
        FilterExpression: filtered ? '#status = :status' : undefined,
        ExpressionAttributeNames: filtered ? { '#status': 'status' } : undefined,
      },
      ['pk', 'sk', pk, sk],
      filter.limit,
      start,
    );
    return { items: page.items.map(strip), next: page.next };
  }
}
