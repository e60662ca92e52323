import { SignJWT, generateKeyPair } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../infra/local/auth';
import type { Harness } from './steps';
import { sharedRuntime } from './shared-runtime';

describe('GET /health through the local API Gateway', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await sharedRuntime();
  });

  const health = (token?: string) => fetch(`${h.runtime.endpoints.api}/health`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  it('answers 401 without a token', async () => {
    const res = await health();
    expect(res.status).toBe(401);
  });

  it('answers 401 for a token signed by another issuer key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ 'cognito:groups': ['operations'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('mallory')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime('1h')
      .sign(privateKey);
    expect((await health(forged)).status).toBe(401);
  });

  it('answers 401 for an expired token', async () => {
    const expired = await h.runtime.mintToken({ roles: ['operations'], expiresIn: Math.floor(Date.now() / 1000) - 60 });
    expect((await health(expired)).status).toBe(401);
  });

  it('answers 200 with who the caller is for a valid token', async () => {
    const token = await h.runtime.mintToken({ roles: ['court-clerk'], ori: 'CT0000100', username: 'clerk-ga14' });
    const res = await health(token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    await expect(res.json()).resolves.toMatchObject({ status: 'ok', caller: { username: 'clerk-ga14', roles: ['court-clerk'], ori: 'CT0000100' } });
  });

  it('answers 403 Missing Authentication Token for a route that does not exist', async () => {
    const token = await h.runtime.mintToken({ roles: ['operations'] });
    const res = await fetch(`${h.runtime.endpoints.api}/nowhere`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
  });

  it('refuses a runtime control sent the way a web page could (a simple cross-site POST), and takes it as JSON', async () => {
    const edge = h.runtime.endpoints.edge;
    const secret = { 'X-Ciss-Local-Secret': h.runtime.localSecret };
    const simple = await fetch(`${edge}/_local/clock/advance`, { method: 'POST', headers: { ...secret, 'Content-Type': 'text/plain' }, body: '{"seconds":60}' });
    expect(simple.status).toBe(415);
    const json = await fetch(`${edge}/_local/clock/advance`, { method: 'POST', headers: { ...secret, 'Content-Type': 'application/json' }, body: '{"seconds":60}' });
    // The harness's clock is manual, so the JSON control is carried out.
    expect(json.status).toBe(200);
  });
});
