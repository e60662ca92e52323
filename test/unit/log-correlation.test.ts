import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { json, routeHandler } from '#shared/http';
import type { RouteSpec } from '#shared/routes';
import { correlate, correlationKeysOf, logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { capturingOutput } from './output';

const PACKET = 'ap-0123456789abcdef01234567';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:ciss-workflows-dev-arrest-packet:CT0000100-2025-0001-v1';

const context = (awsRequestId: string): Context =>
  ({ functionName: 'fn', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn', memoryLimitInMB: '256', awsRequestId, getRemainingTimeInMillis: () => 10_000 }) as unknown as Context;

describe('correlationKeysOf', () => {
  it.each([
    ['an arrest step', { packetId: 'P-1', version: 2 }, { packetId: 'P-1' }],
    ['an access-request step', { requestId: 'AR-20250301-ABC', event: 'denied' }, { accessRequestId: 'AR-20250301-ABC' }],
    ['a callback step (human task)', { taskToken: 'tok', executionArn: EXECUTION, subject: { type: 'arrest-packet', id: 'P-1' } }, { packetId: 'P-1', executionArn: EXECUTION }],
    ['closing an access-request task', { workflow: 'access-request', subjectId: 'AR-1', step: 'training-attestation' }, { accessRequestId: 'AR-1' }],
    ['a Step Functions status change', { source: 'aws.states', detail: { executionArn: EXECUTION, status: 'FAILED' } }, { executionArn: EXECUTION }],
    ['a task of another subject type', { subject: { type: 'approval', id: 'S-1' }, taskId: 'T-1' }, { taskId: 'T-1' }],
  ])('reads %s', (_, input, expected) => {
    expect(correlationKeysOf(input)).toEqual(expected);
  });

  it.each([null, undefined, 'text', 42, [{ packetId: 'P' }], { packetId: 7, requestId: '', executionArn: { arn: 'x' } }])('finds nothing in %p', (input) => {
    expect(correlationKeysOf(input)).toEqual({});
  });
});

describe('log lines of a Step Functions task handler', () => {
  const handler = taskHandler(z.object({ packetId: z.string(), fail: z.boolean().default(false) }), async ({ fail }) => {
    logger.info('first step');
    logger.info('second step');
    if (fail) throw Object.assign(new Error('CMS answered 503'), { name: 'CmsUnavailable' });
    return { ok: true };
  });

  it('carry the packet and execution the input names on every line, the error line included', async () => {
    const { lines } = await capturingOutput(() => handler({ packetId: 'P-9', executionArn: EXECUTION, fail: true }, context('r-1')).catch((e: unknown) => e));
    const ours = lines.filter((l) => l['function_request_id'] === 'r-1');
    expect(ours.map((l) => l['message'])).toEqual(['first step', 'second step', 'task failed']);
    for (const line of ours) expect(line).toMatchObject({ packetId: 'P-9', executionArn: EXECUTION });
    expect(ours[2]).toMatchObject({ level: 'ERROR', error: { name: 'CmsUnavailable', message: 'CMS answered 503' } });
  });

  it('do not carry the previous invocation’s keys', async () => {
    await capturingOutput(() => handler({ packetId: 'P-1', executionArn: EXECUTION }, context('r-2')));
    const { lines } = await capturingOutput(() => handler({ packetId: 'P-2' }, context('r-3')));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line['packetId']).toBe('P-2');
      expect(line).not.toHaveProperty('executionArn');
    }
  });
});

describe('log lines of an API handler', () => {
  function event(path: string, pathParameters: Record<string, string>, role = 'court-clerk'): APIGatewayProxyEvent {
    return {
      httpMethod: 'GET',
      resource: path,
      path,
      pathParameters,
      body: null,
      isBase64Encoded: false,
      headers: {},
      multiValueHeaders: {},
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      stageVariables: null,
      requestContext: { requestId: 'apigw-req-7', authorizer: { claims: { sub: 'u1', 'cognito:groups': role } } } as unknown as APIGatewayProxyEvent['requestContext'],
    };
  }

  it('carry the packet the path names, the correlation id a 5xx quotes, and what the handler learns', async () => {
    const route = { id: 'arrests-read', method: 'GET', path: '/arrests/{packetId}', auth: 'token', roles: ['court-clerk'], oriScoped: true } as const satisfies RouteSpec;
    const handler = routeHandler(route, async () => {
      logger.info('read the packet');
      correlate({ executionArn: EXECUTION });
      logger.info('started its execution');
      return json(200, {});
    });
    const { lines } = await capturingOutput(() => handler(event('/arrests/{packetId}', { packetId: PACKET }), context('r-4')));
    expect(lines.map((l) => l['message'])).toEqual(['read the packet', 'started its execution']);
    for (const line of lines) expect(line).toMatchObject({ packetId: PACKET, correlationId: 'apigw-req-7' });
    expect(lines[0]).not.toHaveProperty('executionArn');
    expect(lines[1]).toMatchObject({ executionArn: EXECUTION });
  });

  it('name an access request by its own key, never as a request id', async () => {
    const route = { id: 'access-read', method: 'GET', path: '/access-requests/{requestId}', auth: 'token', roles: ['unit'], oriScoped: true } as const satisfies RouteSpec;
    const handler = routeHandler(route, async () => {
      logger.info('read the request');
      return json(200, {});
    });
    const { lines } = await capturingOutput(() => handler(event('/access-requests/{requestId}', { requestId: 'AR-20250301-0A1B2C3D4E' }, 'unit'), context('r-5')));
    expect(lines[0]).toMatchObject({ accessRequestId: 'AR-20250301-0A1B2C3D4E', function_request_id: 'r-5' });
  });

  it('leave out a path value that is not an id of its kind: a probe is not written to every line', async () => {
    const route = { id: 'arrests-read', method: 'GET', path: '/arrests/{packetId}', auth: 'token', roles: ['court-clerk'], oriScoped: true } as const satisfies RouteSpec;
    const handler = routeHandler(route, async () => {
      logger.info('looked for the packet');
      return json(404, {});
    });
    const { lines } = await capturingOutput(() => handler(event('/arrests/{packetId}', { packetId: `ap-${'x'.repeat(5000)}` }), context('r-6')));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toHaveProperty('packetId');
  });
});
