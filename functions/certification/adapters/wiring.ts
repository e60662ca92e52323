import { startExecution } from '#shared/adapters/workflow';
import { correlate } from '#shared/observability';
import type { RoleGrants, StartWorkflow } from '../ports';
import { cognitoGroups } from './cognito';
import { cognitoGrants, GrantStore, LOCAL_USER_POOL_ID, tableGrants } from './grants';

export { awarenessOn } from './awareness';

/** The certification machine's starter (Step Functions); each execution's ARN goes on the log lines. */
export const certificationWorkflow =
  (stateMachineArn: string): StartWorkflow =>
  async (name, input) => {
    const executionArn = await startExecution(stateMachineArn, name, input);
    if (executionArn) correlate({ executionArn });
  };

/**
 * Where grants go: the Cognito user pool and the table in AWS; the table alone in the embedded
 * runtime, whose issuer reads it (the `userPool` ref resolves to LOCAL_USER_POOL_ID there).
 */
export function roleGrantsOn(tableName: string, userPoolId: string): RoleGrants {
  const store = new GrantStore(tableName);
  return userPoolId === LOCAL_USER_POOL_ID ? tableGrants(store) : cognitoGrants(store, cognitoGroups(), userPoolId);
}
