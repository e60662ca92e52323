import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/clients/dynamo';
import { eventBridge } from '#shared/clients/event-bridge';
import { CLIENT_CONFIG } from '#shared/clients/lazy';
import { ses } from '#shared/clients/ses';
import { stepFunctions } from '#shared/clients/step-functions';

describe('the shared AWS clients', () => {
  it('resolve each command type’s middleware once (cacheMiddleware), but DynamoDB’s document client, which refuses it', () => {
    for (const client of [eventBridge, ses, stepFunctions]) expect(client.config.cacheMiddleware).toBe(true);
    expect(dynamo.config.cacheMiddleware).not.toBe(true);
    // Why DynamoDB's is made without: lib-dynamodb shares its client's stack and throws on it.
    expect(() => DynamoDBDocumentClient.from(new DynamoDBClient({ ...CLIENT_CONFIG, region: 'us-east-1' }))).toThrow(/cacheMiddleware/);
  });
});
