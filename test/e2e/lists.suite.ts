import { custodialPacket } from '../../drive/arrest-packet';
import { eventually, mailbox, type Harness } from './steps';
import { sharedRuntime } from './shared-runtime';

const ORI = 'CT0000100';
const OTHER_ORI = 'CT0000200';
const MINUTE = 60_000;

interface PacketPage {
  packets: { packetId: string; status: string; ori: string; receivedAt: string }[];
  nextToken: string | null;
}
interface RequestPage {
  items: { requestId: string; ori: string; createdAt: string }[];
  nextToken: string | null;
}

/** Every text a cursor could be read as: itself, and its base64 / base64url decodings. */
const readings = (token: string) => [token, ...token.split('.').flatMap((part) => [Buffer.from(part, 'base64url').toString('latin1'), Buffer.from(part, 'base64').toString('latin1')])];

/**
 * The lists (issues 12 and 13): without a filter each caller lists what it may see, newest first;
 * what it may not see is kept out by the query itself, so no page holds it and no cursor (sealed,
 * bound to the list, the query and the caller) reveals it.
 */
describe('lists: what each caller may see, newest first, behind opaque cursors', () => {
  let h: Harness;
  let rms: string;
  let otherRms: string;
  let community: string;
  let dcj: string;
  let published: string;
  let hidden: string[];
  let otherAgency: string;

  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${h.runtime.endpoints.api}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });

  async function submit(incident: string, token = rms, ori = ORI): Promise<string> {
    const p = custodialPacket(incident, h.runtime.clock.now());
    p.agency.ori = ori;
    const res = await api('/arrests', token, { method: 'POST', body: JSON.stringify(p) });
    expect(res.status).toBe(202);
    const { packetId } = (await res.json()) as { packetId: string };
    await h.runtime.clock.advance(MINUTE);
    return packetId;
  }

  async function status(packetId: string): Promise<string> {
    return ((await (await api(`/arrests/${packetId}`, dcj)).json()) as { status: string }).status;
  }

  /** Every page of a list, following nextToken: the pages, and the tokens handed out. */
  async function walk(path: string, token: string): Promise<{ pages: PacketPage[]; tokens: string[] }> {
    const pages: PacketPage[] = [];
    const tokens: string[] = [];
    let next: string | null = null;
    do {
      const res = await api(`${path}${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`, token);
      expect(res.status).toBe(200);
      const page = (await res.json()) as PacketPage;
      pages.push(page);
      next = page.nextToken;
      if (next) tokens.push(next);
    } while (next && pages.length < 50);
    return { pages, tokens };
  }

  beforeAll(async () => {
    h = await sharedRuntime();
    rms = await h.runtime.mintToken({ roles: ['agency-rms'], ori: ORI, username: 'nhpd-rms' });
    otherRms = await h.runtime.mintToken({ roles: ['agency-rms'], ori: OTHER_ORI, username: 'hpd-rms' });
    community = await h.runtime.mintToken({ roles: ['community'], username: 'probation-officer' });
    dcj = await h.runtime.mintToken({ roles: ['dcj'], username: 'prosecutor' });

    published = await submit('list-pub');
    // The clerk accepts the first one: it goes on to CMS and becomes AVAILABLE (published).
    const mail = await eventually(async () => (await mailbox(h.runtime)).find((m) => m.subject.includes('Arrest packet list-pub ')), 'the clerk mail');
    const accept = /^Accept: (\S+)$/m.exec(mail.body.text ?? '')?.[1] ?? '';
    const q = new URL(accept).searchParams;
    await fetch(accept, { method: 'POST', body: new URLSearchParams({ choice: q.get('choice') ?? '', expires: q.get('expires') ?? '', sig: q.get('sig') ?? '' }) });
    await eventually(async () => ((await status(published)) === 'AVAILABLE' ? true : undefined), 'the packet to be AVAILABLE', 20_000);
    // The others wait for the clerk: not yet for the community's eyes.
    hidden = [await submit('list-wait-1'), await submit('list-wait-2')];
    otherAgency = await submit('list-other', otherRms, OTHER_ORI);
    await eventually(async () => ((await status(otherAgency)) === 'VALIDATED' ? true : undefined), 'the last packet to be validated');
  });

  it('GET /arrests without a filter lists what the caller may see, newest first', async () => {
    const ids = async (token: string) => ((await (await api('/arrests', token)).json()) as PacketPage).packets.map((p) => p.packetId);
    expect(await ids(dcj)).toEqual([otherAgency, ...[...hidden].reverse(), published]);
    expect(await ids(rms)).toEqual([...[...hidden].reverse(), published]);
    expect(await ids(otherRms)).toEqual([otherAgency]);
    expect(await ids(community)).toEqual([published]);
  });

  it.each([['/arrests?limit=1'], ['/arrests?limit=1&ori=CT0000100'], ['/arrests?limit=1&ori=CT0000200'], ['/arrests?limit=1&status=VALIDATED'], ['/arrests?limit=1&status=AVAILABLE']])(
    'community walking %s sees only published packets, and no cursor tells of another',
    async (path) => {
      const { pages, tokens } = await walk(path, community);
      const seen = pages.flatMap((p) => p.packets);
      expect(seen.every((p) => ['AVAILABLE', 'ADJUDICATED', 'HISTORICAL'].includes(p.status))).toBe(true);
      // No page is empty with more to come: that alone would say a hidden packet lies there.
      expect(pages.filter((p) => p.packets.length === 0 && p.nextToken)).toHaveLength(0);
      for (const token of tokens) {
        for (const text of readings(token)) {
          for (const id of [...hidden, otherAgency]) expect(text).not.toContain(id);
          expect(text).not.toMatch(/ARREST|VALIDATED|CT0000/);
        }
      }
    },
  );

  it('pages through every packet once, newest first, one at a time', async () => {
    const { pages } = await walk('/arrests?limit=1', dcj);
    expect(pages.flatMap((p) => p.packets.map((x) => x.packetId))).toEqual([otherAgency, ...[...hidden].reverse(), published]);
    expect(pages.at(-1)?.nextToken).toBeNull();
  });

  it('takes a cursor only on the list, the query and for the caller it was given to (400 naming nextToken)', async () => {
    const first = (await (await api('/arrests?limit=1', dcj)).json()) as PacketPage;
    const token = first.nextToken ?? '';
    expect(token).not.toBe('');
    const refused = async (path: string, who: string) => {
      const res = await api(path, who);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { problems: { field: string }[] }).problems.map((p) => p.field)).toEqual(['nextToken']);
    };
    const anotherProsecutor = await h.runtime.mintToken({ roles: ['dcj'], username: 'another-prosecutor' });
    await refused(`/arrests?limit=1&status=VALIDATED&nextToken=${token}`, dcj);
    await refused(`/arrests?limit=1&nextToken=${token}`, anotherProsecutor);
    await refused(`/arrests?limit=1&nextToken=${token}`, community);
    const unit = await h.runtime.mintToken({ roles: ['unit'], username: 'prosecutor' });
    await refused(`/access-requests?nextToken=${token}`, unit);
    // One character of the sealed cursor changed (always to another one: a cursor whose
    // second-to-last character already was the replacement used to come back unchanged, 1 run in 64).
    const flipped = `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.slice(-1)}`;
    expect(flipped).not.toBe(token);
    await refused(`/arrests?limit=1&nextToken=${flipped}`, dcj);
    // The same cursor, by its caller on its query, goes on.
    expect((await api(`/arrests?limit=1&nextToken=${token}`, dcj)).status).toBe(200);
  });

  it('GET /access-requests without a filter lists the unit every request and an agency its own, newest first, with absolute statusUrls', async () => {
    const admin = await h.runtime.mintToken({ roles: ['agency-admin'], ori: ORI, username: 'nhpd-admin', email: 'admin@nhpd.ct.example' });
    const otherAdmin = await h.runtime.mintToken({ roles: ['agency-admin'], ori: OTHER_ORI, username: 'hpd-admin', email: 'admin@hpd.ct.example' });
    const unit = await h.runtime.mintToken({ roles: ['unit'], username: 'cchrs-unit', email: 'cchrs.unit@dpscs.ct.example' });
    const justification = 'Supervises the records unit that runs criminal history checks for pistol permit applicants and court-ordered background investigations.';
    const request = async (token: string, ori: string, tag: string) => {
      const res = await api('/access-requests', token, { method: 'POST', body: JSON.stringify({ employee: { fullName: `Jordan ${tag} Rivera`, email: `jordan.${tag}@agency.ct.example`, jobTitle: 'Records Supervisor' }, ori, justification }) });
      expect(res.status).toBe(202);
      await h.runtime.clock.advance(MINUTE);
      return ((await res.json()) as { requestId: string }).requestId;
    };
    const mine = [await request(admin, ORI, 'a'), await request(admin, ORI, 'b')];
    const theirs = await request(otherAdmin, OTHER_ORI, 'c');

    const page = async (path: string, token: string) => {
      const res = await api(path, token);
      expect(res.status).toBe(200);
      return (await res.json()) as RequestPage & { items: { statusUrl: string }[] };
    };
    expect((await page('/access-requests', unit)).items.map((r) => r.requestId)).toEqual([theirs, ...[...mine].reverse()]);
    const own = await page('/access-requests', admin);
    expect(own.items.map((r) => r.requestId)).toEqual([...mine].reverse());
    expect(own.items[0]?.statusUrl).toBe(`${h.runtime.endpoints.api}/access-requests/${mine[1]}`);
    // Paged one at a time, through the documented `cursor` name as well as `nextToken`.
    const one = await page('/access-requests?limit=1', unit);
    const two = await page(`/access-requests?limit=1&cursor=${one.nextToken}`, unit);
    const three = await page(`/access-requests?limit=1&nextToken=${two.nextToken}`, unit);
    expect([one, two, three].flatMap((p) => p.items.map((r) => r.requestId))).toEqual([theirs, ...[...mine].reverse()]);
  });
});
