import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb';

declare global {
  var __cissDynamo: DynamoDbLocal | undefined;
}

/**
 * One DynamoDB Local (in memory) for the whole e2e suite; each test file uses its own stage.
 * None against an external target (`CISS_E2E_TARGET=external`): that runtime has its own.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env['CISS_E2E_DYNAMO_ENDPOINT'] || process.env['CISS_E2E_TARGET'] === 'external') return;
  const dynamo = await startDynamoDbLocal();
  globalThis.__cissDynamo = dynamo;
  process.env['CISS_E2E_DYNAMO_ENDPOINT'] = dynamo.endpoint;
}
