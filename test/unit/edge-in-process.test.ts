import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { InvokeStoreBase } from '@aws/lambda-invoke-store';
import { Edge, type EdgeRequest, type JsonService } from '../../infra/local/edge';
import { CognitoIdentityProviderClient, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetAccountCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { EdgeRequestHandler, handOverInProcess } from '../../infra/local/edge-handler';
import { scopeInvocations } from '../../infra/local/lambda';
import { awsErrorName } from '../../infra/local/stepfunctions/integrations';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** For a call that must fail: its success is the test's failure. */
function unexpected(): never {
  throw new Error('the call succeeded; it was expected to fail');
}

/** A stand-in for DynamoDB Local: answers DescribeTable with an ARN in DynamoDB Local's region, and records what it got. */
async function fakeDynamoDbLocal(): Promise<{ url: string; seen: { target: string; body: string }[]; close(): Promise<void> }> {
  const seen: { target: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ target: String(req.headers['x-amz-target']), body: Buffer.concat(chunks).toString() });
      const body = JSON.stringify({ Table: { TableName: 't', TableArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/t', TableStatus: 'ACTIVE' } });
      res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the edge in process (the runtime’s own SDK clients)', () => {
  const calls: { operation: string; body: unknown }[] = [];
  const tapped: EdgeRequest[] = [];
  const stepFunctions: JsonService = {
    handle: async (operation, body) => {
      calls.push({ operation, body });
      if (body['name'] === 'taken') throw Object.assign(new Error('Execution already exists'), { name: 'ExecutionAlreadyExists' });
      return { executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:e', startDate: 1 };
    },
  };
  const none: JsonService = { handle: async () => ({}) };
  let upstream: Awaited<ReturnType<typeof fakeDynamoDbLocal>>;
  let edge: Edge;

  beforeAll(async () => {
    // As the runtime does first: the SDK's first request fixes how invocations are scoped.
    await scopeInvocations();
    upstream = await fakeDynamoDbLocal();
    // Never started: no socket answers for it, so only a request handed over in process succeeds.
    edge = new Edge({ dynamodb: upstream.url, ses: upstream.url, stepFunctions, eventBridge: none, kms: none, secretsManager: none, localSecret: 's', control: async () => undefined });
    edge.taps.push((request) => void tapped.push(request));
  });
  afterAll(() => upstream.close());
  beforeEach(() => {
    calls.length = 0;
    tapped.length = 0;
  });

  const sfn = (handler: EdgeRequestHandler) => new SFNClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: handler });

  it('serves a JSON service’s answer and its errors as over HTTP, each request seen by the taps', async () => {
    const client = sfn(new EdgeRequestHandler(edge));
    const out = await client.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', name: 'e', input: '{"a":1}' }));
    const error = await client.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', name: 'taken' })).then(unexpected, (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } });

    expect(out.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:m:e');
    expect(calls.map((c) => c.operation)).toEqual(['StartExecution', 'StartExecution']);
    expect(calls[0]?.body).toEqual({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', name: 'e', input: '{"a":1}' });
    expect({ name: error.name, status: error.$metadata?.httpStatusCode }).toEqual({ name: 'ExecutionAlreadyExists', status: 400 });
    expect(tapped.map((t) => `${t.service} ${t.operation}`)).toEqual(['states StartExecution', 'states StartExecution']);
  });

  it('passes DynamoDB requests to DynamoDB Local and gives its ARNs the runtime’s region', async () => {
    const client = new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: new EdgeRequestHandler(edge) });
    const out = await client.send(new DescribeTableCommand({ TableName: 't' }));

    expect(out.Table?.TableArn).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/t');
    expect(upstream.seen.at(-1)).toEqual({ target: 'DynamoDB_20120810.DescribeTable', body: '{"TableName":"t"}' });
    expect(tapped.map((t) => `${t.service} ${t.operation}`)).toEqual(['dynamodb DescribeTable']);
  });

  it('drops a hung request after its delay as a reset connection: the SDK sees a socket hang-up, and the service is never called', async () => {
    const drop = (): { drop: true; delayMs: number } => ({ drop: true, delayMs: 200 });
    edge.taps.unshift(drop);
    try {
      const started = Date.now();
      const error = await sfn(new EdgeRequestHandler(edge))
        .send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', name: 'e' }))
        .then(unexpected, (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } });

      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect({ message: error.message, status: error.$metadata?.httpStatusCode }).toEqual({ message: expect.stringContaining('socket hang up'), status: undefined });
      expect(awsErrorName(error)).toBe('SdkClientException');
      expect(calls).toEqual([]);
    } finally {
      edge.taps.splice(edge.taps.indexOf(drop), 1);
    }
  });

  it('stops holding a request when the caller aborts it', async () => {
    const hold = (): { status: number; body: unknown; delayMs: number } => ({ status: 400, body: { __type: 'ThrottlingException', message: 'slow down' }, delayMs: 5000 });
    edge.taps.unshift(hold);
    try {
      const controller = new AbortController();
      const started = Date.now();
      const pending = sfn(new EdgeRequestHandler(edge))
        .send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', name: 'e' }), { abortSignal: controller.signal })
        .then(unexpected, (e: unknown) => e as Error);
      setTimeout(() => controller.abort(), 50);
      const error = await pending;

      expect(error.name).toBe('AbortError');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      edge.taps.splice(edge.taps.indexOf(hold), 1);
    }
  });

  it('leaves no listener on the caller’s signal once the request is answered (a signal may outlive many requests)', async () => {
    const controller = new AbortController();
    const answer = await new EdgeRequestHandler(edge).handle(
      { method: 'POST', hostname: '127.0.0.1', port: 9, path: '/', headers: { 'X-Amz-Target': 'DynamoDB_20120810.DescribeTable', 'Content-Type': 'application/x-amz-json-1.0' }, body: '{"TableName":"t"}' },
      { abortSignal: controller.signal },
    );

    expect(answer.response.statusCode).toBe(200);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('hands over the default client’s requests to its edge only inside a Lambda invocation; others go over HTTP', async () => {
    // A port nothing listens on: over HTTP the request is refused.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const undo = handOverInProcess(`http://127.0.0.1:${port}`, new EdgeRequestHandler(edge));
    const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials, maxAttempts: 1 });
    const describe = () => client.send(new DescribeTableCommand({ TableName: 't' }));
    try {
      const store = await scopeInvocations();
      const inside = await store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: 'r1' }, describe);
      const outside = await describe().catch((e: unknown) => e as Error);
      undo();
      const undone = await store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: 'r2' }, describe).catch((e: unknown) => e as Error);

      expect(inside.Table?.TableName).toBe('t');
      expect(outside).toBeInstanceOf(Error);
      expect(undone).toBeInstanceOf(Error);
      expect(tapped).toHaveLength(1);
    } finally {
      undo();
      client.destroy();
    }
  });

  it('refuses the runtime’s controls in process (they are served over HTTP, with the per-run secret)', async () => {
    const answer = await edge.call({ method: 'POST', url: '/_local/faults', headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') });

    expect(answer).toMatchObject({ status: 404 });
  });

  it('gives the edge’s work the async context the handler was made in, not the caller’s', async () => {
    const store = await scopeInvocations();
    const seen: boolean[] = [];
    const watching = new Edge({ dynamodb: upstream.url, ses: upstream.url, stepFunctions: { handle: async () => (seen.push(store.hasContext()), {}) }, eventBridge: none, kms: none, secretsManager: none, localSecret: 's', control: async () => undefined });
    const client = sfn(new EdgeRequestHandler(watching));
    await store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: 'r3' }, () => client.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', name: 'e' })));

    expect(seen).toEqual([false]);
  });

  it('sends GetItem’s key through unchanged', async () => {
    const client = new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: new EdgeRequestHandler(edge) });
    await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })).catch(() => undefined);

    expect(upstream.seen.at(-1)).toEqual({ target: 'DynamoDB_20120810.GetItem', body: '{"TableName":"t","Key":{"pk":{"S":"a"}}}' });
  });

  it('does not sign what it hands over in process, and gives it the credential scope the signer would (each client the handlers use)', async () => {
    // Over HTTP: a server that keeps each request's Authorization header and answers 400.
    const overHttp: string[] = [];
    const server = http.createServer((req, res) => {
      overHttp.push(String(req.headers['authorization']));
      req.resume().on('end', () => res.writeHead(400, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // In process: a stand-in edge that keeps the header the handed-over request carries.
    const inProcess: string[] = [];
    const standIn = { call: async (request: { headers: Record<string, string> }) => (inProcess.push(request.headers['authorization'] ?? ''), { status: 400, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') }) };
    const undo = handOverInProcess(endpoint, new EdgeRequestHandler(standIn as unknown as Edge));
    const config = { endpoint, region: 'us-east-1', credentials: { ...credentials, sessionToken: 'session' }, maxAttempts: 1 };
    const calls: [string, () => Promise<unknown>][] = [
      ['dynamodb', () => new DynamoDBClient(config).send(new DescribeTableCommand({ TableName: 't' }))],
      ['states', () => new SFNClient(config).send(new ListStateMachinesCommand({}))],
      ['events', () => new EventBridgeClient(config).send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }))],
      ['kms', () => new KMSClient(config).send(new ListKeysCommand({}))],
      ['ses', () => new SESv2Client(config).send(new GetAccountCommand({}))],
      ['secretsmanager', () => new SecretsManagerClient(config).send(new ListSecretsCommand({}))],
      ['rds-data', () => new RDSDataClient(config).send(new ExecuteStatementCommand({ resourceArn: 'arn:aws:rds:us-east-1:000000000000:cluster:c', secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:s', sql: 'select 1' }))],
      ['cognito-idp', () => new CognitoIdentityProviderClient(config).send(new ListUserPoolsCommand({ MaxResults: 1 }))],
    ];
    const store = await scopeInvocations();
    try {
      for (const [, call] of calls) {
        await call().catch(() => undefined);
        await store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: 'unsigned' }, call).catch(() => undefined);
      }
    } finally {
      undo();
      await new Promise((resolve) => server.close(resolve));
    }
    const scope = (authorization: string | undefined) => /Credential=(\S+),/.exec(authorization ?? '')?.[1];
    const signature = (authorization: string | undefined) => /Signature=(\w+)/.exec(authorization ?? '')?.[1];

    expect(inProcess).toHaveLength(calls.length);
    expect(overHttp).toHaveLength(calls.length);
    calls.forEach(([service], i) => {
      expect({ service, scope: scope(inProcess[i]) }).toEqual({ service, scope: scope(overHttp[i]) });
      expect(scope(inProcess[i])).toMatch(new RegExp(`^local/\\d{8}/us-east-1/${service}/aws4_request$`));
      expect(signature(inProcess[i])).toBe('0'.repeat(64));
      expect(signature(overHttp[i])).toMatch(/^[0-9a-f]{64}$/);
      expect(signature(overHttp[i])).not.toBe('0'.repeat(64));
    });
  });
});
