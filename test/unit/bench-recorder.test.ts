import http, { type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { RecordingPipe } from '../../bench/recorder';

/** DynamoDB Local's stand-in: answers every request with `{}`, and tells which port each connection came in on. */
async function upstream(): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push(String(req.headers['x-amz-target']));
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, requests };
}

/** One DynamoDB JSON request through the runtime's agent, as the edge and the store send them. */
function send(pipe: RecordingPipe, port: number, operation: string): Promise<number> {
  const body = JSON.stringify({ TableName: 't', Key: { pk: { S: operation } } });
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', agent: pipe.agent, headers: { 'x-amz-target': `DynamoDB_20120810.${operation}`, 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the bench recording pipe', () => {
  let up: Awaited<ReturnType<typeof upstream>>;
  let pipe: RecordingPipe;
  let piped = 0;

  beforeEach(async () => {
    up = await upstream();
    pipe = new RecordingPipe(up.port);
    await pipe.start();
    piped = 0;
    // Connections the pipe's own server accepts: what went through it, not straight to DynamoDB Local.
    (pipe as unknown as { server: Server }).server.on('connection', (_socket: Socket) => piped++);
  });

  afterEach(async () => {
    await pipe.close();
    await new Promise<void>((resolve) => up.server.close(() => resolve()));
  });

  it('is on the path only while recording: the runtime reaches DynamoDB Local straight otherwise', async () => {
    expect(await send(pipe, up.port, 'GetItem')).toBe(200);
    expect(piped).toBe(0);

    pipe.record();
    expect(await send(pipe, up.port, 'PutItem')).toBe(200);
    expect(await send(pipe, up.port, 'TransactWriteItems')).toBe(200);
    const recorded = pipe.stop();

    expect(piped).toBeGreaterThan(0);
    expect(recorded.map((r) => [r.operation, JSON.parse(r.body).Key.pk.S])).toEqual([
      ['PutItem', 'PutItem'],
      ['TransactWriteItems', 'TransactWriteItems'],
    ]);

    // After the recording, the idle connection through the pipe is dropped: the next request goes straight again.
    const before = piped;
    expect(await send(pipe, up.port, 'Query')).toBe(200);
    expect(piped).toBe(before);
    expect(up.requests).toEqual(['DynamoDB_20120810.GetItem', 'DynamoDB_20120810.PutItem', 'DynamoDB_20120810.TransactWriteItems', 'DynamoDB_20120810.Query']);
  });
});
