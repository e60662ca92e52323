import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { AccessStore } from '#shared/adapters/access-store';
import type { AuditEvent } from '#shared/audit';
import { dynamo } from '#shared/clients/dynamo';
import { writeWithAudit } from '#shared/adapters/transactions';
import type { AwarenessCompletion } from '../domain/certification';
import type { AwarenessLookup } from '../ports';

/** The employee's latest Security Awareness Training renewal, by e-mail, beside their CCHRS account. */
const renewalKey = (email: string) => ({ pk: `SAT#${email.trim().toLowerCase()}`, sk: 'SECURITY_AWARENESS' });

/**
 * Security Awareness Training renewals the unit verified on CJIS Online, in the main table: the
 * newest per employee. The CCHRS account's own completion stays on the request it was verified
 * on; this one is read beside it (adapters/wiring.ts `awarenessOn`).
 */
export class AwarenessRenewals {
  constructor(private readonly tableName: string) {}

  async latest(email: string): Promise<AwarenessCompletion | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: renewalKey(email), ConsistentRead: true }));
    const item = out.Item;
    return typeof item?.['completedOn'] === 'string' && typeof item['recordId'] === 'string' ? { completedOn: item['completedOn'], recordId: item['recordId'] } : undefined;
  }

  /** Keeps `completion` with its audit event, unless a completion as new or newer is kept already (false then). */
  async record(email: string, completion: AwarenessCompletion, recordedBy: string, at: string, audit: AuditEvent): Promise<boolean> {
    return writeWithAudit(
      [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...renewalKey(email), ...completion, recordedBy, recordedAt: at },
            ConditionExpression: 'attribute_not_exists(pk) OR completedOn < :completedOn',
            ExpressionAttributeValues: { ':completedOn': completion.completedOn },
          },
        },
      ],
      audit,
    );
  }
}

/**
 * The employee's CCHRS account, the request it was created by (functions/shared/adapters/access-store.ts),
 * and the latest Security Awareness Training renewal the unit recorded since.
 */
export function awarenessOn(tableName: string): AwarenessLookup {
  const access = new AccessStore(tableName);
  const renewals = new AwarenessRenewals(tableName);
  return async (email) => {
    const [account, renewed] = await Promise.all([access.account(email), renewals.latest(email)]);
    const request = account ? await access.get(account.requestId) : undefined;
    return { account, request, ...(renewed ? { renewed } : {}) };
  };
}
