import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { eventually, scanAll, type Harness } from './steps';
import { sharedRuntime } from './shared-runtime';
import { custodialPacket } from '../../drive/arrest-packet';

const ORI = 'CT0000100';

/**
 * An agency's RMS is a machine: it gets its token by the OAuth client-credentials grant, with
 * the agency-rms role and its one agency as scopes of its app client, and every grant and every
 * refusal is in the audit trail.
 */
describe('RMS machine clients (OAuth client credentials)', () => {
  let h: Harness;
  let client: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    h = await sharedRuntime();
    client = h.runtime.clients.rmsClient(ORI);
  });

  function grant(id: string, secret: string, extra = ''): Promise<Response> {
    return fetch(`${h.runtime.endpoints.api}/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'nhpd-rms/7.2' },
      body: `grant_type=client_credentials${extra}`,
    });
  }

  async function token(): Promise<string> {
    const res = await grant(client.clientId, client.clientSecret);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return ((await res.json()) as { access_token: string }).access_token;
  }

  const call = (path: string, bearer: string, init: RequestInit = {}) =>
    fetch(`${h.runtime.endpoints.api}${path}`, { ...init, headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' } });

  async function auditOf(actor: string, type: string): Promise<Record<string, unknown>[]> {
    return (await scanAll(h, [h.runtime.names.tables.audit])).filter((r) => r['actor'] === actor && r['type'] === type);
  }

  it('issues an access token that carries the API scope, the agency-rms role and the agency, and audits the logon', async () => {
    const claims = decodeJwt(await token());
    expect(claims).toMatchObject({ token_use: 'access', client_id: client.clientId, 'custom:ori': ORI });
    expect(String(claims['scope']).split(' ').sort()).toEqual(['ciss/agency-rms', 'ciss/api', `ciss/ori.${ORI}`]);
    expect(claims).not.toHaveProperty('cognito:groups');

    const logons = await auditOf(`client:${client.clientId}`, 'Logon');
    expect(logons.map((r) => [r['outcome'], r['component']])).toContainEqual(['success', 'cognito']);
  });

  it('lets the RMS submit and read its own packets, under its client identity', async () => {
    const bearer = await token();
    const who = (await (await call('/health', bearer)).json()) as { caller: unknown };
    expect(who.caller).toEqual({ username: `client:${client.clientId}`, roles: ['agency-rms'], ori: ORI });

    const p = custodialPacket('m2m-1', h.runtime.clock.now());
    const submitted = await call('/arrests', bearer, { method: 'POST', body: JSON.stringify(p) });
    expect(submitted.status).toBe(202);
    const { packetId } = (await submitted.json()) as { packetId: string };
    expect((await call(`/arrests/${packetId}`, bearer)).status).toBe(200);
    const received = (await scanAll(h, [h.runtime.names.tables.audit])).filter((r) => String(r['pk']).includes(packetId));
    expect(received.map((r) => r['actor'])).toContain(`client:${client.clientId}`);
  });

  it("keeps an RMS to its own agency: another agency's client cannot read the packet, nor submit for this ORI", async () => {
    const mine = await token();
    const p = custodialPacket('m2m-2', h.runtime.clock.now());
    const { packetId } = (await (await call('/arrests', mine, { method: 'POST', body: JSON.stringify(p) })).json()) as { packetId: string };

    const other = h.runtime.clients.rmsClient('CT0000200');
    const theirs = ((await (await grant(other.clientId, other.clientSecret)).json()) as { access_token: string }).access_token;
    expect((await call(`/arrests/${packetId}`, theirs)).status).toBe(404);
    expect((await call('/arrests', theirs, { method: 'POST', body: JSON.stringify({ ...p, incidentNumber: 'm2m-3' }) })).status).toBe(403);
  });

  it('refuses a wrong secret (401 invalid_client) and audits the failed logon with where it came from', async () => {
    const res = await grant(client.clientId, 'not-the-secret');
    expect(res.status).toBe(401);
    await expect(res.json()).resolves.toMatchObject({ error: 'invalid_client' });
    const failures = await eventually(async () => {
      const found = (await auditOf(`client:${client.clientId}`, 'Logon')).filter((r) => r['outcome'] === 'failure');
      return found.length ? found : undefined;
    }, 'the failed logon in the audit trail');
    expect(failures[0]).toMatchObject({ component: 'cognito', source: { userAgent: 'nhpd-rms/7.2' }, details: { error: 'invalid_client' } });
  });

  it('refuses a scope the client was not granted, and any grant but client_credentials', async () => {
    const wider = await grant(client.clientId, client.clientSecret, '&scope=ciss/api%20ciss/unit');
    expect(wider.status).toBe(400);
    await expect(wider.json()).resolves.toMatchObject({ error: 'invalid_scope', error_description: expect.stringContaining('ciss/unit') });
    const password = await fetch(`${h.runtime.endpoints.api}/oauth2/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password&username=a&password=b' });
    expect(password.status).toBe(400);
    await expect(password.json()).resolves.toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('refuses a token that would name no agency (the client narrowed its scopes), and audits the refusal', async () => {
    const res = await grant(client.clientId, client.clientSecret, '&scope=ciss/api%20ciss/agency-rms');
    expect(res.status).toBe(400);
    await expect(res.json()).resolves.toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('ciss/ori.<ORI>') });
    const refused = (await auditOf(`client:${client.clientId}`, 'Logon')).filter((r) => r['outcome'] === 'failure' && String((r['details'] as Record<string, unknown>)['reason']).includes('agency scope'));
    expect(refused).toHaveLength(1);
  });

  it('answers hostile token requests with an OAuth error, never a 5xx and never a token', async () => {
    const form = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.dictionary(fc.constantFrom('grant_type', 'scope', 'client_id', 'client_secret', 'x'), fc.string({ maxLength: 60 })).map((o) => new URLSearchParams(o).toString()),
      fc.constantFrom('grant_type=client_credentials', 'grant_type=client_credentials&scope=%00', `grant_type=client_credentials&client_id=${client.clientId}&client_secret=`),
    );
    const basic = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 80 }).map((v) => `Basic ${Buffer.from(v).toString('base64')}`), fc.string({ maxLength: 40 }));
    await fc.assert(
      fc.asyncProperty(form, basic, async (body, authorization) => {
        const res = await fetch(`${h.runtime.endpoints.api}/oauth2/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(authorization ? { Authorization: authorization } : {}) },
          body,
        });
        const answer = (await res.json()) as { error?: string; access_token?: string };
        expect({ clientError: res.status >= 400 && res.status < 500, error: typeof answer.error, token: answer.access_token }).toEqual({ clientError: true, error: 'string', token: undefined });
      }),
      { numRuns: 60 },
    );
  });
});
