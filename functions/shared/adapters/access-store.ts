import { BatchGetCommand, GetCommand, UpdateCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { CLOSED_STATUSES, type AccessRequest, type AccessStatus, type TimelineEntry } from '../../access/domain/request';
import { auditPut, type AuditEvent } from '../audit';
import { LifecycleStore, stripKeys, type LifecycleView, type Unchanged } from './lifecycle-store';
import { taskStepKey } from './task-store';
import { isConditionFailure, writeWithAudit, type TransactItems } from './transactions';
import { dynamo } from '#shared/clients/dynamo';
import { Conflict } from '../errors';

const accountKey = (email: string) => ({ pk: `ACCOUNT#${email.toLowerCase()}`, sk: 'ACCOUNT' });

/** Which requests a caller may list: one agency's, or every one (the CCHRS unit). */
export type AccessView = LifecycleView;

/** REMOVED: disabled at the agency's request (the employee left); it can no longer log in. */
export type AccountStatus = 'PENDING_FIRST_LOGIN' | 'ACTIVE' | 'EXPIRED' | 'REMOVED';

/** A CCHRS user account. The temporary password exists only as a salted hash. */
export interface Account {
  readonly email: string;
  readonly requestId: string;
  readonly fullName: string;
  /** The agency (ORI) of the request the account is for; absent on accounts issued before it was written here. */
  readonly ori?: string;
  readonly status: AccountStatus;
  readonly issue: number;
  readonly temporaryPasswordHash?: string;
  readonly temporaryPasswordExpiresAt?: string;
  readonly passwordHash?: string;
  /** Failed first-login attempts inside the lockout window, oldest first. */
  readonly failures: readonly string[];
  readonly locked: boolean;
  /** When a lock after repeated failures ends by itself (CJIS AC-7); absent: until the unit unlocks. */
  readonly lockedUntil?: string;
}

/**
 * CCHRS access requests: the shared lifecycle layout (`ACCESS#<id>`/`REQUEST`, one open request
 * per employee e-mail). Each status change is one conditional write with its audit event. A
 * function that never touches an account (the training steps, the tasks' openings) uses this
 * alone: what only the access routes need (the timeline, reissue claims, removal, the account's
 * methods) is on AccessStore, so it stays out of those functions' bundles.
 */
export class AccessRequestStore extends LifecycleStore<AccessStatus, AccessRequest> {
  constructor(tableName: string) {
    super(tableName, {
      kind: 'ACCESS',
      sk: 'REQUEST',
      idField: 'requestId',
      closed: CLOSED_STATUSES,
      conflict: (email, openId) => new Conflict(`An open access request for ${email} already exists: ${openId ?? 'unknown'}`, { openRequestId: openId }),
    });
  }

  /**
   * The request and the id of the task last opened for one of its human steps (the tasks' step
   * pointer), both read consistently in one request. Keys DynamoDB leaves unprocessed (throttled)
   * are asked for again.
   */
  async getWithStepTask(requestId: string, step: string): Promise<{ request?: AccessRequest; taskId?: string }> {
    const requestKey = this.recordKey(requestId);
    let keys: Record<string, NativeAttributeValue>[] = [requestKey, taskStepKey({ workflow: 'access-request', step, subjectId: requestId })];
    const found: Record<string, NativeAttributeValue>[] = [];
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 1000) * Math.random()));
      if (attempt > 8) throw Object.assign(new Error('DynamoDB left keys of a BatchGetItem unprocessed'), { name: 'ProvisionedThroughputExceededException' });
      const out = await dynamo.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
      found.push(...(out.Responses?.[this.tableName] ?? []));
      keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    const request = found.find((i) => i['pk'] === requestKey.pk && i['sk'] === requestKey.sk);
    const taskId = found.find((i) => i['pk'] !== requestKey.pk)?.['taskId'];
    return { ...(request ? { request: stripKeys<AccessRequest>(request) } : {}), ...(typeof taskId === 'string' ? { taskId } : {}) };
  }

  /**
   * Moves a request from one of `from` to `to`, with its audit event; a closing status frees the
   * employee's e-mail for a new request. False when the request was not in one of `from`, or
   * when a field of `unchanged` no longer holds the value it was read with (absent: absent).
   */
  async transition(request: AccessRequest, from: readonly AccessStatus[], to: AccessStatus, fields: Partial<AccessRequest>, audit: AuditEvent, updatedAt: string, unchanged?: Partial<AccessRequest>): Promise<boolean> {
    return writeWithAudit(this.transitionItems(request, from, to, fields, updatedAt, { fields: unchanged }), audit);
  }

  /**
   * The writes of a change of the request from `from` to `to` (a status that closes nothing),
   * without reading it first: on condition that it is in `from` (and that the fields of `unchanged`
   * hold those values), setting `fields`. For a caller that writes them in a transaction of its own
   * (a human step's task opening, the first temporary password).
   */
  statusChangeItems(requestId: string, from: AccessStatus, to: AccessStatus, updatedAt: string, fields: Partial<AccessRequest> = {}, unchanged: Unchanged = {}): TransactItems {
    if (CLOSED_STATUSES.includes(to)) throw new Error(`${to} closes the request: its change needs the request as read`);
    // Only the key, the status and the by-status index key come from the record here.
    const stub = { requestId, status: from, createdAt: '', ori: '', employee: { email: '' } } as unknown as AccessRequest;
    return this.transitionItems(stub, [from], to, fields, updatedAt, unchanged);
  }
}

/** CCHRS access requests with their timeline, and the account beside each (`ACCOUNT#<email>`). */
export class AccessStore extends AccessRequestStore {
  /**
   * Claims the reissue of temporary password number `issue` for an expired one, with its audit
   * event: one claim per issue, so of two unit members asking at once only one starts it.
   * False when the request is not PASSWORD_EXPIRED or that issue was already claimed.
   */
  async claimReissue(requestId: string, claim: NonNullable<AccessRequest['reissue']>, audit: AuditEvent): Promise<boolean> {
    return writeWithAudit(
      [
        {
          Update: {
            TableName: this.tableName,
            Key: this.recordKey(requestId),
            UpdateExpression: 'SET reissue = :claim',
            ConditionExpression: '#status = :expired AND (attribute_not_exists(reissue) OR reissue.#issue < :issue)',
            ExpressionAttributeNames: { '#status': 'status', '#issue': 'issue' },
            ExpressionAttributeValues: { ':claim': claim, ':expired': 'PASSWORD_EXPIRED', ':issue': claim.issue },
          },
        },
      ],
      audit,
    );
  }

  /**
   * Removes the employee's account at the agency's request, with the request's move to
   * ACCOUNT_REMOVED and its audit event, in one transaction: the account (of this request) is
   * disabled at once, its chosen password dropped. False when the request was not in one of
   * `from` or the account is not this request's.
   */
  async removeAccount(request: AccessRequest, from: readonly AccessStatus[], removal: NonNullable<AccessRequest['removal']>, audit: AuditEvent): Promise<boolean> {
    return writeWithAudit(
      [
        ...this.transitionItems(request, from, 'ACCOUNT_REMOVED', { removal }, removal.at),
        {
          Update: {
            TableName: this.tableName,
            Key: accountKey(request.employee.email),
            UpdateExpression: 'SET #status = :removed, removedAt = :at REMOVE passwordHash',
            ConditionExpression: 'attribute_exists(pk) AND requestId = :requestId',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':removed': 'REMOVED', ':at': removal.at, ':requestId': request.requestId },
          },
        },
      ],
      audit,
    );
  }

  /** Gives up a claim whose execution could not be started, so the unit can ask again. */
  async releaseReissue(requestId: string, issue: number): Promise<void> {
    try {
      await dynamo.send(
        new UpdateCommand({ TableName: this.tableName, Key: this.recordKey(requestId), UpdateExpression: 'REMOVE reissue', ConditionExpression: 'reissue.#issue = :issue', ExpressionAttributeNames: { '#issue': 'issue' }, ExpressionAttributeValues: { ':issue': issue } }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async timeline(requestId: string): Promise<TimelineEntry[]> {
    return (await this.events({ type: 'access-request', id: requestId }, 'AccessRequestRead')).map((i) => {
      const details = (i['details'] ?? {}) as Record<string, unknown>;
      return { at: String(i['at']), type: String(i['type']), actor: String(i['actor']), status: details['to'] as AccessStatus | undefined, note: typeof details['note'] === 'string' ? details['note'] : undefined };
    });
  }

  async account(email: string): Promise<Account | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: accountKey(email), ConsistentRead: true }));
    return out.Item ? stripKeys<Account>(out.Item) : undefined;
  }

  /**
   * Issues (or reissues) a temporary password: the account is created once per request, and a
   * retried step replaces the hash of the password it could not be sure was delivered.
   */
  async issueTemporaryPassword(account: Omit<Account, 'failures' | 'locked' | 'status'>): Promise<void> {
    await dynamo.send(new UpdateCommand(this.temporaryPasswordItem(account).Update));
  }

  /** issueTemporaryPassword's conditional write, for a caller that writes it in a transaction of its own (with the request's status change). */
  temporaryPasswordItem(account: Omit<Account, 'failures' | 'locked' | 'status'>) {
    return {
      Update: {
        TableName: this.tableName,
        Key: accountKey(account.email),
        UpdateExpression:
          `SET email = :email, requestId = :requestId, fullName = :fullName, ${account.ori === undefined ? '' : 'ori = :ori, '}#status = :pending, issue = :issue, temporaryPasswordHash = :hash, temporaryPasswordExpiresAt = :expires, failures = :none, locked = :false REMOVE passwordHash, lockedUntil`,
        // A removed account (the employee left) may be created again, by a later request only.
        ConditionExpression: 'attribute_not_exists(pk) OR (requestId = :requestId AND #status <> :active AND #status <> :removed) OR (requestId <> :requestId AND #status = :removed)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':email': account.email.toLowerCase(),
          ':requestId': account.requestId,
          ':fullName': account.fullName,
          ...(account.ori === undefined ? {} : { ':ori': account.ori }),
          ':pending': 'PENDING_FIRST_LOGIN',
          ':active': 'ACTIVE',
          ':removed': 'REMOVED',
          ':issue': account.issue,
          ':hash': account.temporaryPasswordHash,
          ':expires': account.temporaryPasswordExpiresAt,
          ':none': [],
          ':false': false,
        },
      },
    };
  }

  /** Records a failed attempt; at the threshold, locks the account until `lockedUntil`. */
  async recordFailure(email: string, failures: readonly string[], lockedUntil: string | undefined): Promise<void> {
    await dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: accountKey(email),
        UpdateExpression: lockedUntil ? 'SET failures = :failures, locked = :true, lockedUntil = :until' : 'SET failures = :failures, locked = :false',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: lockedUntil ? { ':failures': failures, ':true': true, ':until': lockedUntil } : { ':failures': failures, ':false': false },
      }),
    );
  }

  /** First login done: the chosen password replaces the temporary one, once, unless a lock holds at `now`. */
  async activate(email: string, passwordHash: string, issue: number, now: string): Promise<boolean> {
    try {
      await dynamo.send(new UpdateCommand(this.activationItem(email, passwordHash, issue, now).Update));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * First login done, in one transaction and without reading the request: the account's
   * activation (activate's conditions), the request's move from TEMPORARY_PASSWORD_ISSUED to
   * ACTIVE (freeing the employee's e-mail), and the audit events. False when a condition failed:
   * nothing was written.
   */
  async activateWithRequest(account: Pick<Account, 'email' | 'requestId' | 'issue'>, passwordHash: string, now: string, audits: readonly [AuditEvent, ...AuditEvent[]]): Promise<boolean> {
    // Only the key, the status, the by-status index key and the e-mail's guard come from the record here.
    const stub = { requestId: account.requestId, status: 'TEMPORARY_PASSWORD_ISSUED', createdAt: '', ori: '', employee: { email: account.email } } as unknown as AccessRequest;
    const [first, ...more] = audits;
    return writeWithAudit([this.activationItem(account.email, passwordHash, account.issue, now), ...this.transitionItems(stub, ['TEMPORARY_PASSWORD_ISSUED'], 'ACTIVE', {}, now), ...more.map((event) => auditPut(event))], first);
  }

  private activationItem(email: string, passwordHash: string, issue: number, now: string) {
    return {
      Update: {
        TableName: this.tableName,
        Key: accountKey(email),
        // The temporary hash stays (it can no longer log in: the account is ACTIVE), so that a
        // client's retry of this same first login, after an answer it did not get, is answered 200.
        UpdateExpression: 'SET #status = :active, passwordHash = :hash, failures = :none, locked = :false REMOVE lockedUntil',
        ConditionExpression: '#status = :pending AND issue = :issue AND (locked = :false OR lockedUntil <= :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'ACTIVE', ':pending': 'PENDING_FIRST_LOGIN', ':hash': passwordHash, ':none': [], ':issue': issue, ':false': false, ':now': now },
      },
    };
  }

  async expireTemporaryPassword(email: string, issue: number): Promise<boolean> {
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: accountKey(email),
          // The hash stays: a person who later types the right (expired) password is told it expired.
          UpdateExpression: 'SET #status = :expired',
          ConditionExpression: '#status = :pending AND issue = :issue',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':expired': 'EXPIRED', ':pending': 'PENDING_FIRST_LOGIN', ':issue': issue },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async unlock(email: string): Promise<void> {
    await dynamo.send(new UpdateCommand({ TableName: this.tableName, Key: accountKey(email), UpdateExpression: 'SET locked = :false, failures = :none REMOVE lockedUntil', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':false': false, ':none': [] } }));
  }
}
