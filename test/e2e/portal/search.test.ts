import type { Page, Request } from 'playwright-core';
import type { SearchRecordInput } from '../../../functions/search/domain/record';
import { DEMO_DCJ_ORI, DEMO_USERS, type DemoUser } from '../../../infra/local/users';
import { checkPage, givenPortal, newPage, signIn, signedIn, stopPortal, type PortalHarness } from './harness';

/**
 * CISS Search in the portal, in Chromium, on the real API and engine: synthetic records are
 * delivered once through search_apply (PGlite), then a certified user (the `search` role beside
 * their own, from a seeded certification) types a query and sees how the box reads it, with no request to /search until they
 * press Search; the purpose is required beside its field; the answer is grouped by person with each
 * record's matched field highlighted and the kind of match in words; a record opens with its
 * purpose carried, or asks for one when opened cold; a user without the role sees no section and
 * is told they are not certified; the auditor lists the searches this file made.
 */
/** A prosecutor certified for CISS Search by a seeded certification (the role is never given by hand). */
const SEARCHER: DemoUser = { username: 'dcj-searcher', name: 'Avery Quinn', email: 'searcher@dcj.ct.example', roles: ['dcj'], organization: 'Division of Criminal Justice' };

/** Twelve people of one surname (more than the page's 10 people), across three sources. */
const FIRSTS = ['Alba', 'Bruno', 'Carla', 'Dario', 'Elena', 'Fabio', 'Gina', 'Hugo', 'Irene', 'Luca', 'Marta', 'Nico'] as const;
const SOURCES = ['despp-cch', 'jud-crmvs', 'dmv-licences'] as const;
const MARCHETTI: SearchRecordInput[] = FIRSTS.map((first, i) => ({
  source: SOURCES[i % 3]!,
  id: `portal-marchetti-${i + 1}`,
  version: 1,
  kind: i % 3 === 0 ? 'person' : i % 3 === 1 ? 'case' : 'licence',
  title: `Record of ${first} Marchetti`,
  date: `2025-0${(i % 9) + 1}-15`,
  town: 'Hartford',
  person: { names: [{ first, last: 'Marchetti' }], dob: `19${60 + i}-0${(i % 9) + 1}-2${i % 9}` },
}));

/** One person in two sources (same SID), to be found from a misspelt name. */
const KOWALCZYK: SearchRecordInput[] = [
  { source: 'jud-crmvs', id: 'portal-case-1', version: 1, kind: 'case', title: 'State v. Kowalczyk, larceny 6th degree', date: '2026-02-01', town: 'New Haven', person: { names: [{ first: 'Katherine', last: 'Kowalczyk' }], dob: '1984-03-07' }, identifiers: { sid: ['CT01234567'] }, fields: [{ label: 'Court', value: 'GA23 New Haven' }, { label: 'Charge 1', value: '53a-125b Larceny in the sixth degree' }] },
  { source: 'despp-cch', id: 'portal-cch-1', version: 1, kind: 'person', title: 'Criminal history of Kate Kowalczyk', person: { names: [{ first: 'Kate', last: 'Kowalczyk' }], dob: '1984-03-07' }, identifiers: { sid: ['CT01234567'] } },
];

/** One found by an identifier (a plate). */
const WHITLOCK: SearchRecordInput = { source: 'dmv-registrations', id: 'portal-reg-1', version: 1, kind: 'registration', title: 'Registration AB12345', date: '2025-11-02', town: 'Hamden', person: { names: [{ first: 'Dana', last: 'Whitlock' }], dob: '1990-12-01' }, identifiers: { plate: ['AB12345'] } };

const CASE_TITLE = 'State v. Kowalczyk, larceny 6th degree';
const TYPED = 'Kowalzcyk, Katherine 3/7/1984';

describe('CISS Search in the portal', () => {
  let p: PortalHarness;
  let page: Page;
  /** Every API request the searcher's page made (the network, as the browser sent it). */
  const calls: URL[] = [];
  /** The searches sent (GET /search itself, not its sources, records or log). */
  const searches = () => calls.filter((u) => u.pathname === '/search');
  const keep = (into: URL[]) => (r: Request) => {
    const url = new URL(r.url());
    if (url.pathname === '/search' || url.pathname.startsWith('/search/')) into.push(url);
  };

  beforeAll(async () => {
    p = await givenPortal({ users: [...DEMO_USERS, SEARCHER], certified: [{ username: SEARCHER.username, ori: DEMO_DCJ_ORI }] });
    const changes = [...MARCHETTI, ...KOWALCZYK, WHITLOCK].map((record) => ({ op: 'upsert', record }));
    await p.h.runtime.search.direct().query('SELECT search_apply(:changes::jsonb)::text AS outcome', { changes: JSON.stringify(changes) });
    ({ page } = await signedIn(p, SEARCHER.username, '/'));
    page.on('request', keep(calls));
    await page.evaluate('void (location.hash = "#/search")');
    await page.getByRole('heading', { level: 1, name: 'CISS Search' }).waitFor();
  }, 90_000);
  afterAll(() => stopPortal(p));

  it('opens the search page from the navigation, its filters listing the source systems', async () => {
    expect(await page.getByRole('link', { name: 'CISS Search' }).getAttribute('aria-current')).toBe('page');
    await page.getByText('Filters: source, record kind, dates, town').click();
    await page.getByRole('option', { name: /Vehicle registrations \(Department of Motor Vehicles\)/ }).waitFor({ state: 'attached' });
    // Every source of the registry (functions/search/domain/sources.json), and "every source".
    expect(await page.getByLabel('Source system').locator('option').count()).toBe(15);
    expect(await page.getByRole('option', { name: /Computerized criminal history \(Department of Emergency Services and Public Protection\)/ }).count()).toBe(1);
    expect(await page.getByText(/nothing is searched until you press Search/).count()).toBe(1);
    expect(await checkPage(page, 'search')).toEqual([]);
  });

  it('says how the box reads the query as one types, and sends no search while typing', async () => {
    const box = page.getByRole('searchbox', { name: 'Search for' });
    await box.pressSequentially(`${TYPED} CT01234567`, { delay: 20 });
    const reading = page.locator('#search-reading');
    await reading.getByText('SID CT01234567').waitFor();
    const text = await reading.textContent();
    expect(text).toContain('Name: Kowalzcyk, Katherine');
    expect(text).toContain('Born 7 Mar 1984 or 3 Jul 1984');
    expect(await reading.getAttribute('role')).toBe('status');
    expect(searches()).toEqual([]);
    expect(await checkPage(page, 'search-reading')).toEqual([]);
  });

  it('requires a purpose: the problem beside the field, and nothing sent', async () => {
    await page.getByRole('button', { name: 'Search' }).click();
    const problem = page.locator('#f-purpose-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('choose the purpose of this search');
    expect(await page.getByLabel('Purpose of this search').getAttribute('aria-invalid')).toBe('true');
    expect(searches()).toEqual([]);
    expect(await checkPage(page, 'search-purpose-required')).toEqual([]);
  });

  it('finds one person across two sources from a misspelt name, each record with why it matched', async () => {
    await page.getByRole('searchbox', { name: 'Search for' }).fill(TYPED);
    await page.getByLabel('Purpose of this search').selectOption('C');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.search-person').first().waitFor();
    expect(searches()).toHaveLength(1);
    const sent = searches()[0]!.searchParams;
    expect([sent.get('q'), sent.get('purpose'), sent.get('source')]).toEqual([TYPED, 'C', null]);
    expect(await page.locator('.search-summary').textContent()).toMatch(/2 records, 1 person shown .*purpose C, Criminal justice/);
    const first = page.locator('.search-person').first();
    expect(await first.getByRole('heading', { level: 3 }).textContent()).toBe('Katherine Kowalczyk, born 7 Mar 1984');
    expect(await first.locator('.search-because').textContent()).toContain('CT01234567');
    expect(await first.locator('.search-hit').count()).toBe(2);
    const metas = await first.locator('.search-hit-meta').allTextContents();
    expect(metas.join(' | ')).toContain('Criminal and motor-vehicle cases');
    expect(metas.join(' | ')).toContain('Computerized criminal history');
    const hit = first.locator('.search-hit', { hasText: CASE_TITLE });
    expect(await hit.locator('.search-hit-meta').textContent()).toContain('1 Feb 2026');
    // The ranking, on demand.
    await hit.getByText(/How this record ranks \(score/).click();
    // The misspelt surname found as a typo, the first name and date of birth exactly, each <mark>ed.
    expect(await hit.locator('mark').allTextContents()).toEqual(['Kowalczyk', 'Katherine', '1984-03-07']);
    expect(await hit.locator('.search-how').allTextContents()).toEqual(['typo', 'exact', 'exact']);
    expect(await hit.locator('.search-rank li').allTextContents()).toEqual(['Name, typo: +3.56', 'Name, exact: +3', 'Born, exact: +4']);
    // The other source's record, under "Kate": a nickname of Katherine.
    const other = first.locator('.search-hit', { hasText: 'Criminal history of Kate Kowalczyk' });
    expect(await other.locator('.search-how').allTextContents()).toEqual(['typo', 'nickname of', 'exact']);
    expect(await checkPage(page, 'search-results')).toEqual([]);
  });

  it('opens a record with the purpose carried, and comes back to the same answer without searching again', async () => {
    await page.getByRole('link', { name: CASE_TITLE }).click();
    await page.getByRole('heading', { level: 1, name: CASE_TITLE }).waitFor();
    expect(page.url()).toContain('#/search/records/jud-crmvs/portal-case-1?purpose=C');
    const facts = page.locator('dl[aria-label="The record"]');
    expect(await facts.textContent()).toContain('Judicial Branch');
    expect(await facts.textContent()).toContain('SID CT01234567');
    expect(await page.locator('dl[aria-label="As the source gives it"] dt').allTextContents()).toEqual(['Court', 'Charge 1']);
    expect(await page.locator('dl[aria-label="As the source gives it"]').textContent()).toContain('GA23 New Haven');
    expect(await page.locator('.search-purpose').textContent()).toContain('Opened for purpose C, Criminal justice');
    expect(calls.at(-1)?.pathname).toBe('/search/records/jud-crmvs/portal-case-1');
    expect(await checkPage(page, 'search-record')).toEqual([]);
    await page.getByRole('link', { name: 'Back to the results' }).click();
    await page.locator('.search-person').first().waitFor();
    expect(searches()).toHaveLength(1);
    expect(await page.getByRole('searchbox', { name: 'Search for' }).inputValue()).toBe(TYPED);
  });

  it('asks for the purpose first when a record is opened cold, and reads nothing until it is given', async () => {
    const before = calls.length;
    await page.evaluate('void (location.hash = "#/search/records/despp-cch/portal-cch-1")');
    await page.getByRole('heading', { level: 1, name: 'Open a search record' }).waitFor();
    await page.getByRole('button', { name: 'Open the record' }).click();
    await page.locator('#f-purpose-problem').waitFor();
    expect(calls.slice(before).filter((u) => u.pathname.startsWith('/search/records/'))).toEqual([]);
    expect(await checkPage(page, 'search-record-purpose')).toEqual([]);
    await page.getByLabel('Purpose of this record view').selectOption('J');
    await page.getByRole('button', { name: 'Open the record' }).click();
    await page.getByRole('heading', { level: 1, name: 'Criminal history of Kate Kowalczyk' }).waitFor();
    expect(await page.locator('dl[aria-label="The record"]').textContent()).toContain('Department of Emergency Services and Public Protection');
    expect(calls.at(-1)?.searchParams.get('purpose')).toBe('J');
  });

  it('finds a record by an identifier, the match said as "same identifier"', async () => {
    await page.evaluate('void (location.hash = "#/search")');
    await page.getByRole('searchbox', { name: 'Search for' }).fill('AB12345');
    await page.getByLabel('Purpose of this search').selectOption('C');
    await page.getByRole('button', { name: 'Search' }).click();
    const hit = page.locator('.search-hit', { hasText: 'Registration AB12345' });
    await hit.waitFor();
    expect(await page.locator('.search-person').count()).toBe(1);
    expect(await page.locator('.search-person').first().getByRole('heading', { level: 3 }).textContent()).toBe('Dana Whitlock, born 1 Dec 1990');
    expect(await hit.locator('.search-hit-meta').textContent()).toContain('Vehicle registrations');
    expect(await hit.locator('mark').allTextContents()).toEqual(['AB12345']);
    expect(await hit.locator('.search-how').allTextContents()).toEqual(['same identifier']);
  });

  it('reads the next page of people with "Show more"', async () => {
    await page.getByRole('searchbox', { name: 'Search for' }).fill('Marchetti');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.search-person', { hasText: 'Marchetti' }).nth(9).waitFor();
    expect(await page.locator('.search-person').count()).toBe(10);
    const first = searches().at(-1)!;
    expect([first.searchParams.get('q'), first.searchParams.get('limit'), first.searchParams.get('nextToken')]).toEqual(['Marchetti', '10', null]);
    await page.getByRole('button', { name: 'Show more' }).click();
    await page.locator('.search-person').nth(11).waitFor();
    expect(searches().at(-1)!.searchParams.get('nextToken')).toBeTruthy();
    expect(await page.locator('.search-person').count()).toBe(12);
    const names = await page.locator('.search-person h3').allTextContents();
    expect(new Set(names.map((n) => n.split(' ')[0])).size).toBe(12);
    expect(await page.getByRole('button', { name: 'Show more' }).count()).toBe(0);
    expect(await page.locator('.search-summary').textContent()).toContain('12 people shown');
    expect(await checkPage(page, 'search-more')).toEqual([]);
  });

  it('says so when no record matches', async () => {
    const box = page.getByRole('searchbox', { name: 'Search for' });
    await box.fill('Nobody Knownperson');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No record you may see matches this search.').waitFor();
    expect(await page.locator('.search-person').count()).toBe(0);
    expect(await checkPage(page, 'search-empty')).toEqual([]);
    expect(p.problems).toEqual([]);
  });

  it('shows the API’s refusals in words: a field problem beside its field, and "not certified" on a 403', async () => {
    // A real 403: the API's answer to a user without the search role, whose token is taken from
    // that user's own signed-in page and put on the searcher's request.
    const { context: plain, page: dcj } = await newPage(p);
    const tokenAnswer = dcj.waitForResponse((r) => r.request().method() === 'POST' && /token/.test(new URL(r.url()).pathname));
    await signIn(p, dcj, 'dcj-attorney', '/');
    const uncertified = `Bearer ${((await (await tokenAnswer).json()) as { access_token: string }).access_token}`;
    expect(uncertified).toMatch(/^Bearer ./);
    await plain.close();
    const { context, page: other } = await signedIn(p, SEARCHER.username, '/');
    // The portal checks the query as the API does (SearchQuerySchema), so no form can be refused
    // with a 400: that one answer alone is given here, to see it placed beside its field.
    await other.route(
      (url) => url.pathname === '/search',
      (route) =>
        new URL(route.request().url()).searchParams.get('q')?.includes('bad')
          ? route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'ValidationFailed', message: 'The request is not valid', problems: [{ field: 'q', rule: 'must hold a name, a date or an identifier' }] }) })
          : route.continue({ headers: { ...route.request().headers(), authorization: uncertified } }),
    );
    await other.evaluate('void (location.hash = "#/search")');
    await other.getByRole('searchbox', { name: 'Search for' }).fill('bad query');
    await other.getByLabel('Purpose of this search').selectOption('C');
    await other.getByRole('button', { name: 'Search' }).click();
    await other.locator('#f-q-problem', { hasText: 'must hold a name, a date or an identifier' }).waitFor();
    await other.getByRole('searchbox', { name: 'Search for' }).fill('Marchetti');
    const refused = other.waitForResponse((r) => new URL(r.url()).pathname === '/search');
    await other.getByRole('button', { name: 'Search' }).click();
    expect(await (await refused).json()).toMatchObject({ error: 'Forbidden' });
    expect((await refused).status()).toBe(403);
    await other.getByRole('alert').getByText('Your account is not certified for CISS Search — see your agency administrator.').waitFor();
    expect(await other.locator('#f-q-problem').count()).toBe(0);
    await context.close();
    p.problems.splice(0, p.problems.length, ...p.problems.filter((m) => !/status of (400|403)/.test(m)));
  });

  it('shows no search section to a user without the search role, and tells them at #/search that they are not certified', async () => {
    const { context, page: dcj } = await signedIn(p, 'dcj-attorney', '/');
    await dcj.getByRole('heading', { level: 1, name: 'CISS portal' }).waitFor();
    expect(await dcj.getByRole('link', { name: 'CISS Search' }).count()).toBe(0);
    await dcj.evaluate('void (location.hash = "#/search")');
    await dcj.getByRole('alert').getByText('Your account is not certified for CISS Search — see your agency administrator.').waitFor();
    expect(await checkPage(dcj, 'search-not-certified')).toEqual([]);
    await context.close();
  });

  it('lists the searches this file made for the auditor, by actor, from the audit trail’s actor', async () => {
    const { context, page: auditor } = await signedIn(p, 'auditor', '/audit?by=actor&actor=dcj-searcher');
    const logs: URL[] = [];
    auditor.on('request', keep(logs));
    await auditor.getByRole('link', { name: "dcj-searcher's CISS searches" }).click();
    await auditor.getByRole('heading', { level: 1, name: 'CISS searches' }).waitFor();
    await auditor.locator('table.search-log tbody tr').first().waitFor();
    expect(logs.at(-1)?.searchParams.get('actor')).toBe('dcj-searcher');
    const rows = await auditor.locator('table.search-log tbody tr').allTextContents();
    // Every search the searcher sent (each page of "Show more" too), none refused: with their words,
    // purpose and the number of records found.
    const queries = await auditor.locator('table.search-log tbody tr td:nth-child(4)').allTextContents();
    expect(queries.toSorted()).toEqual(['AB12345', TYPED, 'Marchetti', 'Marchetti', 'Nobody Knownperson']);
    expect(rows.every((r) => r.includes('C, Criminal justice'))).toBe(true);
    expect(await auditor.locator('table.search-log tbody tr', { hasText: TYPED }).locator('td:nth-child(6)').textContent()).toBe('2');
    expect(await checkPage(auditor, 'search-log')).toEqual([]);
    // A day is the log's UTC day, as date-times.
    const day = new Date(p.h.runtime.clock.now()).toISOString().slice(0, 10);
    await auditor.getByLabel('From (UTC day, optional)').fill(day);
    await auditor.getByLabel('To (UTC day, optional)').fill(day);
    // The log's request for those days, awaited as such: the rows already shown are the previous request's.
    const asked = auditor.waitForRequest((r) => new URL(r.url()).pathname === '/search/log' && new URL(r.url()).searchParams.has('from'));
    await auditor.getByRole('button', { name: 'Show searches' }).click();
    await auditor.waitForURL(new RegExp(`from=${day}&to=${day}`));
    const sent = new URL((await asked).url()).searchParams;
    await auditor.locator('table.search-log tbody tr').first().waitFor();
    expect([sent?.get('actor'), sent?.get('from'), sent?.get('to')]).toEqual(['dcj-searcher', `${day}T00:00:00.000Z`, `${day}T23:59:59.999Z`]);
    expect(await auditor.locator('table.search-log tbody tr').count()).toBe(rows.length);
    await context.close();
    expect(p.problems).toEqual([]);
  });
});
