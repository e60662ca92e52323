import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lazyClient } from './lazy';

/**
 * The DynamoDB document client, created once per process, on its first use (`lazyClient`: not at
 * import, so a cold start that never reaches DynamoDB does not build it). Each AWS client has its
 * own module here, so a function loads the SDK package of only the clients it imports: a route
 * that only reads DynamoDB does not load SES, Step Functions and EventBridge. Where a client
 * points is the SDK's own business: `AWS_ENDPOINT_URL` names the embedded runtime or LocalStack;
 * unset, it reaches AWS.
 */
export const dynamo: DynamoDBDocumentClient = lazyClient(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
