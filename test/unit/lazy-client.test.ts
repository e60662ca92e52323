import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { lazyClient } from '#shared/clients/lazy';

class Counter {
  static made = 0;
  count = 0;
  constructor() {
    Counter.made += 1;
  }
  add(n: number): number {
    this.count += n;
    return this.count;
  }
}

describe('lazyClient', () => {
  beforeEach(() => {
    Counter.made = 0;
  });

  it('makes nothing until the client is first used, then makes it once', () => {
    const client = lazyClient(() => new Counter());
    expect(Counter.made).toBe(0);

    expect(client.add(2)).toBe(2);
    expect(client.add(3)).toBe(5);
    expect(client.count).toBe(5);
    expect(Counter.made).toBe(1);
  });

  it('binds methods to the one client, detached or not', () => {
    const client = lazyClient(() => new Counter());
    const { add } = client;

    add(4);
    expect(client.count).toBe(4);
  });

  it('passes writes, `in` and instanceof through to the client', () => {
    const client = lazyClient(() => new Counter());

    client.count = 7;
    expect(client.add(1)).toBe(8);
    expect('add' in client).toBe(true);
    expect(client).toBeInstanceOf(Counter);
    expect(Counter.made).toBe(1);
  });

  it('sends through the SDK client it stands for, which a mock of the class reaches', async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    mock.on(GetCommand).resolves({ Item: { pk: 'x' } });
    try {
      const { dynamo } = await import('#shared/clients/dynamo');
      const out = await dynamo.send(new GetCommand({ TableName: 't', Key: { pk: 'x' } }));
      expect(out.Item).toEqual({ pk: 'x' });
      expect(mock.commandCalls(GetCommand)).toHaveLength(1);
    } finally {
      mock.restore();
    }
  });

  it('reads the environment when first used, not at import', async () => {
    const before = process.env['AWS_REGION'];
    const { ses } = await import('#shared/clients/ses');
    process.env['AWS_REGION'] = 'eu-west-3';
    try {
      expect(ses).toBeInstanceOf(SESv2Client);
      expect(await ses.config.region()).toBe('eu-west-3');
    } finally {
      if (before === undefined) delete process.env['AWS_REGION'];
      else process.env['AWS_REGION'] = before;
    }
  });
});
