import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#shared/audit';
import { dynamo } from '#shared/clients/dynamo';
import { stripKeys } from '#shared/adapters/lifecycle-store';
import { isConditionFailure, writeWithAudit } from '#shared/adapters/transactions';
import { ACCOUNT_KEY_PREFIX, accountKey } from '#shared/accounts';
import type { AccessReview, AccountStatus, DisabledReason, PersonAccount } from '../domain/account';

const reviewKey = (reviewId: string) => ({ pk: `REVIEW#${reviewId}`, sk: 'REVIEW' });
const accountIndex = (a: Pick<PersonAccount, 'status' | 'lastSignInAt' | 'accountId' | 'ori'>) => ({
  // ACTIVE accounts by last sign-in: the inactivity sweep reads only those idle long enough.
  gsi1pk: `${ACCOUNT_KEY_PREFIX}STATUS#${a.status}`,
  gsi1sk: `${a.lastSignInAt}#${a.accountId}`,
  gsi2pk: `AGENCY#${a.ori ?? '-'}`,
  gsi2sk: `${ACCOUNT_KEY_PREFIX}${a.accountId}`,
});

/** Who signed in: what the pre-token trigger knows. */
export interface SignIn {
  readonly accountId: string;
  readonly email: string;
  readonly ori?: string;
  readonly roles: readonly string[];
  readonly at: string;
}

async function allPages(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Record<string, NativeAttributeValue>[]> {
  const items: Record<string, NativeAttributeValue>[] = [];
  let start: Record<string, NativeAttributeValue> | undefined;
  do {
    const out = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * People's accounts and the quarterly access reviews, in the main table. Every change of an
 * account's status is one conditional write with its audit event, so a sweep run twice, or two
 * runs at once, changes and records each account once.
 */
export class AccountStore {
  constructor(private readonly tableName: string) {}

  async get(accountId: string): Promise<PersonAccount | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: accountKey(accountId), ConsistentRead: true }));
    return out.Item ? stripKeys<PersonAccount>(out.Item) : undefined;
  }

  /**
   * Records a sign-in of an ACTIVE account (or registers the account at its first). False when
   * the account is DISABLED or REMOVED: no token is then issued.
   */
  async recordSignIn(signIn: SignIn): Promise<boolean> {
    const index = accountIndex({ status: 'ACTIVE', lastSignInAt: signIn.at, accountId: signIn.accountId, ori: signIn.ori });
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: accountKey(signIn.accountId),
          UpdateExpression:
            'SET accountId = :id, email = :email, #roles = :roles, lastSignInAt = :at, registeredAt = if_not_exists(registeredAt, :at), #status = :active, gsi1pk = :g1pk, gsi1sk = :g1sk, gsi2pk = :g2pk, gsi2sk = :g2sk' +
            (signIn.ori ? ', ori = :ori' : ''),
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :active',
          ExpressionAttributeNames: { '#status': 'status', '#roles': 'roles' },
          ExpressionAttributeValues: {
            ':id': signIn.accountId,
            ':email': signIn.email.toLowerCase(),
            ':roles': [...signIn.roles],
            ':at': signIn.at,
            ':active': 'ACTIVE',
            ':g1pk': index.gsi1pk,
            ':g1sk': index.gsi1sk,
            ':g2pk': index.gsi2pk,
            ':g2sk': index.gsi2sk,
            ...(signIn.ori ? { ':ori': signIn.ori } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** ACTIVE accounts whose last sign-in is at or before `before` (the sweep's candidates), all pages. */
  async idleSince(before: string): Promise<PersonAccount[]> {
    const items = await allPages({
      TableName: this.tableName,
      IndexName: 'byStatus',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
      // `~` sorts after the `#` that follows the time: the cut-off itself is included.
      ExpressionAttributeValues: { ':pk': `${ACCOUNT_KEY_PREFIX}STATUS#ACTIVE`, ':before': `${before}~` },
    });
    return Promise.all(items.map(async (i) => (await this.get(String(i['accountId']))) ?? stripKeys<PersonAccount>(i)));
  }

  /** Every account of an agency (any status). */
  async ofAgency(ori: string): Promise<PersonAccount[]> {
    const items = await allPages({
      TableName: this.tableName,
      IndexName: 'byAgency',
      KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `AGENCY#${ori}`, ':prefix': ACCOUNT_KEY_PREFIX },
    });
    return items.map((i) => stripKeys<PersonAccount>(i));
  }

  /** Every agency that has ACTIVE accounts (the quarter's review lists). */
  async activeAgencies(): Promise<string[]> {
    const items = await allPages({ TableName: this.tableName, IndexName: 'byStatus', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `${ACCOUNT_KEY_PREFIX}STATUS#ACTIVE` } });
    return [...new Set(items.flatMap((i) => (typeof i['ori'] === 'string' ? [i['ori']] : [])))].sort();
  }

  /** The 75-day notice, once per idle spell (keyed by the sign-in it is about), with its audit event. */
  async markNotice(account: PersonAccount, audit: AuditEvent): Promise<boolean> {
    return writeWithAudit(
      [
        {
          Update: {
            TableName: this.tableName,
            Key: accountKey(account.accountId),
            UpdateExpression: 'SET noticeFor = :seen',
            ConditionExpression: '#status = :active AND lastSignInAt = :seen AND (attribute_not_exists(noticeFor) OR noticeFor <> :seen)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':seen': account.lastSignInAt, ':active': 'ACTIVE' },
          },
        },
      ],
      audit,
    );
  }

  /**
   * Disables an ACTIVE account, with its audit event. With `lastSignInAt`, only if no sign-in came
   * since it was read (a sign-in on day 89 keeps the account). False when a condition refused it.
   */
  async disable(account: PersonAccount, reason: DisabledReason, at: string, audit: AuditEvent, lastSignInAt?: string): Promise<boolean> {
    return this.end(account, 'DISABLED', { disabledAt: at, disabledReason: reason }, at, audit, lastSignInAt);
  }

  /** Removes an ACTIVE or DISABLED account (the holder left), with its audit event: tokens issued before `at` stop working. */
  async remove(account: PersonAccount, removal: { by: string; at: string; reason?: string }, audit: AuditEvent): Promise<boolean> {
    return this.end(account, 'REMOVED', { removal }, removal.at, audit);
  }

  /** Notes a DISABLED account's enablement as asked (by its agency administrator), with its audit event; false unless still DISABLED. */
  async askEnablement(account: PersonAccount, enablement: { by: string; at: string; reason: string }, audit: AuditEvent): Promise<boolean> {
    return writeWithAudit(
      [
        {
          Update: {
            TableName: this.tableName,
            Key: accountKey(account.accountId),
            UpdateExpression: 'SET enablement = :enablement',
            ConditionExpression: '#status = :disabled',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':enablement': enablement, ':disabled': 'DISABLED' },
          },
        },
      ],
      audit,
    );
  }

  /**
   * Enables a DISABLED account again (never a REMOVED one), with its audit event: ACTIVE, its
   * idle time counted from `enabled.at` (the sweep's index too), the notice of its last idle spell
   * forgotten, its not-before dropped (it only ever served to refuse tokens while the account was
   * ended; locally the issuer stamps tokens on the wall clock while the not-before is the runtime's,
   * which a test moves ahead). False when a condition refused it.
   */
  async enable(account: PersonAccount, enabled: { requestedBy: string; approvedBy: string; at: string; reason: string }, audit: AuditEvent): Promise<boolean> {
    const index = accountIndex({ ...account, status: 'ACTIVE', lastSignInAt: enabled.at > account.lastSignInAt ? enabled.at : account.lastSignInAt });
    return writeWithAudit(
      [
        {
          Update: {
            TableName: this.tableName,
            Key: accountKey(account.accountId),
            UpdateExpression: 'SET #status = :active, enabled = :enabled, gsi1pk = :g1pk, gsi1sk = :g1sk REMOVE enablement, disabledAt, disabledReason, noticeFor, notBefore',
            ConditionExpression: '#status = :disabled',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':active': 'ACTIVE', ':disabled': 'DISABLED', ':enabled': enabled, ':g1pk': index.gsi1pk, ':g1sk': index.gsi1sk },
          },
        },
      ],
      audit,
    );
  }

  private async end(account: PersonAccount, to: AccountStatus, fields: Record<string, NativeAttributeValue>, at: string, audit: AuditEvent, lastSignInAt?: string): Promise<boolean> {
    const from = to === 'REMOVED' ? ['ACTIVE', 'DISABLED'] : ['ACTIVE'];
    const index = accountIndex({ ...account, status: to });
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, NativeAttributeValue> = { ':to': to, ':notBefore': Math.ceil(Date.parse(at) / 1000), ':g1pk': index.gsi1pk, ...Object.fromEntries(from.map((s, i) => [`:from${i}`, s])) };
    const set = ['#status = :to', 'notBefore = :notBefore', 'gsi1pk = :g1pk'];
    for (const [key, value] of Object.entries(fields)) {
      names[`#${key}`] = key;
      values[`:${key}`] = value;
      set.push(`#${key} = :${key}`);
    }
    let condition = `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`;
    if (lastSignInAt !== undefined) {
      values[':seen'] = lastSignInAt;
      condition += ' AND lastSignInAt = :seen';
    }
    return writeWithAudit(
      [{ Update: { TableName: this.tableName, Key: accountKey(account.accountId), UpdateExpression: `SET ${set.join(', ')}`, ConditionExpression: condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values } }],
      audit,
    );
  }

  async review(reviewId: string): Promise<AccessReview | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: reviewKey(reviewId), ConsistentRead: true }));
    return out.Item ? stripKeys<AccessReview>(out.Item) : undefined;
  }

  /** Lists a review once (a second run of the sweep in the same quarter finds it there): false when it already exists. */
  async openReview(review: AccessReview, audit: AuditEvent): Promise<boolean> {
    return writeWithAudit(
      [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...reviewKey(review.reviewId), ...review, gsi1pk: `REVIEW#STATUS#${review.status}`, gsi1sk: `${review.dueAt}#${review.reviewId}`, gsi2pk: `AGENCY#${review.ori}`, gsi2sk: `REVIEW#${review.listedAt}#${review.reviewId}`, gsi3pk: 'REVIEW', gsi3sk: `${review.listedAt}#${review.reviewId}` },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
      audit,
    );
  }

  /** Replaces an OPEN review's entries and status (confirmation, closing), only if nobody changed it since it was read. */
  async updateReview(review: AccessReview, next: Pick<AccessReview, 'status' | 'entries'> & { closedAt?: string }, audit: AuditEvent): Promise<boolean> {
    return writeWithAudit(
      [
        {
          Update: {
            TableName: this.tableName,
            Key: reviewKey(review.reviewId),
            UpdateExpression: `SET #status = :to, entries = :entries, gsi1pk = :g1pk${next.closedAt ? ', closedAt = :closedAt' : ''}`,
            ConditionExpression: '#status = :open AND entries = :seen',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':to': next.status, ':entries': next.entries, ':g1pk': `REVIEW#STATUS#${next.status}`, ':open': 'OPEN', ':seen': review.entries, ...(next.closedAt ? { ':closedAt': next.closedAt } : {}) },
          },
        },
      ],
      audit,
    );
  }

  /** OPEN reviews due at or before `before` (the sweep closes them). */
  async reviewsDue(before: string): Promise<AccessReview[]> {
    const items = await allPages({ TableName: this.tableName, IndexName: 'byStatus', KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before', ExpressionAttributeValues: { ':pk': 'REVIEW#STATUS#OPEN', ':before': `${before}~` } });
    return Promise.all(items.map(async (i) => (await this.review(String(i['reviewId']))) ?? stripKeys<AccessReview>(i)));
  }

  /** Reviews, newest first: one agency's, or every one (the unit). */
  async reviews(ori?: string): Promise<AccessReview[]> {
    const items = ori
      ? await allPages({ TableName: this.tableName, IndexName: 'byAgency', KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)', ExpressionAttributeValues: { ':pk': `AGENCY#${ori}`, ':prefix': 'REVIEW#' }, ScanIndexForward: false })
      : await allPages({ TableName: this.tableName, IndexName: 'byKind', KeyConditionExpression: 'gsi3pk = :pk', ExpressionAttributeValues: { ':pk': 'REVIEW' }, ScanIndexForward: false });
    return items.map((i) => stripKeys<AccessReview>(i));
  }

  /** Test and seeding aid: a whole account as given (the local runtime's demo people). */
  async put(account: PersonAccount): Promise<void> {
    await dynamo.send(new PutCommand({ TableName: this.tableName, Item: { ...accountKey(account.accountId), ...accountIndex(account), ...account } }));
  }
}
