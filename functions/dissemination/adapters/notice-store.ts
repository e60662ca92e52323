import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#shared/audit';
import { dynamo } from '#shared/clients/dynamo';
import { isConditionFailure, writeWithAudit } from '#shared/adapters/transactions';
import { audienceKeyOf } from '../domain/notice';
import type { NoticeRecord, NoticeStore, RuleSwitch } from '../ports';

/**
 * Notices, mutes and rule switches in the main table.
 * - a notice: `NOTICE#<id>` / `NOTICE`; while due or being sent it is in the byStatus index under
 *   `NOTICES#DUE` (by when), once failed under `NOTICES#FAILED` (by when), so the retry schedule
 *   and operations read only those; in byAgency under its address and in byKind under its office
 *   audience (role and court or agency), for the receivers' portal inbox. Kept about 13 months.
 * - a person's mutes: `NOTICE-MUTES#<address>` / `RULE#<rule id>`.
 * - the rule switches: `DISSEMINATION#SWITCHES` / `<rule id>`: one partition, read on every event.
 */
const DUE = 'NOTICES#DUE';
const FAILED = 'NOTICES#FAILED';
const SWITCHES = 'DISSEMINATION#SWITCHES';
const KEEP_SECONDS = 400 * 24 * 3600;

const key = (noticeId: string) => ({ pk: `NOTICE#${noticeId}`, sk: 'NOTICE' });
const muteKey = (address: string, rule: string) => ({ pk: `NOTICE-MUTES#${address.toLowerCase()}`, sk: `RULE#${rule}` });

/** Only the notice's own attributes, as the use cases see them. */
function noticeOf(item: Record<string, unknown>): NoticeRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _1, gsi1sk: _2, gsi2pk: _3, gsi2sk: _4, gsi3pk: _5, gsi3sk: _6, expiresAt: _7, ...notice } = item;
  return notice as unknown as NoticeRecord;
}

export class DynamoNoticeStore implements NoticeStore {
  constructor(private readonly tableName: string) {}

  async create(notice: NoticeRecord): Promise<boolean> {
    const audience = audienceKeyOf(notice.recipient);
    const order = `${notice.createdAt}#${notice.noticeId}`;
    try {
      await dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key(notice.noticeId),
            ...notice,
            gsi1pk: DUE,
            gsi1sk: notice.nextAttemptAt ?? notice.createdAt,
            gsi2pk: `NOTICE-TO#${notice.recipient.address}`,
            gsi2sk: order,
            ...(audience ? { gsi3pk: `NOTICE-FOR#${audience}`, gsi3sk: order } : {}),
            expiresAt: Math.floor(Date.parse(notice.createdAt) / 1000) + KEEP_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(noticeId: string): Promise<NoticeRecord | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: key(noticeId), ConsistentRead: true }));
    return out.Item ? noticeOf(out.Item) : undefined;
  }

  async claim(noticeId: string, now: string, leaseUntil: string): Promise<NoticeRecord | undefined> {
    try {
      const out = await dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(noticeId),
          UpdateExpression: 'SET #status = :sending, leaseUntil = :lease, attempts = attempts + :one, gsi1sk = :lease',
          ConditionExpression: '(#status = :pending AND nextAttemptAt <= :now) OR (#status = :sending AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'SENDING', ':pending': 'PENDING', ':lease': leaseUntil, ':now': now, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? noticeOf(out.Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** An update of the attempt in progress, only while this attempt still holds the notice. */
  private attemptUpdate(notice: NoticeRecord, expression: string, values: Record<string, unknown>) {
    return {
      Update: {
        TableName: this.tableName,
        Key: key(notice.noticeId),
        UpdateExpression: expression,
        ConditionExpression: '#status = :sending AND attempts = :attempts',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sending': 'SENDING', ':attempts': notice.attempts, ...values },
      },
    };
  }

  async markSent(notice: NoticeRecord, at: string, messageId: string, audit: AuditEvent): Promise<void> {
    await writeWithAudit([this.attemptUpdate(notice, 'SET #status = :sent, sentAt = :at, messageId = :messageId REMOVE gsi1pk, gsi1sk, leaseUntil, nextAttemptAt, lastError', { ':sent': 'SENT', ':at': at, ':messageId': messageId })], audit);
  }

  async retryLater(notice: NoticeRecord, next: string, error: string): Promise<void> {
    const { Update } = this.attemptUpdate(notice, 'SET #status = :pending, nextAttemptAt = :next, gsi1sk = :next, lastError = :error REMOVE leaseUntil', { ':pending': 'PENDING', ':next': next, ':error': error });
    try {
      await dynamo.send(new UpdateCommand(Update));
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async markFailed(notice: NoticeRecord, at: string, error: string, audit: AuditEvent): Promise<void> {
    await writeWithAudit([this.attemptUpdate(notice, 'SET #status = :failed, failedAt = :at, gsi1pk = :index, gsi1sk = :at, lastError = :error REMOVE leaseUntil, nextAttemptAt', { ':failed': 'FAILED', ':at': at, ':index': FAILED, ':error': error })], audit);
  }

  async redrive(notice: NoticeRecord, at: string, audit: AuditEvent): Promise<boolean> {
    return writeWithAudit(
      [
        {
          Update: {
            TableName: this.tableName,
            Key: key(notice.noticeId),
            UpdateExpression: 'SET #status = :pending, attempts = :zero, nextAttemptAt = :at, gsi1pk = :due, gsi1sk = :at, redrives = if_not_exists(redrives, :zero) + :one REMOVE failedAt',
            ConditionExpression: '#status = :failed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pending': 'PENDING', ':failed': 'FAILED', ':zero': 0, ':one': 1, ':at': at, ':due': DUE },
          },
        },
      ],
      audit,
    );
  }

  async due(now: string, limit: number): Promise<string[]> {
    const out = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byStatus',
        KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :now',
        ExpressionAttributeValues: { ':due': DUE, ':now': now },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => String(i['noticeId']));
  }

  async failed(limit: number): Promise<NoticeRecord[]> {
    const out = await dynamo.send(new QueryCommand({ TableName: this.tableName, IndexName: 'byStatus', KeyConditionExpression: 'gsi1pk = :failed', ExpressionAttributeValues: { ':failed': FAILED }, ScanIndexForward: false, Limit: limit }));
    return (out.Items ?? []).map(noticeOf);
  }

  async inbox(address: string | undefined, audiences: readonly string[], limit: number): Promise<NoticeRecord[]> {
    const partitions: { index: string; attr: string; value: string }[] = [
      ...(address ? [{ index: 'byAgency', attr: 'gsi2pk', value: `NOTICE-TO#${address.toLowerCase()}` }] : []),
      ...audiences.map((a) => ({ index: 'byKind', attr: 'gsi3pk', value: `NOTICE-FOR#${a}` })),
    ];
    const pages = await Promise.all(
      partitions.map((p) =>
        dynamo.send(new QueryCommand({ TableName: this.tableName, IndexName: p.index, KeyConditionExpression: `${p.attr} = :p`, ExpressionAttributeValues: { ':p': p.value }, ScanIndexForward: false, Limit: limit })),
      ),
    );
    const byId = new Map<string, NoticeRecord>();
    for (const item of pages.flatMap((p) => p.Items ?? [])) byId.set(String(item['noticeId']), noticeOf(item));
    return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.noticeId.localeCompare(b.noticeId)).slice(0, limit);
  }

  async mutes(address: string): Promise<string[]> {
    const out = await dynamo.send(new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': muteKey(address, '').pk }, ConsistentRead: true }));
    return (out.Items ?? []).map((i) => String(i['rule']));
  }

  async setMute(address: string, rule: string, muted: boolean, at: string, audit: AuditEvent): Promise<void> {
    const k = muteKey(address, rule);
    await writeWithAudit([muted ? { Put: { TableName: this.tableName, Item: { ...k, rule, at } } } : { Delete: { TableName: this.tableName, Key: k } }], audit);
  }

  async switches(): Promise<readonly RuleSwitch[]> {
    const out = await dynamo.send(new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SWITCHES }, ConsistentRead: true }));
    return (out.Items ?? []).map((i) => ({ rule: String(i['rule']), enabled: i['enabled'] === true, reason: String(i['reason']), by: String(i['by']), at: String(i['at']) }));
  }

  async setSwitch(value: RuleSwitch, audit: AuditEvent): Promise<void> {
    await writeWithAudit([{ Put: { TableName: this.tableName, Item: { pk: SWITCHES, sk: value.rule, ...value } } }], audit);
  }
}
