import { GetCommand, QueryCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#shared/audit';
import { dynamo } from '#shared/clients/dynamo';
import { writeWithAudit, type TransactItems } from '#shared/adapters/transactions';
import type { AgencyState } from '../domain/state';
import type { AgencyStates } from '../ports';

const KIND = 'AGENCIES';
const keyOf = (ori: string) => ({ pk: `AGENCY#${ori}`, sk: 'REGISTRY' });
/** A provisioned agency's machine client, by its id: which agency it acts for (the pre-token trigger reads it). */
const clientKeyOf = (clientId: string) => ({ pk: `AGENCY-CLIENT#${clientId}`, sk: 'AGENCY-CLIENT' });

function stateOf(item: Record<string, NativeAttributeValue>): AgencyState {
  const s = (k: string) => (typeof item[k] === 'string' ? { [k]: item[k] as string } : {});
  return { ori: String(item['ori']), ...s('provisionedAt'), ...s('clientId'), ...s('connectedAt'), ...s('firstPacketId') };
}

/**
 * The registry's record of each agency in the main table, one item per agency that something has
 * happened to, all in one partition of the byKind index (`AGENCIES`, by ORI): a few hundred
 * items, read whole by one query. Each change is one transaction with its audit event.
 */
export class DynamoAgencyStates implements AgencyStates {
  constructor(private readonly tableName: string) {}

  async all(): Promise<AgencyState[]> {
    const items: Record<string, NativeAttributeValue>[] = [];
    let start: Record<string, NativeAttributeValue> | undefined;
    do {
      const out = await dynamo.send(new QueryCommand({ TableName: this.tableName, IndexName: 'byKind', KeyConditionExpression: 'gsi3pk = :k', ExpressionAttributeValues: { ':k': KIND }, ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items.map(stateOf);
  }

  async get(ori: string): Promise<AgencyState | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: keyOf(ori), ConsistentRead: true }));
    return out.Item ? stateOf(out.Item) : undefined;
  }

  /** The agency's state, and its client's map to the agency (one more item of the same transaction). */
  provisioned(ori: string, at: string, clientId: string, audit: AuditEvent): Promise<boolean> {
    const client = { Put: { TableName: this.tableName, Item: { ...clientKeyOf(clientId), clientId, ori, at }, ConditionExpression: 'attribute_not_exists(pk)' } };
    return this.setOnce(ori, 'provisionedAt', { provisionedAt: at, clientId }, audit, [client]);
  }

  /** The agency a provisioned machine client acts for: one strongly consistent read by its id. */
  async agencyOfClient(clientId: string): Promise<string | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: clientKeyOf(clientId), ConsistentRead: true, ProjectionExpression: 'ori' }));
    return typeof out.Item?.['ori'] === 'string' ? out.Item['ori'] : undefined;
  }

  connected(ori: string, at: string, packetId: string, audit: AuditEvent): Promise<boolean> {
    return this.setOnce(ori, 'connectedAt', { connectedAt: at, firstPacketId: packetId }, audit);
  }

  /** Sets the fields unless `guard` is already set (the item is made if missing). */
  private setOnce(ori: string, guard: string, fields: Record<string, string>, audit: AuditEvent, more: TransactItems = []): Promise<boolean> {
    const names: Record<string, string> = { '#guard': guard, '#ori': 'ori', '#gsi3pk': 'gsi3pk', '#gsi3sk': 'gsi3sk' };
    const values: Record<string, string> = { ':ori': ori, ':kind': KIND };
    const sets = ['#ori = :ori', '#gsi3pk = :kind', '#gsi3sk = :ori'];
    for (const [k, v] of Object.entries(fields)) {
      names[`#${k}`] = k;
      values[`:${k}`] = v;
      sets.push(`#${k} = :${k}`);
    }
    return writeWithAudit(
      [{ Update: { TableName: this.tableName, Key: keyOf(ori), UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: 'attribute_not_exists(#guard)', ExpressionAttributeNames: names, ExpressionAttributeValues: values } }, ...more],
      audit,
    );
  }
}
