import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Page } from 'playwright-core';
import { custodialPacket } from '../../../drive/arrest-packet';
import type { SearchRecordInput } from '../../../functions/search/domain/record';
import { localSourceAccessKeyId } from '../../../infra/local/search/names';
import { eventually, mailbox } from '../steps';
import { checkPage, givenPortal, signedIn, stopPortal, type PortalHarness } from './harness';

const ORI = 'CT0000100';
const SID = 'CT07000002';
/** The demo probation officer `cssd-officer` (infra/local/users.ts). */
const OFFICER = 'officer.brooks@cssd.ct.example';

/**
 * Dissemination in the portal, in Chromium, on the real API: a supervisee's arrest goes through
 * the workflow (RMS, the clerk's e-mailed link, the CMS), the supervising officer signs in and
 * reads the notice with only its rule's fields; a prosecutor reads the accepted packet's notice
 * and mutes that rule for themselves; operations see the rules with their switches. Every page
 * passes axe and reads at 320 px.
 */
describe('notices and dissemination rules in the portal', () => {
  let p: PortalHarness;
  let packetId: string;

  beforeAll(async () => {
    p = await givenPortal({ searchSources: { people: 0 } });
    const parole: SearchRecordInput = {
      source: 'bopp-parole',
      id: 'BP-70000002',
      version: 1,
      kind: 'supervision',
      title: 'Parole case BP-70000002',
      person: { names: [{ first: 'John', last: 'Doe' }], dob: '1990-04-12' },
      identifiers: { sid: [SID] },
      fields: [{ label: 'Status', value: 'Active' }, { label: 'Supervising officer', value: OFFICER }],
    };
    await p.h.runtime.search.direct().query('SELECT search_apply(:changes::jsonb)::text AS outcome', { changes: JSON.stringify([{ op: 'upsert', record: parole }]) });
    const rms = await p.h.runtime.mintToken({ roles: ['agency-rms'], ori: ORI, username: 'nhpd-rms' });
    const packet = custodialPacket('PORTAL-DISSEM', p.h.runtime.clock.now());
    Object.assign(packet.arrestee, { stateIdentification: SID });
    const res = await fetch(`${p.h.runtime.endpoints.api}/arrests`, { method: 'POST', headers: { Authorization: `Bearer ${rms}`, 'Content-Type': 'application/json' }, body: JSON.stringify(packet) });
    packetId = ((await res.json()) as { packetId: string }).packetId;
    const review = await eventually(async () => (await mailbox(p.h.runtime)).find((m) => m.subject.includes('Arrest packet PORTAL-DISSEM ')), 'the clerk review mail', 60_000);
    const accept = new URL(/^Accept: (\S+)$/m.exec(review.body.text ?? '')?.[1] ?? '');
    await fetch(accept, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ choice: accept.searchParams.get('choice') ?? '', expires: accept.searchParams.get('expires') ?? '', sig: accept.searchParams.get('sig') ?? '' }) });
    await eventually(async () => (await mailbox(p.h.runtime)).find((m) => m.destination.to.includes(OFFICER)), "the officer's notice", 60_000);
  }, 240_000);
  afterAll(() => stopPortal(p));

  const open = async (username: string, route: string, heading: string): Promise<Page> => {
    const { page } = await signedIn(p, username, '/');
    await page.evaluate(`void (location.hash = ${JSON.stringify(`#${route}`)})`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    return page;
  };

  it("shows the supervising officer the supervisee's arrest, only the rule's fields, and the notice on its own page", async () => {
    const page = await open('cssd-officer', '/notices', 'Notices');
    const card = page.getByRole('article', { name: "A supervisee's arrest, to the supervising officer" });
    await card.waitFor();
    const labels = await card.locator('dl[aria-label="What the notice says"] dt').allTextContents();
    // Sent at receipt: the arrest's facts, not the packet's content (charges' words, docket), which the community reads once it is published.
    expect(labels).toEqual(['Arrestee', 'Date of birth', 'SID', 'Arrest date', 'Arresting agency', 'Statutes', 'Court (GA)', 'Arraignment date', 'Supervision']);
    expect(await card.textContent()).not.toMatch(/Elm Street|06514|Charges|Docket/);
    expect(await checkPage(page, 'notices-officer')).toEqual([]);
    await card.getByRole('link', { name: "A supervisee's arrest, to the supervising officer" }).click();
    await page.getByRole('heading', { level: 1, name: 'Notice' }).waitFor();
    await page.getByRole('article', { name: "A supervisee's arrest, to the supervising officer" }).waitFor();
    expect(await page.getByRole('link', { name: packetId }).count()).toBe(1);
    expect(await checkPage(page, 'notice-officer')).toEqual([]);
    expect(p.problems).toEqual([]);
  });

  it("shows the court's clerk a protective order the registry pushed against the open arrest's defendant, with the source record it came from", async () => {
    // Published (AVAILABLE) and indexed as ciss-arrests: the arrest is open.
    await eventually(async () => ((await p.h.runtime.search.direct().query("SELECT 1 AS one FROM search_record WHERE source = 'ciss-arrests' AND record_id = :id AND body::text LIKE '%AVAILABLE%'", { id: packetId })).length ? true : undefined), 'the arrest indexed', 60_000);
    const events = new EventBridgeClient({ endpoint: p.h.runtime.endpoints.edge, region: 'us-east-1', credentials: { accessKeyId: localSourceAccessKeyId('jud-por'), secretAccessKey: 'local' } });
    const order = { op: 'upsert', version: 1, orderNumber: 'PO-2026-800002', orderType: 'Criminal protective order', respondent: { last: 'Doe', first: 'John', dob: '04/12/1990' }, issued: '11/30/2026', expires: '2027-11-30', court: 'New Haven GA23', protectedParty: { name: 'Jane Roe' }, status: 'Active' };
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: p.h.runtime.names.bus, Source: 'ciss.search.jud-por', DetailType: 'SearchRecordsChanged', Detail: JSON.stringify({ changes: [order] }) }] }));
    events.destroy();
    const title = 'A protective order issued against a defendant with an open arrest, to the court';
    await eventually(async () => (await mailbox(p.h.runtime)).find((m) => m.subject.startsWith(`CISS notice: ${title}`)), "the clerk's notice", 60_000);
    const page = await open('clerk-ga23', '/notices', 'Notices');
    const card = page.getByRole('article', { name: title });
    await card.waitFor();
    expect(await card.locator('dl[aria-label="What the notice says"] dt').allTextContents()).toEqual(expect.arrayContaining(['Protective order', 'Protected party', 'Docket']));
    expect(await card.locator('dl[aria-label="About the notice"]').textContent()).toContain('jud-por/PO-2026-800002');
    expect(await checkPage(page, 'notices-clerk-order')).toEqual([]);
    expect(p.problems).toEqual([]);
  });

  it("shows a prosecutor the accepted packet's notice and lets them mute that rule for themselves", async () => {
    const page = await open('dcj-attorney', '/notices', 'Notices');
    await page.getByRole('article', { name: "Each accepted packet, to the prosecutor's office for the court" }).waitFor();
    await page.getByRole('button', { name: "Mute: Each accepted packet, to the prosecutor's office for the court" }).click();
    await page.getByText('Muted: you will not receive').waitFor();
    // The muted rule's notices leave the list.
    await page.getByText('No notices for you.').waitFor();
    expect(await checkPage(page, 'notices-prosecutor-muted')).toEqual([]);
    expect(p.problems).toEqual([]);
  });

  it('shows operations the rules as data with their switches, and no failed notice', async () => {
    const page = await open('ops', '/dissemination', 'Dissemination rules');
    // Two requests, answered in either order: the failed notices' section can show while the
    // rules still load (a loaded runtime answers the rules second), so wait for the rules too.
    const failed = page.getByRole('region', { name: 'Notices whose e-mail failed' });
    await failed.waitFor();
    await page.getByText('Loading the rules…').waitFor({ state: 'detached' });
    // None failed: a notice fails after its third attempt, 5 and 15 minutes after the first on the
    // runtime's clock, which this file does not move.
    expect(await failed.getByText('None.', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('article').count()).toBe(5);
    expect(await page.getByRole('button', { name: 'Switch off' }).count()).toBe(5);
    expect(await checkPage(page, 'dissemination-rules')).toEqual([]);
    expect(p.problems).toEqual([]);
  });
});
