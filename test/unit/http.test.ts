import { jest } from '@jest/globals';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import fc from 'fast-check';
import { assertProperty } from './property';
import * as z from 'zod';
import { ROLES } from '#shared/roles';
import { NotFound, Unauthorized, ValidationFailed } from '#shared/errors';
import { callerFromClaims, errorResponse, illFormedStringAt, json, parseJsonBody, parseRoles, routeHandler, type RouteEvent } from '#shared/http';
import type { RouteSpec } from '#shared/routes';
import { logger } from '#shared/observability';
import { handler as healthHandler } from '../../functions/health/get';
import * as certificationRoutes from '../../functions/certification/routes';

const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'health',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:health',
  memoryLimitInMB: '256',
  awsRequestId: 'aws-request-1',
  logGroupName: '/aws/lambda/health',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} satisfies Context;

/** A REST proxy event as API Gateway hands it over after the Cognito authorizer (claims are strings). */
function apiEvent(overrides: { method?: string; resource?: string; claims?: Record<string, string>; body?: string | null; isBase64Encoded?: boolean } = {}): APIGatewayProxyEvent {
  const method = overrides.method ?? 'GET';
  const resource = overrides.resource ?? '/health';
  return {
    httpMethod: method,
    resource,
    path: resource,
    body: overrides.body ?? null,
    isBase64Encoded: overrides.isBase64Encoded ?? false,
    headers: {},
    multiValueHeaders: {},
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      authorizer: overrides.claims ? { claims: overrides.claims } : undefined,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/local${resource}`,
      stage: 'local',
      requestId: 'req-123',
      requestTimeEpoch: 0,
      resourceId: 'res',
      resourcePath: resource,
    },
  };
}

const bodyOf = (result: { body: string }) => JSON.parse(result.body) as Record<string, unknown>;

afterEach(() => {
  jest.restoreAllMocks();
});

describe('parseRoles', () => {
  it('keeps the known roles of an array (the local issuer)', () => {
    expect(parseRoles(['unit', 'dcj'])).toEqual(['unit', 'dcj']);
  });

  it('reads a comma-separated string', () => {
    expect(parseRoles('unit,court-clerk')).toEqual(['unit', 'court-clerk']);
  });

  it('reads the bracketed, space-separated form Cognito gives a REST authorizer', () => {
    expect(parseRoles('[agency-admin operations]')).toEqual(['agency-admin', 'operations']);
  });

  it('drops roles it does not know', () => {
    expect(parseRoles(['unit', 'superuser', 'Unit'])).toEqual(['unit']);
    expect(parseRoles('[root auditor]')).toEqual(['auditor']);
  });

  it('gives no roles for a missing or odd claim', () => {
    expect(parseRoles(undefined)).toEqual([]);
    expect(parseRoles(42)).toEqual([]);
    expect(parseRoles('')).toEqual([]);
  });

  it('reads back any list of known roles in each of the three forms', () => {
    assertProperty(
      fc.property(fc.array(fc.constantFrom(...ROLES), { minLength: 1 }), (roles) => {
        const expected = [...roles];
        return [roles, roles.join(','), `[${roles.join(' ')}]`].every((form) => JSON.stringify(parseRoles(form)) === JSON.stringify(expected));
      }),
    );
  });
});

describe('callerFromClaims', () => {
  it('refuses claims without a subject as unauthenticated', () => {
    expect(() => callerFromClaims(undefined)).toThrow(Unauthorized);
    expect(() => callerFromClaims({ email: 'a@b.c' })).toThrow(Unauthorized);
    expect(() => callerFromClaims({ sub: '' })).toThrow(Unauthorized);
  });

  it('reads the agency ORI and e-mail when present', () => {
    const caller = callerFromClaims({ sub: 's-1', 'cognito:username': 'jdoe', email: 'jdoe@ct.example', 'custom:ori': 'CT0000100', 'cognito:groups': 'agency-rms' });

    expect(caller).toEqual({ sub: 's-1', username: 'jdoe', email: 'jdoe@ct.example', ori: 'CT0000100', roles: ['agency-rms'], courts: [] });
  });

  it('leaves ORI and e-mail undefined when absent or empty, and falls back to the subject as username', () => {
    const caller = callerFromClaims({ sub: 's-2', 'custom:ori': '' });

    expect(caller).toEqual({ sub: 's-2', username: 's-2', email: undefined, ori: undefined, roles: [], courts: [] });
  });
});

describe('errorResponse', () => {
  it('answers a validation failure with 400 and the field problems', () => {
    const problems = [{ field: 'arrestee.dateOfBirth', rule: 'must be a date' }];

    const response = errorResponse(new ValidationFailed(problems), 'corr-1');

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ error: 'ValidationFailed', problems: [{ field: 'arrestee.dateOfBirth', rule: 'must be a date' }] });
  });

  it('adds to each problem a message for people, keeping the machine path and the rule for programs', () => {
    const problems = [
      { field: 'charges.0.chargeCountQuantity', rule: 'must be at least 1' },
      { field: 'charges.11', rule: 'is required' },
      { field: '(body)', rule: 'must be valid JSON' },
      { field: 'status', rule: 'give a status or an ori to list by' },
    ];

    const body = bodyOf(errorResponse(new ValidationFailed(problems), 'corr-1'));

    expect(body).toEqual({
      error: 'ValidationFailed',
      message: 'The request is not valid',
      problems: [
        { field: 'charges.0.chargeCountQuantity', rule: 'must be at least 1', message: 'Charge 1: chargeCountQuantity must be at least 1' },
        { field: 'charges.11', rule: 'is required', message: 'Charge 12 is required' },
        { field: '(body)', rule: 'must be valid JSON', message: 'The request body must be valid JSON' },
        { field: 'status', rule: 'give a status or an ori to list by', message: 'status: give a status or an ori to list by' },
      ],
    });
  });

  it('answers NotFound with 404 and its message', () => {
    const response = errorResponse(new NotFound('No such request: R-9'), 'corr-1');

    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toEqual({ error: 'NotFound', message: 'No such request: R-9' });
  });

  it('answers an unexpected error with 500, a generic message and the correlation id, never the error itself', () => {
    const logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const secret = 'connect ECONNREFUSED 10.0.3.7:5432 password=hunter2';

    const response = errorResponse(new Error(secret), 'corr-500');

    expect(response.statusCode).toBe(500);
    const body = bodyOf(response);
    expect(body).toEqual({ error: 'InternalError', message: expect.any(String), correlationId: 'corr-500' });
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(logged).toHaveBeenCalledTimes(1);
  });

  it('answers a thrown non-Error with 500 too', () => {
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);

    const response = errorResponse('boom', 'corr-2');

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('boom');
  });

  it('sends JSON with the security headers', () => {
    const response = json(200, { ok: true });

    expect(response.headers).toMatchObject({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  });
});

describe('parseJsonBody', () => {
  const schema = z.object({ name: z.string().min(1), count: z.number().int() });

  it('parses a body that satisfies the schema', () => {
    expect(parseJsonBody(apiEvent({ body: '{"name":"x","count":2}' }), schema)).toEqual({ name: 'x', count: 2 });
  });

  it('decodes a base64 body first', () => {
    const body = Buffer.from('{"name":"x","count":2}').toString('base64');

    expect(parseJsonBody(apiEvent({ body, isBase64Encoded: true }), schema)).toEqual({ name: 'x', count: 2 });
  });

  it('refuses text that is not JSON as a validation failure of (body)', () => {
    const parse = () => parseJsonBody(apiEvent({ body: '{"name":' }), schema);

    expect(parse).toThrow(ValidationFailed);
    expect(parse).toThrow(expect.objectContaining({ problems: [{ field: '(body)', rule: 'must be valid JSON' }] }));
  });

  it('names each field that breaks the schema', () => {
    const parse = () => parseJsonBody(apiEvent({ body: '{"name":"","count":1.5}' }), schema);

    expect(parse).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ field: 'name' }), expect.objectContaining({ field: 'count' })] }));
  });

  it('reports a missing body against (body)', () => {
    expect(() => parseJsonBody(apiEvent({ body: null }), schema)).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ field: '(body)' })] }));
  });

  it('refuses a base64 body whose bytes are not UTF-8, rather than storing U+FFFD in their place', () => {
    const bytes = Buffer.concat([Buffer.from('{"name":"Jos'), Buffer.from([0xc3, 0x28]), Buffer.from('","count":1}')]);
    const parse = () => parseJsonBody(apiEvent({ body: bytes.toString('base64'), isBase64Encoded: true }), schema);

    expect(parse).toThrow(expect.objectContaining({ problems: [{ field: '(body)', rule: expect.stringContaining('must be UTF-8 text') }] }));
  });

  it('refuses a lone surrogate, escaped or raw, in any string and names its field', () => {
    const nested = z.object({ people: z.array(z.object({ name: z.string() })) });

    for (const body of ['{"name":"Jos\\uD800","count":1}', '{"name":"Jos\uD800","count":1}', '{"name":"\\uDFFFx","count":1}']) {
      expect(() => parseJsonBody(apiEvent({ body }), schema)).toThrow(expect.objectContaining({ problems: [{ field: 'name', rule: expect.stringContaining('lone surrogate') }] }));
    }
    expect(() => parseJsonBody(apiEvent({ body: '{"people":[{"name":"ok"},{"name":"\\uDBFF"}]}' }), nested)).toThrow(expect.objectContaining({ problems: [{ field: 'people.1.name', rule: expect.any(String) }] }));
    expect(() => parseJsonBody(apiEvent({ body: '{"a\\uD800":1}' }), nested)).toThrow(expect.objectContaining({ problems: [{ field: '(body)', rule: expect.stringContaining('lone surrogate') }] }));
  });

  it('accepts a surrogate pair and any well-formed text', () => {
    expect(parseJsonBody(apiEvent({ body: '{"name":"Jos\\uD83D\\uDE00 Zoë","count":1}' }), schema)).toEqual({ name: 'Jos😀 Zoë', count: 1 });
    assertProperty(fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (name) => parseJsonBody(apiEvent({ body: JSON.stringify({ name, count: 1 }) }), schema).name === name));
  });

  it('finds any lone surrogate inserted into any string of a nested body', () => {
    assertProperty(
      fc.property(fc.string(), fc.string(), fc.integer({ min: 0xd800, max: 0xdfff }), (before, after, unit) => {
        const name = `${before}${String.fromCharCode(unit)}${after}`;
        return name.isWellFormed() || illFormedStringAt({ a: [{ b: 1 }, { name }] }) === 'a.1.name';
      }),
    );
  });

  it('walks a body nested 100 000 arrays deep without overflowing the stack, and quotes at most 200 characters of the path', () => {
    const depth = 100_000;
    const body = `{"name":"x","count":1,"deep":${'['.repeat(depth)}"\\uD800"${']'.repeat(depth)}}`;

    expect(() => parseJsonBody(apiEvent({ body }), schema)).toThrow(expect.objectContaining({ problems: [{ field: `${`deep.${Array(98).fill('0').join('.')}.`.slice(0, 199)}…`, rule: expect.stringContaining('lone surrogate') }] }));
  });

  it('words the rules of zod issues whose schema gave none', () => {
    const words = z.strictObject({
      count: z.number().int().min(1).max(99),
      name: z.string().min(1).max(3),
      kind: z.enum(['a', 'b']),
      on: z.iso.date(),
      code: z.string().regex(/^x$/),
      list: z.array(z.number()).min(1),
      mail: z.email(),
      fixed: z.literal('k'),
      flag: z.boolean(),
      odd: z.number().refine((n) => n % 2 === 1),
    });
    const parse = (body: unknown) => {
      try {
        parseJsonBody(apiEvent({ body: JSON.stringify(body) }), words);
      } catch (error) {
        return Object.fromEntries((error as ValidationFailed).problems.map((p) => [p.field, p.rule]));
      }
      return {};
    };

    expect(parse({ count: 0, name: '', kind: 'c', on: 'soon', code: 'y', list: [], mail: 'no', fixed: 'q', flag: 'yes', odd: 2, extra: 1 })).toEqual({
      count: 'must be at least 1',
      name: 'is required',
      kind: 'must be one of: a, b',
      on: 'must be a date, YYYY-MM-DD',
      code: 'is not in the expected form',
      list: 'must list at least one item',
      mail: 'must be an e-mail address',
      fixed: 'must be k',
      flag: 'must be true or false',
      odd: 'is not valid',
      '(body)': 'has a field this API does not take: extra',
    });
    expect(parse({ count: 1.5, name: 'abcd', kind: 'a', on: '2026-01-01', code: 'x', list: [1], mail: 'a@b.co', fixed: 'k', flag: true, odd: 1 })).toEqual({
      count: 'must be a whole number',
      name: 'must be at most 3 characters',
    });
    expect(parse({ count: 100 })).toMatchObject({ count: 'must be at most 99', name: 'is required', flag: 'is required' });
  });

  it('keeps a message the schema wrote itself', () => {
    const own = z.object({ n: z.number().min(1, 'must be one or more') });

    expect(() => parseJsonBody(apiEvent({ body: '{"n":0}' }), own)).toThrow(expect.objectContaining({ problems: [{ field: 'n', rule: 'must be one or more' }] }));
  });
});

describe('the CISS Search certification routes × every role', () => {
  /** Who may call each route (issue 17): agencies ask and follow, the unit follows and enters results, the provider's client reports them. */
  const ALLOWED: Readonly<Record<string, readonly string[]>> = {
    'certification-create': ['agency-admin'],
    'certification-list': ['agency-admin', 'unit'],
    'certification-read': ['agency-admin', 'unit'],
    'certification-exam-result': ['unit', 'exam-provider'],
    'certification-awareness': ['unit'],
    // Every person reads their own; no machine client has one.
    'certification-mine': ROLES.filter((role) => role !== 'agency-rms' && role !== 'exam-provider'),
  };

  it.each(Object.values(certificationRoutes).map((r) => [r.id, r] as const))('%s: its roles reach the use case, every other role gets 403', async (_id, route) => {
    const handler = routeHandler(route as RouteSpec, async () => json(200, { ran: true }));
    const outcome = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, (await handler(apiEvent({ claims: { sub: 's-1', 'cognito:groups': role, 'custom:ori': 'CT0000100' } }), context)).statusCode] as const)));
    expect(outcome).toEqual(Object.fromEntries(ROLES.map((role) => [role, ALLOWED[route.id]?.includes(role) ? 200 : 403])));
  });

  it('gives the exam provider’s machine client its role by scope, with no agency', () => {
    expect(callerFromClaims({ sub: 'c9', client_id: 'c9', scope: 'ciss/api ciss/exam-provider' })).toEqual({ sub: 'c9', username: 'client:c9', email: undefined, roles: ['exam-provider'], ori: undefined, courts: [] });
  });
});

describe('routeHandler on GET /health', () => {
  const health = { id: 'health', method: 'GET', path: '/health', auth: 'token', roles: ['operations', 'court-clerk'], oriScoped: false } as const satisfies RouteSpec;
  const ok = async (event: RouteEvent<typeof health>) => json(200, { who: event.caller.username, route: event.route.path });
  const handlerOf = (useCase: typeof ok) => routeHandler(health, useCase);

  it('answers 401 when the request carries no claims, without calling the use case', async () => {
    const useCase = jest.fn(ok);

    const response = await handlerOf(useCase)(apiEvent(), context);

    expect(response.statusCode).toBe(401);
    expect(useCase).not.toHaveBeenCalled();
  });

  it('answers 403 to a caller with no role the route allows', async () => {
    const useCase = jest.fn(ok);

    const response = await handlerOf(useCase)(apiEvent({ claims: { sub: 's-1', 'cognito:groups': '[guest visitor]' } }), context);

    expect(response.statusCode).toBe(403);
    expect(bodyOf(response)).toEqual({ error: 'Forbidden', message: 'Your role may not call GET /health' });
    expect(useCase).not.toHaveBeenCalled();
  });

  it('parses the path parameters with the route schema, naming the one that fails', async () => {
    const item = { ...health, id: 'item', path: '/items/{itemId}' } as const;
    const handler = routeHandler(item, async (event) => json(200, { itemId: event.params.itemId }), { params: z.object({ itemId: z.string().regex(/^I-\d+$/, 'must be I- and digits') }) });
    const call = (itemId: string) => handler({ ...apiEvent({ resource: '/items/{itemId}', claims: { sub: 's-1', 'cognito:groups': 'operations' } }), pathParameters: { itemId } }, context);

    expect(bodyOf(await call('I-42'))).toEqual({ itemId: 'I-42' });
    const refused = await call('bogus');
    expect(refused.statusCode).toBe(400);
    expect(bodyOf(refused)).toMatchObject({ problems: [{ field: 'itemId', rule: 'must be I- and digits' }] });
  });

  it('calls the use case with the caller and the route for an allowed caller', async () => {
    const useCase = jest.fn(ok);

    const response = await handlerOf(useCase)(apiEvent({ claims: { sub: 's-1', 'cognito:username': 'jdoe', 'cognito:groups': 'operations' } }), context);

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ who: 'jdoe', route: '/health' });
    expect(useCase).toHaveBeenCalledTimes(1);
    expect(useCase.mock.calls[0]?.[0]).toMatchObject({ caller: { sub: 's-1', roles: ['operations'] }, route: { method: 'GET', path: '/health' } });
  });

  it('turns a failing use case into a 500 that quotes the request id and not the error', async () => {
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);

    const response = await routeHandler(health, async () => {
      throw new Error('table ciss-main not found');
    })(apiEvent({ claims: { sub: 's-1', 'cognito:groups': 'operations' } }), context);

    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toMatchObject({ correlationId: 'req-123' });
    expect(response.body).not.toContain('ciss-main');
  });

  it('the real health handler serves its route and tells an allowed caller who they are', async () => {
    expect(healthHandler.route).toMatchObject({ id: 'health', method: 'GET', path: '/health' });
    const response = await healthHandler(apiEvent({ claims: { sub: 's-9', 'cognito:username': 'clerk1', 'cognito:groups': 'court-clerk', 'custom:ori': 'CT0000100' } }), context);

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ status: 'ok', caller: { username: 'clerk1', roles: ['court-clerk'], ori: 'CT0000100' } });
  });
});
