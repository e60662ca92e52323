import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * The AWS SDK clients, created once per process. Where they point is the SDK's own business:
 * `AWS_ENDPOINT_URL` names the embedded runtime or LocalStack; unset, they reach AWS.
 */
export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
export const ses = new SESv2Client({});
export const eventBridge = new EventBridgeClient({});
export const stepFunctions = new SFNClient({});
