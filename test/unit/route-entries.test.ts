import { pathToFileURL } from 'node:url';
import { functions, routes } from '#infra/manifest';

/**
 * The tie between the route list and the entries, the half the compiler cannot see: each route's
 * function has an entry, and that entry's handler serves exactly that route (the compiler sees
 * the other half: `oneFunctionPerRoute` in infra/manifest.ts, one function per route id).
 */
const ownRoutes = routes.filter((route) => route.function === route.id);

describe('one entry per route', () => {
  beforeAll(() => {
    // Entries read and check their environment when loaded; any value of the right shape will do.
    for (const route of ownRoutes) for (const name of Object.keys(functions[route.function].env)) process.env[name] ??= name.endsWith('_EMAIL') ? 'unit@test.ct.example' : `test-${name}`;
  });

  it('lists at least the routes already split', () => {
    expect(ownRoutes.map((r) => r.id)).toContain('health');
  });

  it.each(ownRoutes.map((route) => [route.id, route] as const))('%s: its entry serves it, and no other route', async (_id, route) => {
    const entry = functions[route.function].entry;
    const loaded = (await import(pathToFileURL(`${process.cwd()}/${entry}`).href)) as { handler?: { route?: unknown } };

    expect(loaded.handler?.route).toEqual({ id: route.id, method: route.method, path: route.path, auth: route.auth, roles: route.roles, oriScoped: route.oriScoped, ...(route.courtScoped === undefined ? {} : { courtScoped: route.courtScoped }), ...(route.perSourceLimit ? { perSourceLimit: route.perSourceLimit } : {}) });
  });
});
