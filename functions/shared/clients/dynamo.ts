import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The DynamoDB document client, created once per process. Each AWS client has its own module here,
 * so a function constructs (and its runtime loads the SDK package of) only the clients it imports:
 * a route that only reads DynamoDB does not build an SES, Step Functions and EventBridge client at
 * cold start. Where a client points is the SDK's own business: `AWS_ENDPOINT_URL` names the embedded
 * runtime or LocalStack; unset, it reaches AWS.
 */
export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
