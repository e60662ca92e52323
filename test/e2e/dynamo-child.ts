/**
 * DynamoDB Local started by a child process, for the test that kills that process outright: it
 * prints `READY <port> <java pid>` and waits to be killed.
 */
import { startDynamoDbLocal } from '../../infra/local/dynamodb';

const dynamo = await startDynamoDbLocal();
process.stdout.write(`READY ${dynamo.port} ${dynamo.pid}\n`);
setInterval(() => undefined, 60_000);
