import fc from 'fast-check';
import { routes, type Role, type RouteSpec } from '../../infra/manifest';
import { givenRuntime, stopHarness, type Harness } from './steps';

const AGENCY_ROLES: readonly Role[] = ['agency-admin', 'agency-rms'];

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
describe('hostile input at every route', () => {
  let h: Harness;
  const tokens = new Map<RouteSpec, string>();

  beforeAll(async () => {
    h = await givenRuntime();
    for (const route of routes as readonly RouteSpec[]) {
      const role = route.roles[0];
      if (role) tokens.set(route, await h.runtime.mintToken({ roles: [role], ori: AGENCY_ROLES.includes(role) ? 'CT0000100' : undefined }));
    }
  });
  afterAll(() => stopHarness(h));

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
});

/** Path values with a malformed percent-escape: the gateway answers 400 before any handler or token check. */
describe('malformed percent-escapes in the path', () => {
  let h: Harness;
  const withId = (routes as readonly RouteSpec[]).filter((r) => r.path.includes('{'));

  beforeAll(async () => {
    h = await givenRuntime();
  });
  afterAll(() => stopHarness(h));

  it.each(withId.map((r) => [`${r.method} ${r.path}`, r] as const))('%s answers 400 naming the escape, never 500', async (_name, route) => {
    for (const bad of ['%', '%zz', 'abc%E0%A4%A', '%C0%80', '%ED%A0%80']) {
      const res = await fetch(`${h.runtime.endpoints.api}${route.path.replace(/\{[^}]+\}/g, bad)}`, { method: route.method, body: route.method === 'GET' ? undefined : '{}' });
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      expect(((await res.json()) as { message: string }).message).toContain('percent-escape');
    }
  });
});
