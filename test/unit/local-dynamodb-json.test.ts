import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDbJson, marshallItem, unmarshallItem } from '../../infra/local/dynamodb-json';

describe('the store’s DynamoDB JSON client (no SDK)', () => {
  const item = { pk: 'H#arn', sk: '00000001', id: 1, type: 'TaskStateEntered', details: { input: '{"a":1}', nested: [1, 'two', true, null, { x: 0.5 }], empty: '' }, gone: undefined, flag: false };

  it('writes items in DynamoDB’s JSON, as the document client does (undefined dropped), and reads them back the same', () => {
    const written = marshallItem(item);
    expect(written).toEqual({
      pk: { S: 'H#arn' },
      sk: { S: '00000001' },
      id: { N: '1' },
      type: { S: 'TaskStateEntered' },
      details: { M: { input: { S: '{"a":1}' }, nested: { L: [{ N: '1' }, { S: 'two' }, { BOOL: true }, { NULL: true }, { M: { x: { N: '0.5' } } }] }, empty: { S: '' } } },
      flag: { BOOL: false },
    });
    const { gone: _gone, ...kept } = item;
    expect(unmarshallItem(written)).toEqual(kept);
  });

  describe('against a DynamoDB stand-in', () => {
    const answers: { status: number; body: unknown }[] = [];
    const seen: { target: string; authorization: string; body: string }[] = [];
    let server: http.Server;
    let client: DynamoDbJson;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          seen.push({ target: String(req.headers['x-amz-target']), authorization: String(req.headers.authorization), body: Buffer.concat(chunks).toString() });
          const answer = answers.shift() ?? { status: 200, body: {} };
          res.writeHead(answer.status, { 'Content-Type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify(answer.body));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      client = new DynamoDbJson(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));
    beforeEach(() => {
      answers.length = 0;
      seen.length = 0;
    });

    it('sends the operation with the credential scope the application signs with, and answers its output', async () => {
      answers.push({ status: 200, body: { Item: { pk: { S: 'a' } } } });
      const out = await client.send('GetItem', { TableName: 't', Key: { pk: { S: 'a' } } });

      expect(out).toEqual({ Item: { pk: { S: 'a' } } });
      expect(seen).toEqual([{ target: 'DynamoDB_20120810.GetItem', authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/dynamodb\/aws4_request, /), body: '{"TableName":"t","Key":{"pk":{"S":"a"}}}' }]);
    });

    it('names a service error as the SDK does, and does not try it again', async () => {
      answers.push({ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' } });
      const error = await client.send('PutItem', {}).catch((e: unknown) => e as Error);

      expect({ name: error.name, message: error.message }).toEqual({ name: 'ConditionalCheckFailedException', message: 'The conditional request failed' });
      expect(seen).toHaveLength(1);
    });

    it('tries a 5xx or a throttle again, up to 3 times', async () => {
      answers.push({ status: 500, body: { __type: 'InternalServerError', message: 'x' } }, { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'y' } }, { status: 200, body: { ok: 1 } });
      expect(await client.send('PutItem', {})).toEqual({ ok: 1 });
      answers.push(...[1, 2, 3].map(() => ({ status: 500, body: { __type: 'InternalServerError', message: 'down' } })));
      const error = await client.send('PutItem', {}).catch((e: unknown) => e as Error);

      expect(error.name).toBe('InternalServerError');
      expect(seen).toHaveLength(6);
    });
  });
});
