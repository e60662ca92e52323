import { localControls } from '../../infra/local/controls';
import type { LocalRuntime } from '../../infra/local/runtime';

/** The harness's `/_local/*` controls over a stand-in runtime: what each answers, and its refusals. */
describe('the local controls', () => {
  const minted: unknown[] = [];
  const switched: [string, unknown][] = [];
  const cms = { requests: 3, records: [{ idempotencyKey: 'ap-1-v1', docketNumber: 'D-1', body: {}, receivedAt: 'x' }], failNext: (n: number) => void switched.push(['failNext', n]), setDown: (down: boolean) => void switched.push(['down', down]) };
  const runtime = {
    mintToken: async (request: unknown) => (minted.push(request), 'token'),
    clients: { rmsClient: (ori: string) => ({ clientId: `id-${ori}`, clientSecret: 'secret' }) },
    clock: { mode: 'manual', scale: 1, now: () => 1000, pending: () => [2000, 3000] },
    eventBridge: { published: [{ source: 'ciss.arrests', 'detail-type': 'A' }, { source: 'ciss.access', 'detail-type': 'B' }] },
    cms,
  } as unknown as LocalRuntime;
  const control = localControls(runtime);

  it('mints a token for roles and attributes, and names a bad field with its rule', async () => {
    await expect(control('POST', '/_local/tokens', JSON.stringify({ roles: ['court-clerk'], courts: ['GA23'], username: 'clerk' }))).resolves.toEqual({ status: 200, body: { token: 'token' } });
    expect(minted).toEqual([{ roles: ['court-clerk'], courts: ['GA23'], username: 'clerk' }]);
    const bad = await control('POST', '/_local/tokens', JSON.stringify({ roles: ['king'], shoeSize: 9 }));
    expect(bad?.status).toBe(400);
    expect((bad?.body as { message: string }).message).toMatch(/roles\.0: .*shoeSize|shoeSize[\s\S]*roles\.0|roles\.0[\s\S]*shoeSize/);
    expect((await control('POST', '/_local/tokens', 'not json'))?.status).toBe(400);
  });

  it("gives an agency's RMS client, for a well-formed ORI only", async () => {
    await expect(control('POST', '/_local/rms-clients', '{"ori":"CT0000100"}')).resolves.toEqual({ status: 200, body: { clientId: 'id-CT0000100', clientSecret: 'secret' } });
    expect((await control('POST', '/_local/rms-clients', '{"ori":"nope"}'))?.status).toBe(400);
  });

  it('reads the clock and its timers, the events by source, and what CMS received', async () => {
    await expect(control('GET', '/_local/clock', '')).resolves.toEqual({ status: 200, body: { mode: 'manual', scale: 1, now: 1000, pending: [2000, 3000] } });
    await expect(control('GET', '/_local/events?source=ciss.access', '')).resolves.toEqual({ status: 200, body: { events: [{ source: 'ciss.access', 'detail-type': 'B' }] } });
    expect(((await control('GET', '/_local/events', ''))?.body as { events: unknown[] }).events).toHaveLength(2);
    await expect(control('GET', '/_local/cms', '')).resolves.toEqual({ status: 200, body: { requests: 3, records: cms.records } });
  });

  it('switches the CMS simulator', async () => {
    expect((await control('POST', '/_local/cms', '{"failNext":2}'))?.status).toBe(200);
    expect((await control('POST', '/_local/cms', '{"down":true}'))?.status).toBe(200);
    expect(switched).toEqual([['failNext', 2], ['down', true]]);
    expect((await control('POST', '/_local/cms', '{"failNext":-1}'))?.status).toBe(400);
  });

  it('leaves every other path to the other controls', async () => {
    await expect(control('GET', '/_local/health', '')).resolves.toBeUndefined();
    await expect(control('DELETE', '/_local/tokens', '')).resolves.toBeUndefined();
  });
});
