import type { Page } from 'playwright-core';
import { custodialPacket, type ArrestPacket } from '../../../drive/arrest-packet';
import { eventually, mailbox } from '../steps';
import { checkPage, signedIn, givenPortal, stopPortal, type PortalHarness } from './harness';

/**
 * The arrest workflow in the portal, for its three kinds of people: the court clerk (their
 * court's queue, a packet as a document, accept or return), the agency's staff (status, rules in
 * words, the docket number) and Judicial (dispositions). Packets come in as an RMS sends them
 * (POST /arrests with a machine token); each page visited passes axe and reads at 320 px.
 */
const ORI = 'CT0000100';

interface PacketView {
  readonly packetId: string;
  readonly status: string;
  readonly docketNumber: string | null;
  readonly dispositions: unknown[] | null;
}

describe('arrest packets in the portal', () => {
  let p: PortalHarness;
  let rms: string;
  /** Accepted by the GA23 clerk, then adjudicated. */
  let accepted: string;
  /** Returned by the GA23 clerk with a reason. */
  let returned: string;
  /** Rejected by validation. */
  let rejected: string;
  /** The review task of `accepted`, as its page's address gives it. */
  let acceptedTask: string;

  beforeAll(async () => {
    p = await givenPortal();
    rms = await p.h.runtime.mintToken({ roles: ['agency-rms'], ori: ORI, username: 'nhpd-rms' });
    const now = p.h.runtime.clock.now();
    const first = custodialPacket('PORTAL-A', now);
    // Charged above the statute's base class: a warning for the clerk, not a reason to reject.
    first.charges[1]!.offenseClass = 'A misdemeanor';
    accepted = await send(first);
    await untilStatus(accepted, 'VALIDATED');
    // A minute later, so the queue's order (oldest first) is not a tie on the manual clock.
    await p.h.runtime.clock.advance(60_000);
    returned = await send(custodialPacket('PORTAL-B', now));
    await untilStatus(returned, 'VALIDATED');
    const broken = custodialPacket('PORTAL-C', now);
    broken.charges[0]!.statuteSection = '53a-999';
    broken.documents = broken.documents.filter((d) => d.documentType !== 'custodial-arrest-report');
    rejected = await send(broken);
    await untilStatus(rejected, 'REJECTED');
  }, 60_000);

  afterAll(() => stopPortal(p));

  async function send(packet: ArrestPacket): Promise<string> {
    const res = await fetch(`${p.h.runtime.endpoints.api}/arrests`, { method: 'POST', headers: { Authorization: `Bearer ${rms}`, 'Content-Type': 'application/json' }, body: JSON.stringify(packet) });
    expect(res.status).toBe(202);
    return ((await res.json()) as { packetId: string }).packetId;
  }

  async function view(packetId: string): Promise<PacketView> {
    const res = await fetch(`${p.h.runtime.endpoints.api}/arrests/${packetId}`, { headers: { Authorization: `Bearer ${rms}` } });
    return (await res.json()) as PacketView;
  }

  const untilStatus = (packetId: string, ...statuses: string[]) =>
    eventually(async () => {
      const v = await view(packetId);
      return statuses.includes(v.status) ? v : undefined;
    }, `packet ${packetId} to be ${statuses.join(' or ')}`, 20_000);

  /** Waits for the page's one heading, then checks it (axe, 320 px, screenshot). */
  async function visited(page: Page, heading: string | RegExp, name: string): Promise<void> {
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await eventually(async () => ((await page.getByText(/^Loading/).count()) === 0 ? true : undefined), `${name} to finish loading`);
    expect(await checkPage(page, name)).toEqual([]);
  }

  it("lists the GA23 clerk's packets awaiting review, oldest first, and shows one as a document on its page", async () => {
    const { context, page } = await signedIn(p, 'clerk-ga23', '/arrests');
    await visited(page, 'Arrest packets', 'clerk-queue');
    const queue = page.getByRole('region', { name: 'Awaiting your review' });
    const titles = await queue.getByRole('link').allTextContents();
    expect(titles.filter((t) => /PORTAL-[ABC]/.test(t))).toEqual([expect.stringContaining('PORTAL-A'), expect.stringContaining('PORTAL-B')]);

    await page.goto(`${p.url}#/arrests/${accepted}`);
    await visited(page, 'Arrest packet PORTAL-A', 'clerk-packet');
    const doc = page.getByRole('article', { name: 'Arrest packet PORTAL-A' });
    expect(await doc.getByText('John Q Doe').isVisible()).toBe(true);
    expect(await doc.getByRole('heading', { name: 'Charge 1: 53a-61, Assault in the third degree' }).isVisible()).toBe(true);
    expect(await doc.getByRole('heading', { name: 'Charge 2: 53a-181, Breach of the peace in the second degree' }).isVisible()).toBe(true);
    expect(await doc.getByText("charged as A misdemeanor; the statute's base class is B misdemeanor").isVisible()).toBe(true);
    expect(await doc.getByText(/Charge 2, offense class differs from the base class/).isVisible()).toBe(true);
    expect(await doc.getByText('Maria Lopez').isVisible()).toBe(true);
    expect(await doc.getByText('Released on a surety bond').isVisible()).toBe(true);
    expect(await doc.getByText('custodial arrest report: CAR-2026-000123').isVisible()).toBe(true);
    expect(await page.getByText('Passed validation and went to the court clerk for review').isVisible()).toBe(true);
    await context.close();
  });

  it('lets the GA23 clerk accept the packet from its review page, the decision by keyboard alone', async () => {
    const { context, page } = await signedIn(p, 'clerk-ga23', `/arrests/${accepted}`);
    await page.getByRole('link', { name: 'Review: accept or return' }).waitFor();
    await visited(page, 'Arrest packet PORTAL-A', 'clerk-packet-to-review');
    await page.getByRole('link', { name: 'Review: accept or return' }).click();
    await visited(page, /Arrest packet PORTAL-A from CT0000100/, 'clerk-review');
    acceptedTask = decodeURIComponent(new URL(page.url()).hash.replace('#/tasks/', ''));
    // The document above the decision.
    expect(await page.getByRole('article', { name: 'Arrest packet PORTAL-A' }).getByRole('heading', { name: 'Charge 1: 53a-61, Assault in the third degree' }).isVisible()).toBe(true);
    expect(await page.getByText(/passed validation with 1 warning/).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Accept' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText(/Decided “Accept” by clerk-ga23/).waitFor();
    expect(await checkPage(page, 'clerk-accepted')).toEqual([]);
    const transmitted = await untilStatus(accepted, 'AVAILABLE');
    expect(transmitted.docketNumber).toBeTruthy();
    await context.close();
  });

  it("tells the GA14 clerk the GA23 packet is not theirs, on its page and on its task's", async () => {
    const { context, page } = await signedIn(p, 'clerk-ga14', `/arrests/${returned}`);
    await page.getByText(/This arrest packet is not yours to open: it belongs to another agency or court/).waitFor();
    expect(await checkPage(page, 'clerk-ga14-not-theirs')).toEqual([]);
    expect(await page.getByText('John Q Doe').count()).toBe(0);

    await page.goto(`${p.url}#/tasks/${encodeURIComponent(acceptedTask)}`);
    await page.getByText(/No such task is waiting for you/).waitFor();
    expect(await checkPage(page, 'clerk-ga14-task')).toEqual([]);
    expect(await page.getByRole('button', { name: 'Accept' }).count()).toBe(0);

    await page.goto(`${p.url}#/arrests`);
    await visited(page, 'Arrest packets', 'clerk-ga14-queue');
    expect(await page.getByText('No packet awaits your review.').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: /PORTAL-/ }).count()).toBe(0);
    await context.close();
    // The browser logs the API's two refusals (404) as console errors: exactly those, and no other.
    const refusals = p.problems.filter((x) => / 404 /.test(x) && (x.includes(returned) || x.includes(acceptedTask)));
    expect(refusals).toHaveLength(2);
    p.problems.splice(0, p.problems.length, ...p.problems.filter((x) => !refusals.includes(x)));
  });

  it('makes the clerk give a reason to return a packet, and tells the agency why', async () => {
    const { context, page } = await signedIn(p, 'clerk-ga23', '/arrests');
    await page.getByRole('region', { name: 'Awaiting your review' }).getByRole('link', { name: /PORTAL-B/ }).click();
    await visited(page, /Arrest packet PORTAL-B/, 'clerk-return');
    await page.getByRole('button', { name: 'Return to agency' }).click();
    await page.getByText(/must say why/).waitFor();
    expect(await page.getByRole('textbox', { name: 'Reason or comment' }).getAttribute('aria-invalid')).toBe('true');
    expect(await checkPage(page, 'clerk-return-needs-reason')).toEqual([]);
    await page.getByRole('textbox', { name: 'Reason or comment' }).fill('Wrong arraignment court: this arrest is for GA 14');
    await page.getByRole('button', { name: 'Return to agency' }).click();
    await page.getByText(/Decided “Return to agency”/).waitFor();
    expect(await checkPage(page, 'clerk-returned')).toEqual([]);
    await untilStatus(returned, 'RETURNED');
    await context.close();
  });

  it("shows agency staff their packets: returned with the clerk's reason, rejected with every rule in words, reached from the agency's e-mail", async () => {
    const mail = await eventually(async () => (await mailbox(p.h.runtime)).find((m) => m.subject.startsWith('Returned by the court clerk') && m.subject.includes('PORTAL-B')), 'the returned notice');
    const link = /Open in the CISS portal \(sign-in\): (\S+)/.exec(mail.body.text ?? '')?.[1];
    expect(link).toBe(`${p.url}#/arrests/${returned}`);

    const { context, page } = await signedIn(p, 'nhpd-staff', new URL(link ?? '').hash.slice(1));
    await visited(page, 'Arrest packet PORTAL-B', 'staff-returned');
    expect(await page.getByText('Reason: Wrong arraignment court: this arrest is for GA 14', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByText('RETURNED', { exact: true }).first().isVisible()).toBe(true);

    await page.goto(`${p.url}#/arrests`);
    await visited(page, 'Arrest packets', 'staff-list');
    const rows = page.getByRole('row');
    expect(await rows.filter({ hasText: 'PORTAL-A' }).getByText('AVAILABLE', { exact: true }).isVisible()).toBe(true);
    expect(await rows.filter({ hasText: 'PORTAL-B' }).getByText('RETURNED', { exact: true }).isVisible()).toBe(true);
    expect(await rows.filter({ hasText: 'PORTAL-C' }).getByText('REJECTED', { exact: true }).isVisible()).toBe(true);

    // The filter, by keyboard.
    await page.getByRole('combobox', { name: 'Status' }).selectOption('REJECTED');
    await page.getByRole('button', { name: 'Show' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /, rejected$/ }).waitFor();
    await eventually(async () => ((await page.getByRole('link', { name: /PORTAL-/ }).allTextContents()).join() === 'PORTAL-C' ? true : undefined), 'the rejected packet alone');
    expect(await checkPage(page, 'staff-list-rejected')).toEqual([]);

    await page.getByRole('link', { name: 'PORTAL-C' }).click();
    await visited(page, 'Arrest packet PORTAL-C', 'staff-rejected');
    const rules = page.getByRole('region', { name: 'Why the packet was rejected' });
    expect(await rules.getByRole('listitem').allTextContents()).toEqual([
      'Charge 1, statute must cite a known Connecticut statute section; section 53a-999 is not in the reference table.',
      'The attached documents must include a custodial arrest report: a custodial arrest needs one.',
    ]);
    expect(await page.getByText('Rejected by validation (version 1; 2 rules failed)').isVisible()).toBe(true);
    await context.close();
  });

  it('shows agency staff the docket number once the packet is transmitted', async () => {
    const { docketNumber } = await view(accepted);
    const { context, page } = await signedIn(p, 'nhpd-staff', `/arrests/${accepted}`);
    await visited(page, 'Arrest packet PORTAL-A', 'staff-transmitted');
    expect(await page.locator('.docket').textContent()).toBe(docketNumber);
    expect(await page.getByText(new RegExp(`Taken into DCJ's case management system \\(version 1; docket ${docketNumber}\\)`)).isVisible()).toBe(true);
    await context.close();
  });

  it('lets Judicial enter the dispositions of a packet awaiting adjudication, each problem beside its field', async () => {
    const { context, page } = await signedIn(p, 'judge-ga23', '/arrests');
    await visited(page, 'Arrest packets', 'judicial-list');
    expect(await page.getByText('Packets awaiting adjudication').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: /PORTAL-/ }).allTextContents()).toEqual(['PORTAL-A']);
    await page.getByRole('link', { name: 'PORTAL-A' }).click();
    await page.getByRole('link', { name: 'Enter the dispositions' }).waitFor();
    await visited(page, 'Arrest packet PORTAL-A', 'judicial-packet');
    await page.getByRole('link', { name: 'Enter the dispositions' }).click();
    await visited(page, 'Dispositions for packet PORTAL-A', 'judicial-form');

    const today = new Date(p.h.runtime.clock.now()).toISOString().slice(0, 10);
    await page.locator('[name="dispositions.0.disposition"]').selectOption('guilty');
    await page.locator('[name="dispositions.1.disposition"]').selectOption('nolle');
    await page.locator('[name="dispositions.1.dispositionDate"]').fill(today);
    await page.getByRole('button', { name: 'Record the dispositions' }).focus();
    await page.keyboard.press('Enter');
    const date = page.locator('[name="dispositions.0.dispositionDate"]');
    await page.getByText('must be a date, YYYY-MM-DD').waitFor();
    expect(await date.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.problem').count()).toBe(1);
    expect(await checkPage(page, 'judicial-form-problem')).toEqual([]);
    expect((await view(accepted)).status).toBe('AVAILABLE');

    await date.fill(today);
    await page.getByRole('button', { name: 'Record the dispositions' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('The dispositions are recorded.').waitFor();
    expect(await checkPage(page, 'judicial-done')).toEqual([]);
    const done = await untilStatus(accepted, 'ADJUDICATED', 'HISTORICAL');
    expect(done.dispositions).toEqual([
      { chargeSequenceID: 1, disposition: 'guilty', dispositionDate: today },
      { chargeSequenceID: 2, disposition: 'nolle', dispositionDate: today },
    ]);
    await context.close();
    expect(p.problems).toEqual([]);
  });
});
