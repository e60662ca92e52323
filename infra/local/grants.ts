import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { grantPartition, rolesHeld } from '../../functions/certification/domain/grant';
import { ROLES, type Role } from '../../functions/shared/roles';
import type { Clock } from './clock';

const isRole = (value: string | undefined): value is Role => (ROLES as readonly (string | undefined)[]).includes(value);

/**
 * The local user store's grants: the roles a lifecycle gave a person (CISS Search's `search`),
 * as the certification's grant adapter keeps them in the main table, read when the local issuer
 * mints that person's token. Only active grants not past their expiry on the runtime's clock
 * count, so a lapse or a suspension is gone from the next token. Cognito's groups do this in AWS.
 *
 * The runtime's own low-level client, not a document client made from it: `DynamoDBDocumentClient.from`
 * shares (and sets) the translation options of the client it wraps, which other stores rely on.
 */
export function localGrants(client: DynamoDBClient, tableName: string, clock: Clock): (email: string) => Promise<readonly Role[]> {
  return async (email) => {
    const out = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: grantPartition(email) } }, ConsistentRead: true }));
    const grants = (out.Items ?? []).flatMap((item) => {
      const role = item['role']?.S;
      const status = item['status']?.S;
      const expiresAt = item['expiresAt']?.S;
      return isRole(role) && (status === 'ACTIVE' || status === 'SUSPENDED') && expiresAt ? [{ role, status, expiresAt } as const] : [];
    });
    return rolesHeld(grants, clock.nowIso());
  };
}
