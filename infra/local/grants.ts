import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { grantPartition, rolesHeld, type RoleGrant } from '../../functions/certification/domain/grant';
import type { Role } from '../../functions/shared/roles';
import type { Clock } from './clock';

/**
 * The local user store's grants: the roles a lifecycle gave a person (CISS Search's `search`),
 * as the certification's grant adapter keeps them in the main table, read when the local issuer
 * mints that person's token. Only active grants not past their expiry on the runtime's clock
 * count, so a lapse or a suspension is gone from the next token. Cognito's groups do this in AWS.
 */
export function localGrants(client: DynamoDBClient, tableName: string, clock: Clock): (email: string) => Promise<readonly Role[]> {
  const documents = DynamoDBDocumentClient.from(client);
  return async (email) => {
    const out = await documents.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': grantPartition(email) }, ConsistentRead: true }));
    return rolesHeld((out.Items ?? []) as RoleGrant[], clock.nowIso());
  };
}
