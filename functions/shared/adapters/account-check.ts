import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/clients/dynamo';
import { accountKey } from '../accounts';

/**
 * The environment variable that names the table of account records. The manifest gives it to
 * every token route's function, with a read of those records only (`{ accounts: 'check' }`).
 */
export const ACCOUNTS_TABLE_ENV = 'ACCOUNTS_TABLE_NAME';

/** Why a person's token no longer reaches the API. */
export type AccountRefusal = 'removed' | 'disabled' | 'revoked';

/**
 * Whether a person's access token, still within its lifetime, has been overtaken by the end of
 * their account: removed or disabled, or issued before the account's not-before (a removal
 * revokes every token issued before it). API Gateway's Cognito authorizer checks only the
 * signature and the expiry, so this is checked here, in every token route's middleware, in both
 * back-ends alike: one strongly consistent GetItem of a few hundred bytes per person's request,
 * and a removal takes effect on the next request. Machine clients (no account record) and
 * people who never signed in through the issuer (no record) pass.
 */
export async function accountRefusal(sub: string, issuedAt: number | undefined, tableName: string | undefined = process.env[ACCOUNTS_TABLE_ENV]): Promise<AccountRefusal | undefined> {
  if (!tableName) return undefined;
  const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: accountKey(sub), ConsistentRead: true, ProjectionExpression: '#status, notBefore', ExpressionAttributeNames: { '#status': 'status' } }));
  const item = out.Item;
  if (!item) return undefined;
  if (item['status'] === 'REMOVED') return 'removed';
  if (item['status'] === 'DISABLED') return 'disabled';
  const notBefore = typeof item['notBefore'] === 'number' ? item['notBefore'] : undefined;
  if (notBefore !== undefined && (issuedAt === undefined || issuedAt < notBefore)) return 'revoked';
  return undefined;
}
