import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/clients/dynamo';
import type { Role } from '#shared/roles';
import { isConditionFailure } from '#shared/adapters/transactions';
import { grantKey, grantPartition, type RoleGrant } from '../domain/grant';
import type { RoleGrants } from '../ports';

/**
 * What the manifest's `userPool` ref resolves to in the embedded runtime: there is no Cognito
 * there, and the local issuer reads the grants from the main table when it mints a token.
 */
export const LOCAL_USER_POOL_ID = 'local';

/** The grants of people, in the main table by e-mail. */
export class GrantStore {
  constructor(private readonly tableName: string) {}

  async put(grant: RoleGrant): Promise<void> {
    await dynamo.send(new PutCommand({ TableName: this.tableName, Item: { ...grantKey(grant.email, grant.role), ...grant, email: grant.email.toLowerCase() } }));
  }

  /** Suspends the active grant `certificationId` gave (nothing when there is none, it is another's, or already suspended). */
  async suspend(email: string, role: Role, certificationId: string, at: string, reason: string): Promise<void> {
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: grantKey(email, role),
          UpdateExpression: 'SET #status = :suspended, suspendedAt = :at, reason = :reason',
          ConditionExpression: '#status = :active AND certificationId = :certificationId',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':suspended': 'SUSPENDED', ':active': 'ACTIVE', ':at': at, ':reason': reason, ':certificationId': certificationId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async get(email: string, role: Role): Promise<RoleGrant | undefined> {
    const out = await dynamo.send(new GetCommand({ TableName: this.tableName, Key: grantKey(email, role), ConsistentRead: true }));
    return out.Item as RoleGrant | undefined;
  }

  async of(email: string): Promise<RoleGrant[]> {
    const out = await dynamo.send(new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': grantPartition(email) } }));
    return (out.Items ?? []) as RoleGrant[];
  }
}

/** The local user store: the grant in the table is the whole of it (the local issuer reads it). */
export function tableGrants(store: Pick<GrantStore, 'put' | 'suspend'>): RoleGrants {
  return {
    grant: (grant) => store.put(grant),
    suspend: (email, role, certificationId, at, reason) => store.suspend(email, role, certificationId, at, reason),
  };
}

/** Cognito's group membership calls (AdminAddUserToGroup, AdminRemoveUserFromGroup), as the grant adapter needs them. */
export interface CognitoGroups {
  addUserToGroup(input: { readonly userPoolId: string; readonly username: string; readonly groupName: string }): Promise<void>;
  removeUserFromGroup(input: { readonly userPoolId: string; readonly username: string; readonly groupName: string }): Promise<void>;
}

/**
 * In AWS: the Cognito group of the role (the token's `cognito:groups`) beside the grant in the
 * table (which carries the expiry the lapse acts on). Users sign in by e-mail, so the e-mail is
 * the user name Cognito takes. Both calls are idempotent, and the step that makes them is retried:
 * a failure between them is made good by the retry. A suspension removes the group first, so the
 * role is gone from the next token even before the record says so.
 */
export function cognitoGrants(store: Pick<GrantStore, 'put' | 'suspend' | 'get'>, groups: CognitoGroups, userPoolId: string): RoleGrants {
  return {
    async grant(grant) {
      await groups.addUserToGroup({ userPoolId, username: grant.email, groupName: grant.role });
      await store.put(grant);
    },
    async suspend(email, role, certificationId, at, reason) {
      // The group stays when a later certification holds the role now.
      const current = await store.get(email, role);
      if (current && current.certificationId !== certificationId) return;
      await groups.removeUserFromGroup({ userPoolId, username: email, groupName: role });
      await store.suspend(email, role, certificationId, at, reason);
    },
  };
}
