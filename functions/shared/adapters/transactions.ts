import { TransactWriteCommand, type NativeAttributeValue, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { auditPut, type AuditEvent } from '../audit';
import { dynamo } from '#shared/clients/dynamo';

export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** A write refused by its condition (alone, or as part of a transaction). */
export function isConditionFailure(error: unknown): boolean {
  const name = (error as Error).name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
}

/**
 * Writes the items and the audit event in one transaction, so no change goes unrecorded and no
 * record speaks of a change that did not happen. False when a condition refused the write.
 */
export async function writeWithAudit(items: TransactItems, audit: AuditEvent): Promise<boolean> {
  try {
    await dynamo.send(new TransactWriteCommand({ TransactItems: [...items, auditPut(audit)] }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** The parts of an UpdateExpression that sets (or, for undefined, removes) the given fields. */
export interface FieldUpdate {
  readonly set: string[];
  readonly remove: string[];
  readonly names: Record<string, string>;
  readonly values: Record<string, NativeAttributeValue>;
}

export function fieldUpdate(fields: Readonly<Record<string, unknown>>): FieldUpdate {
  const update: FieldUpdate = { set: [], remove: [], names: {}, values: {} };
  for (const [key, value] of Object.entries(fields)) {
    update.names[`#${key}`] = key;
    if (value === undefined) update.remove.push(`#${key}`);
    else {
      update.set.push(`#${key} = :${key}`);
      update.values[`:${key}`] = value as NativeAttributeValue;
    }
  }
  return update;
}
