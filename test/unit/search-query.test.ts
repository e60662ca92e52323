import fc from 'fast-check';
import { identifierKindOf, parseQuery, readQuery, SearchQuerySchema } from '../../functions/search/domain/query';
import { NICKNAMES, NicknamesSchema, nicknamesOf } from '../../functions/search/domain/nicknames';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { json, parseWith, routeHandler } from '#shared/http';
import { searchQuery } from '../../functions/search/routes';
import type { ValidationFailed } from '#shared/errors';
import { assertProperty } from './property';

const today = new Date('2026-11-30T12:00:00Z');
const read = (q: string) => readQuery(q, today);

describe('how the box reads names', () => {
  it('reads two words as first and last name, and tries them the other way round too', () => {
    expect(read('John Smith').names).toEqual([{ first: 'John', last: 'Smith' }]);
    expect(parseQuery('John Smith', today).names).toEqual([
      { first: 'John', last: 'Smith', transposed: false },
      { first: 'Smith', last: 'John', transposed: true },
    ]);
  });

  it('reads "Last, First" with the surname first', () => {
    expect(read('Smith, John').names).toEqual([{ first: 'John', last: 'Smith' }]);
    expect(read('Smith,John').names).toEqual([{ first: 'John', last: 'Smith' }]);
  });

  it('reads one word as a surname', () => {
    expect(read('Okafor').names).toEqual([{ last: 'Okafor' }]);
  });

  it('reads three words as first and last, and as first and a two-word surname', () => {
    expect(read('Ana Garcia Lopez').names).toEqual([
      { first: 'Ana', last: 'Lopez' },
      { first: 'Ana', last: 'Garcia Lopez' },
    ]);
  });

  it('keeps particles with the surname, and apostrophes, hyphens and accents in the name', () => {
    expect(read('Maria de la Cruz').names).toEqual([{ first: 'Maria', last: 'de la Cruz' }]);
    expect(read("Seán O'Brien-Núñez").names).toEqual([{ first: 'Seán', last: "O'Brien-Núñez" }]);
  });

  it('reads an initial as a given name', () => {
    expect(read('J. Smith').names).toEqual([{ first: 'J', last: 'Smith' }]);
  });

  it('searches words about records as free text, not as names', () => {
    expect(read('Smith burglary')).toEqual({ names: [{ last: 'Smith' }], dobs: [], identifiers: [], words: ['burglary'] });
  });
});

describe('how the box reads dates of birth', () => {
  it.each([
    ['03/17/1984', ['1984-03-17']],
    ['3/7/84', ['1984-03-07', '1984-07-03']],
    ['1984-03-07', ['1984-03-07', '1984-07-03']],
    ['7 Mar 1984', ['1984-03-07', '1984-07-03']],
    ['March 17, 1984', ['1984-03-17']],
    ['17.3.1984', ['1984-03-17']],
    ['05/05/1990', ['1990-05-05']],
    ['1/2/05', ['2005-01-02', '2005-02-01']],
  ])('reads %s as %j', (q, dobs) => {
    expect(read(q).dobs).toEqual(dobs);
  });

  it('reads no date from impossible ones, leaving them as words', () => {
    expect(read('02/30/1984').dobs).toEqual([]);
    expect(read('13/13/1984').dobs).toEqual([]);
  });

  it('marks the day/month swap as such', () => {
    expect(parseQuery('Smith 04/05/1980', today).dobs).toEqual([
      { date: '1980-04-05', swapped: false },
      { date: '1980-05-04', swapped: true },
    ]);
  });

  it('reads any real date written MM/DD/YYYY, and its swap when both parts are 12 or less', () => {
    assertProperty(
      fc.property(fc.date({ min: new Date('1920-01-01'), max: new Date('2020-12-31'), noInvalidDate: true }), (d) => {
        const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
        const typed = `${String(m).padStart(2, '0')}/${String(day).padStart(2, '0')}/${y}`;
        const dobs = read(`Smith ${typed}`).dobs;
        const iso = d.toISOString().slice(0, 10);
        return dobs[0] === iso && dobs.length === (m <= 12 && day <= 12 && m !== day ? 2 : 1);
      }),
    );
  });
});

describe('how the box reads identifiers', () => {
  it.each([
    ['CT01234567', 'sid'],
    ['CT-0123-4567', 'sid'],
    ['482913KC7', 'fbi'],
    ['123456789', 'licence'],
    ['123-45-6789', 'licence'],
    ['AB12345', 'plate'],
    ['123-ABC', 'plate'],
    ['NNH-CR26-0123456-S', 'docket'],
    ['H14H-CR25-0123456-S', 'docket'],
    ['DCJ-2026-4F2A9C01', 'docket'],
  ])('reads %s as a %s', (q, kind) => {
    expect(read(q).identifiers).toEqual([{ kind, value: q.toUpperCase() }]);
  });

  it('reads a plate typed with a space, and an ORI with its incident number', () => {
    expect(read('AB 12345').identifiers).toEqual([{ kind: 'plate', value: 'AB12345' }]);
    expect(read('ZOE 7').identifiers).toEqual([{ kind: 'plate', value: 'ZOE7' }]);
    expect(read('CT0000100 2026-001234').identifiers).toEqual([{ kind: 'ori-incident', value: 'CT0000100 2026-001234' }]);
    expect(read('CT0015100:2025-001234').identifiers).toEqual([{ kind: 'ori-incident', value: 'CT0015100 2025-001234' }]);
  });

  it('reads a name, a date and an identifier in one box', () => {
    expect(read('Smith, John 3/7/1984 CT01234567 assault')).toEqual({
      names: [{ first: 'John', last: 'Smith' }],
      dobs: ['1984-03-07', '1984-07-03'],
      identifiers: [{ kind: 'sid', value: 'CT01234567' }],
      words: ['assault'],
    });
  });

  it('reads plain words and ordinals as no identifier', () => {
    expect(identifierKindOf('Smith')).toBeUndefined();
    expect(read('3rd street').identifiers).toEqual([]);
  });

  it('never throws, whatever is typed', () => {
    assertProperty(fc.property(fc.string({ maxLength: 200 }), (q) => Array.isArray(read(q).words)));
  });
});

describe('the query string', () => {
  const problems = (value: unknown) => {
    try {
      parseWith(SearchQuerySchema, value);
      return [];
    } catch (error) {
      return (error as ValidationFailed).problems.map((p) => p.field);
    }
  };

  it('requires the words and a purpose code, naming each field', () => {
    expect(problems({})).toEqual(expect.arrayContaining(['q', 'purpose']));
    expect(problems({ q: 'x', purpose: 'C' })).toEqual(['q']);
    expect(problems({ q: 'Smith', purpose: 'Z' })).toEqual(['purpose']);
  });

  it('takes the optional filters and a page size up to 25', () => {
    expect(parseWith(SearchQuerySchema, { q: 'Smith', purpose: 'C', source: 'jud-por', kind: 'case', from: '2020-01-01', to: '2026-01-01', town: 'New Haven', limit: '5' })).toMatchObject({ limit: 5, town: 'New Haven' });
    expect(problems({ q: 'Smith', purpose: 'C', limit: '26' })).toEqual(['limit']);
    expect(problems({ q: 'Smith', purpose: 'C', kind: 'spaceship' })).toEqual(['kind']);
    expect(problems({ q: 'Smith', purpose: 'C', from: '2026-02-01', to: '2026-01-01' })).toEqual(['from']);
  });
});

describe('nicknames', () => {
  it('finds the names taken for a given name, both ways', () => {
    expect(nicknamesOf('William')).toEqual(expect.arrayContaining(['bill', 'will', 'liam']));
    expect(nicknamesOf('Bill')).toContain('william');
    expect(nicknamesOf('Peggy')).toContain('margaret');
    expect(nicknamesOf('Zebulon')).toEqual([]);
  });

  it('is valid as shipped: lower-case names, groups of two or more (the function uses it unparsed)', () => {
    expect(NicknamesSchema.safeParse(NICKNAMES).error?.issues ?? []).toEqual([]);
    expect(NicknamesSchema.safeParse({ version: 1, groups: [['Bill', 'william']] }).error?.issues[0]?.message).toBe('must be lower-case letters');
  });

  it('holds a few hundred names, each group symmetric by construction', () => {
    const names = new Set(NICKNAMES.groups.flat());
    expect(names.size).toBeGreaterThan(300);
    const missing = NICKNAMES.groups.flatMap((group) => group.flatMap((a) => group.filter((b) => b !== a && !nicknamesOf(a).includes(b)).map((b) => `${a}→${b}`)));
    expect(missing).toEqual([]);
  });
});

describe("GET /search's account check, alongside the search", () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const context = { awsRequestId: 'a1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
  const event = (roles: string) =>
    ({ httpMethod: 'GET', resource: '/search', path: '/search', body: null, isBase64Encoded: false, headers: {}, multiValueHeaders: {}, pathParameters: null, queryStringParameters: null, multiValueQueryStringParameters: null, stageVariables: null, requestContext: { authorizer: { claims: { sub: 'p1', username: 'p1', 'cognito:groups': roles, iat: '100' } }, requestId: 'r1', identity: { sourceIp: '127.0.0.1' } } }) as unknown as APIGatewayProxyEvent;
  /** A use case that searches (runs at once), then writes only once admitted, as search() does. */
  const steps: string[] = [];
  const handler = routeHandler(
    searchQuery,
    async (e) => {
      steps.push('searched');
      await e.admitted();
      steps.push('wrote');
      return json(200, { ran: true });
    },
    { accountCheck: 'alongside' },
  );
  beforeEach(() => {
    process.env['ACCOUNTS_TABLE_NAME'] = 'main';
    process.env['AUDIT_TABLE_NAME'] = 'audit';
    steps.length = 0;
    dynamo.on(PutCommand).resolves({});
  });
  afterEach(() => {
    dynamo.reset();
    delete process.env['ACCOUNTS_TABLE_NAME'];
    delete process.env['AUDIT_TABLE_NAME'];
  });

  it('searches while the account is looked up, and answers once it is in order', async () => {
    let found!: (v: { Item: Record<string, unknown> }) => void;
    dynamo.on(GetCommand).callsFake(() => new Promise((resolve) => (found = resolve)));
    const answer = handler(event('search'), context);
    await new Promise((resolve) => setImmediate(resolve));
    expect(steps).toEqual(['searched']);
    found({ Item: { status: 'ACTIVE' } });
    expect((await answer).statusCode).toBe(200);
    expect(steps).toEqual(['searched', 'wrote']);
  });

  it('answers 401 to a removed person, audited, and the search writes nothing', async () => {
    dynamo.on(GetCommand).resolves({ Item: { status: 'REMOVED' } });
    const answer = await handler(event('search'), context);
    expect(answer.statusCode).toBe(401);
    expect(JSON.parse(answer.body) as { message: string }).toMatchObject({ message: expect.stringMatching(/revoked/) });
    expect(steps).toEqual(['searched']);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ type: 'RouteDenied', outcome: 'denied', details: expect.objectContaining({ reason: 'account removed' }) }) });
  });

  it('answers 401, not 403, to a removed person without the search role, as the other routes do', async () => {
    dynamo.on(GetCommand).resolves({ Item: { status: 'REMOVED' } });
    expect((await handler(event('agency-staff'), context)).statusCode).toBe(401);
    dynamo.on(GetCommand).resolves({ Item: { status: 'ACTIVE' } });
    expect((await handler(event('agency-staff'), context)).statusCode).toBe(403);
    expect(steps).toEqual([]);
  });
});
