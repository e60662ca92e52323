import fc from 'fast-check';
import { routes, type Role, type RouteSpec } from '../../infra/manifest';
import { custodialPacket } from '../../drive/arrest-packet';
import type { Harness } from './steps';
import { sharedRuntime } from './shared-runtime';
import { isAgencyRole } from '../../functions/shared/roles';

/** Bodies a careless or hostile client sends: JSON of any shape, broken JSON, odd encodings. */
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"__proto__": {"polluted": true}}', '{"constructor": {"prototype": {"x": 1}}}', 'null', '[]', '"', '\u0000', '{"employee": {"fullName": "<script>alert(1)</script>"}}'),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean(), fc.constant(null))).map((o) => JSON.stringify(o)),
);
const segment = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('..', '%00', '<script>', "' OR 1=1 --", 'AUDIT#x', 'TASK#x'));
const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', '');

/**
 * Random and hostile bodies, headers and path values at every route of the local API, as a
 * caller allowed on it: never a 5xx, and every 4xx says what was wrong.
 */
// The file's one runtime (./shared.test.ts): the functions run in this process, and their clients
// keep the endpoints of the first runtime they were given.
let h: Harness;
beforeAll(async () => {
  h = await sharedRuntime();
}, 120_000);

describe('hostile input at every route', () => {
  const tokens = new Map<RouteSpec, string>();

  beforeAll(async () => {
    for (const route of routes as readonly RouteSpec[]) {
      const role = route.roles[0];
      if (role) tokens.set(route, await h.runtime.mintToken({ roles: [role], ori: isAgencyRole(role) ? 'CT0000100' : undefined }));
    }
  });

  it.each((routes as readonly RouteSpec[]).map((r) => [`${r.method} ${r.path}`, r] as const))('%s answers 4xx with a reason, never 5xx', async (_name, route) => {
    await fc.assert(
      fc.asyncProperty(body, segment, contentType, fc.string({ maxLength: 30 }), async (text, id, type, query) => {
        const path = route.path.replace(/\{[^}]+\}/g, encodeURIComponent(id));
        const token = tokens.get(route);
        const res = await fetch(`${h.runtime.endpoints.api}${path}?q=${encodeURIComponent(query)}&choice=${encodeURIComponent(query)}`, {
          method: route.method,
          headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(type ? { 'Content-Type': type } : {}) },
          body: route.method === 'GET' ? undefined : text,
        });
        const answer = await res.text();
        if (res.status >= 500) throw new Error(`${res.status} for ${JSON.stringify({ path, text, type })}: ${answer}`);
        if (res.status >= 400 && answer.length <= 10) throw new Error(`${res.status} without a reason for ${JSON.stringify({ path, text, type })}`);
        expect(answer).not.toContain('<script>alert(1)</script>');
      }),
      { numRuns: 25 },
    );
  });

  describe('text that is not valid Unicode: refused with the field, never stored', () => {
    const post = async (path: string, roles: Role[], body: string | Uint8Array) => {
      const token = await h.runtime.mintToken({ roles, ori: 'CT0000100' });
      const res = await fetch(`${h.runtime.endpoints.api}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body });
      return { status: res.status, body: (await res.json()) as { problems?: { field: string; rule: string; message: string }[] } };
    };
    /** The JSON of a value with `"Jos\\uD800"` (a lone surrogate, escaped as JSON allows) where `NAME` stands. */
    const withLoneSurrogate = (value: unknown) => JSON.stringify(value).replace('"NAME"', '"Jos\\uD800"');

    it("refuses an arrest packet whose arrestee's name holds a lone surrogate, naming the field", async () => {
      const packet = custodialPacket('surrogate-1', h.runtime.clock.now());
      (packet.arrestee['personName'] as { givenName: string }).givenName = 'NAME';

      const res = await post('/arrests', ['agency-rms'], withLoneSurrogate(packet));

      expect(res.status).toBe(400);
      expect(res.body.problems).toEqual([{ field: 'arrestee.personName.givenName', rule: expect.stringContaining('lone surrogate'), message: expect.stringMatching(/^arrestee\.personName\.givenName must be valid Unicode text/) }]);
    });

    it('refuses an arrest packet sent as bytes that are not UTF-8', async () => {
      const text = JSON.stringify(custodialPacket('bad-bytes-1', h.runtime.clock.now())).replace('"John"', '"Jos__"');
      const bytes = Buffer.from(text, 'utf8');
      const at = bytes.indexOf('__');
      bytes[at] = 0xc3; // a lead byte followed by "_": not UTF-8
      bytes[at + 1] = 0x28;

      const res = await post('/arrests', ['agency-rms'], bytes);

      expect(res.status).toBe(400);
      expect(res.body.problems).toEqual([{ field: '(body)', rule: expect.stringContaining('must be UTF-8 text'), message: expect.stringContaining('The request body must be UTF-8 text') }]);
    });

    it("refuses an access request whose employee's name holds a lone surrogate, naming the field", async () => {
      const request = {
        employee: { fullName: 'NAME', email: 'jose.surrogate@nhpd.ct.example', jobTitle: 'Records Supervisor' },
        ori: 'CT0000100',
        justification: 'Supervises the records unit that runs criminal history checks for pistol permit applicants.',
      };

      const res = await post('/access-requests', ['agency-admin'], withLoneSurrogate(request));

      expect(res.status).toBe(400);
      expect(res.body.problems).toEqual([{ field: 'employee.fullName', rule: expect.stringContaining('lone surrogate'), message: expect.any(String) }]);
    });
  });
});

/** Path values with a malformed percent-escape: the gateway answers 400 before any handler or token check. */
describe('malformed percent-escapes in the path', () => {
  const withId = (routes as readonly RouteSpec[]).filter((r) => r.path.includes('{'));

  it.each(withId.map((r) => [`${r.method} ${r.path}`, r] as const))('%s answers 400 naming the escape, never 500', async (_name, route) => {
    for (const bad of ['%', '%zz', 'abc%E0%A4%A', '%C0%80', '%ED%A0%80']) {
      const res = await fetch(`${h.runtime.endpoints.api}${route.path.replace(/\{[^}]+\}/g, bad)}`, { method: route.method, body: route.method === 'GET' ? undefined : '{}' });
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      expect(((await res.json()) as { message: string }).message).toContain('percent-escape');
    }
  });
});

/**
 * Crafted cursors and overlong path ids (issue 13): a cursor that no page gave is a 400 naming
 * the parameter on every list, the same everywhere (never DynamoDB's "starting key is invalid"
 * as a 500); an id that does not have its kind's format is a 404, as a missing one (never
 * DynamoDB's key size limit as a 500), the unauthenticated approval page included.
 */
describe('crafted cursors and overlong ids', () => {
  const tokens = new Map<Role, string>();
  const token = async (role: Role) => {
    if (!tokens.has(role)) tokens.set(role, await h.runtime.mintToken({ roles: [role], ori: isAgencyRole(role) ? 'CT0000100' : undefined }));
    return tokens.get(role) ?? '';
  };

  const oldStyle = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString('base64url');
  const crafted = [
    oldStyle({ pk: 'x' }),
    oldStyle({ pk: 'ARREST#ap-000000000000000000000000', sk: 'PACKET', gsi1pk: 'ARRESTS#STATUS#RECEIVED', gsi1sk: '2026' }),
    oldStyle({ key: { pk: 'x', sk: 'y' } } as unknown as Record<string, string>),
    `c1.${'A'.repeat(60)}`,
    'c1.!!!',
    'x'.repeat(5000),
    '%E0%A4%A',
    '{"pk":"x"}',
  ];
  const lists: readonly (readonly [string, Role, string, string])[] = [
    ['/arrests?', 'dcj', 'nextToken', 'nextToken'],
    ['/arrests?ori=CT0000100&', 'agency-rms', 'nextToken', 'nextToken'],
    ['/access-requests?', 'unit', 'nextToken', 'nextToken'],
    ['/access-requests?', 'agency-admin', 'cursor', 'cursor'],
    ['/audit?actor=someone&', 'auditor', 'nextToken', 'nextToken'],
    ['/audit?subjectType=arrest-packet&subject=x&', 'auditor', 'cursor', 'cursor'],
    ['/ops/executions?', 'operations', 'nextToken', 'nextToken'],
  ];

  it.each(lists.map(([path, role, param, field]) => [`${path}${param}=…`, path, role, param, field] as const))('%s: a crafted cursor is a 400 naming the parameter', async (_name, path, role, param, field) => {
    for (const value of crafted) {
      const res = await fetch(`${h.runtime.endpoints.api}${path}${param}=${encodeURIComponent(value)}`, { headers: { Authorization: `Bearer ${await token(role)}` } });
      const body = (await res.json()) as { problems?: { field: string }[] };
      expect([res.status, body.problems?.map((p) => p.field)]).toEqual([400, [field]]);
    }
  });

  const idRoutes = (routes as readonly RouteSpec[]).filter((r) => r.path.includes('{'));

  it('covers every route with a path id', () => {
    expect(idRoutes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['GET /approvals/{taskId}', 'GET /arrests/{packetId}', 'GET /access-requests/{requestId}', 'GET /tasks/{taskId}', 'GET /ops/executions/{id}']));
  });

  it.each(idRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: an overlong or malformed id is 404, as a missing one', async (_name, route) => {
    const role = route.roles[0];
    for (const id of ['a'.repeat(3000), `ap-${'0'.repeat(2000)}`, 'AR-20260101-ABCDEF0123X', 'ap-ZZZ']) {
      const res = await fetch(`${h.runtime.endpoints.api}${route.path.replace(/\{[^}]+\}/g, id)}`, {
        method: route.method,
        headers: { ...(role ? { Authorization: `Bearer ${await token(role)}` } : {}), 'Content-Type': 'application/json' },
        body: route.method === 'GET' ? undefined : '{}',
      });
      const answer = await res.text();
      // A 404 with a reason, and an overlong id is not echoed back.
      expect([res.status, answer.length > 10, id.length > 100 && answer.includes(id.slice(0, 200))]).toEqual([404, true, false]);
    }
  });
});
