import type { Page, Request, Route } from 'playwright-core';
import type { SearchRecordInput } from '../../../functions/search/domain/record';
import type { LoggedSearch, PersonGroup, RecordAnswer, SearchAnswer, SourceStatus } from '../../../functions/search/domain/answer';
import { DEMO_USERS, type DemoUser } from '../../../infra/local/users';
import { checkPage, givenPortal, signedIn, stopPortal, type PortalHarness } from './harness';

/**
 * CISS Search in the portal, in Chromium: a certified user (the `search` role beside their own)
 * types a query and sees how the box reads it, with no request to /search until they press
 * Search; the purpose is required beside its field; the answer is grouped by person with each
 * record's matched field highlighted and the kind of match in words; a record opens with its
 * purpose carried, or asks for one when opened cold; a user without the role sees no section and
 * is told they are not certified; the auditor lists the searches.
 *
 * One test drives the real API and engine (records delivered with search_apply, searched and
 * opened through the portal). The others are given the search API's answers with Playwright's
 * page.route (synthetic records), written while the routes were not merged: they check the
 * rendering and the requests the portal makes (none to /search while typing), not the engine.
 */
const SEARCHER: DemoUser = { username: 'dcj-searcher', name: 'Avery Quinn', email: 'searcher@dcj.ct.example', roles: ['dcj', 'search'], organization: 'Division of Criminal Justice' };

const SOURCES: SourceStatus[] = [
  { id: 'despp-cch', name: 'Computerized criminal history', agency: 'Department of Emergency Services and Public Protection', kinds: ['person', 'arrest', 'disposition'], delivery: 'batch', records: 3 },
  { id: 'dmv-registrations', name: 'Vehicle registrations', agency: 'Department of Motor Vehicles', kinds: ['vehicle', 'registration'], delivery: 'batch', records: 2 },
  { id: 'jud-crmvs', name: 'Criminal and motor-vehicle cases', agency: 'Judicial Branch', kinds: ['case', 'charge', 'disposition'], delivery: 'events', records: 4 },
];

const SMYTH: PersonGroup = {
  key: 'g1',
  name: 'Jon Smyth',
  dob: '1984-03-07',
  because: ['same SID CT1234567', 'same name and date of birth'],
  score: 9.5,
  hits: [
    {
      source: 'despp-cch',
      sourceName: 'Computerized criminal history',
      recordId: 'CCH-0001',
      kind: 'arrest',
      title: 'Arrest by New Haven PD, 2 charges',
      date: '2024-05-02',
      town: 'New Haven',
      name: 'Jonathan Smythe',
      dob: '1984-03-07',
      score: 9.5,
      matched: [
        { field: 'name', value: 'Jonathan Smythe', highlight: [[0, 3], [9, 15]], how: 'phonetic', weight: 3.5 },
        { field: 'dob', value: '1984-03-07', highlight: [[0, 10]], how: 'exact', weight: 4 },
        { field: 'sid', value: 'CT1234567', highlight: [[0, 9]], how: 'identifier', weight: 2 },
      ],
    },
    {
      source: 'dmv-registrations',
      sourceName: 'Vehicle registrations',
      recordId: 'REG-ABC1234',
      kind: 'registration',
      title: 'Registration ABC1234',
      date: '2025-01-15',
      town: 'Hamden',
      name: 'Johnny Smyth',
      dob: '1984-07-03',
      score: 6,
      matched: [
        { field: 'name', value: 'Johnny Smyth', highlight: [[0, 6]], how: 'nickname', weight: 2 },
        { field: 'dob', value: '1984-07-03', highlight: [[0, 10]], how: 'swapped-date', weight: 2 },
        { field: 'plate', value: 'ABC1234', highlight: [[0, 7]], how: 'identifier', weight: 2 },
      ],
    },
  ],
};

const SMITH: PersonGroup = {
  key: 'g2',
  name: "Jon O'Smith-Peña",
  because: [],
  score: 2,
  hits: [
    {
      source: 'jud-crmvs',
      sourceName: 'Criminal and motor-vehicle cases',
      recordId: 'N23N-CR24-0123456-S',
      kind: 'case',
      title: 'Case N23N-CR24-0123456-S',
      date: '2024-06-11',
      town: 'New Haven',
      name: "Jon O'Smith-Peña",
      score: 2,
      matched: [{ field: 'name', value: "Jon O'Smith-Peña", highlight: [[0, 3], [6, 11]], how: 'typo', weight: 2 }],
    },
  ],
};

const THIRD: PersonGroup = { ...SMITH, key: 'g3', name: 'Joan Smithers', hits: [{ ...SMITH.hits[0]!, recordId: 'N23N-CR25-0000001-S', title: 'Case N23N-CR25-0000001-S', name: 'Joan Smithers' }] };

const RECORD: RecordAnswer = {
  source: 'despp-cch',
  sourceName: 'Computerized criminal history',
  agency: 'Department of Emergency Services and Public Protection',
  recordId: 'CCH-0001',
  version: 3,
  kind: 'arrest',
  title: 'Arrest by New Haven PD, 2 charges',
  date: '2024-05-02',
  town: 'New Haven',
  names: ['Jonathan Smythe', 'Jon Smyth'],
  dob: '1984-03-07',
  identifiers: [{ kind: 'sid', value: 'CT1234567' }],
  juvenile: false,
  fields: [
    { label: 'Arresting agency', value: 'New Haven Police Department (CT0000100)' },
    { label: 'Charge 1', value: '53a-125b Larceny in the sixth degree' },
  ],
  indexedAt: '2026-11-30T04:00:00.000Z',
};

const LOG: LoggedSearch[] = [
  { queryId: 'Q-0002', actor: 'dcj-searcher', at: '2026-11-30T04:10:00.000Z', purpose: 'C', text: 'Smyth, Jon 3/7/1984', filters: { source: 'despp-cch' }, results: 3 },
  { queryId: 'Q-0001', actor: 'dcj-searcher', at: '2026-11-30T04:05:00.000Z', purpose: 'J', text: 'plate ABC1234', filters: {}, results: 1 },
];

const json = (route: Route, status: number, body: unknown) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });

/** The search API, answered in the page: every call is kept in `calls` (path and query). */
async function searchApi(page: Page, calls: URL[]): Promise<void> {
  await page.route(
    (url) => url.pathname === '/search' || url.pathname.startsWith('/search/'),
    async (route: Route, request: Request) => {
      const url = new URL(request.url());
      calls.push(url);
      const purpose = url.searchParams.get('purpose') ?? '';
      if (url.pathname === '/search/sources') return json(route, 200, { sources: SOURCES });
      if (url.pathname === '/search/log') return json(route, 200, { searches: LOG.filter((l) => !url.searchParams.get('actor') || l.actor === url.searchParams.get('actor')), nextToken: null });
      if (url.pathname.startsWith('/search/records/')) {
        const [, , , source, id] = url.pathname.split('/');
        if (!purpose) return json(route, 400, { error: 'ValidationFailed', message: 'The request is not valid', problems: [{ field: 'purpose', rule: 'required' }] });
        return source === RECORD.source && decodeURIComponent(id ?? '') === RECORD.recordId ? json(route, 200, RECORD) : json(route, 404, { error: 'NotFound', message: 'Not found' });
      }
      const q = url.searchParams.get('q') ?? '';
      const reading = { names: [{ first: 'Jon', last: 'Smyth' }], dobs: ['1984-03-07', '1984-07-03'], identifiers: [], words: [] };
      if (/nobody/i.test(q)) return json(route, 200, { queryId: 'Q-EMPTY', purpose, reading, total: 0, people: [] } satisfies SearchAnswer);
      if (url.searchParams.get('nextToken') === 'page-2') return json(route, 200, { queryId: 'Q-0003', purpose, reading, total: 4, people: [THIRD] } satisfies SearchAnswer);
      return json(route, 200, { queryId: 'Q-0003', purpose, reading, total: 4, people: [SMYTH, SMITH], nextToken: 'page-2' } satisfies SearchAnswer);
    },
  );
}

describe('CISS Search in the portal', () => {
  let p: PortalHarness;
  let page: Page;
  const calls: URL[] = [];
  /** The searches sent (GET /search itself, not its sources, records or log). */
  const searches = () => calls.filter((u) => u.pathname === '/search');

  beforeAll(async () => {
    p = await givenPortal({ users: [...DEMO_USERS, SEARCHER] });
    ({ page } = await signedIn(p, SEARCHER.username, '/'));
    await searchApi(page, calls);
    await page.evaluate('void (location.hash = "#/search")');
    await page.getByRole('heading', { level: 1, name: 'CISS Search' }).waitFor();
  }, 60_000);
  afterAll(() => stopPortal(p));

  it('opens the search page from the navigation, its filters listing the source systems', async () => {
    expect(await page.getByRole('link', { name: 'CISS Search' }).getAttribute('aria-current')).toBe('page');
    await page.getByText('Filters: source, record kind, dates, town').click();
    await page.getByRole('option', { name: /Vehicle registrations \(Department of Motor Vehicles\)/ }).waitFor({ state: 'attached' });
    expect(await page.getByLabel('Source system').locator('option').count()).toBe(SOURCES.length + 1);
    expect(await page.getByText(/nothing is searched until you press Search/).count()).toBe(1);
    expect(await checkPage(page, 'search')).toEqual([]);
  });

  it('says how the box reads the query as one types, and sends no search while typing', async () => {
    const box = page.getByRole('searchbox', { name: 'Search for' });
    await box.pressSequentially('Smyth, Jon 3/7/1984 ABC1234', { delay: 20 });
    const reading = page.locator('#search-reading');
    await reading.getByText('Plate ABC1234').waitFor();
    const text = await reading.textContent();
    expect(text).toContain('Name: Smyth, Jon');
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

  it('searches with the purpose, and shows the records grouped by person, each with why it matched', async () => {
    await page.getByLabel('Purpose of this search').selectOption('C');
    await page.getByLabel('Source system').selectOption('despp-cch');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.search-person').first().waitFor();
    expect(searches()).toHaveLength(1);
    const sent = searches()[0]!.searchParams;
    expect(sent.get('q')).toBe('Smyth, Jon 3/7/1984 ABC1234');
    expect(sent.get('purpose')).toBe('C');
    expect(sent.get('source')).toBe('despp-cch');
    expect(await page.locator('.search-summary').textContent()).toMatch(/4 records, 2 people shown .*purpose C, Criminal justice/);
    const first = page.locator('.search-person').first();
    expect(await first.getByRole('heading', { level: 3 }).textContent()).toBe('Jon Smyth, born 7 Mar 1984');
    expect(await first.locator('.search-because').textContent()).toContain('same SID CT1234567; same name and date of birth');
    expect(await first.locator('.search-hit').count()).toBe(2);
    const hit = first.locator('.search-hit').first();
    expect(await hit.locator('.search-hit-meta').textContent()).toContain('Computerized criminal history');
    expect(await hit.locator('.search-hit-meta').textContent()).toContain('2 May 2024');
    expect(await hit.locator('mark').allTextContents()).toEqual(['Jon', 'Smythe', '1984-03-07', 'CT1234567']);
    expect(await hit.locator('.search-how').allTextContents()).toEqual(['sounds like', 'exact', 'same identifier']);
    const second = first.locator('.search-hit').nth(1);
    expect(await second.locator('.search-how').allTextContents()).toEqual(['nickname of', 'day and month swapped', 'same identifier']);
    expect(await page.locator('.search-person').nth(1).locator('.search-how').allTextContents()).toEqual(['typo']);
    // The ranking, on demand.
    await hit.getByText('How this record ranks (score 9.5)').click();
    expect(await hit.locator('.search-rank li').allTextContents()).toEqual(['Name, sounds like: +3.5', 'Born, exact: +4', 'SID, same identifier: +2']);
    expect(await checkPage(page, 'search-results')).toEqual([]);
  });

  it('reads the next page of people with "Show more"', async () => {
    await page.getByRole('button', { name: 'Show more' }).click();
    await page.locator('.search-person').nth(2).waitFor();
    expect(searches()).toHaveLength(2);
    expect(searches()[1]!.searchParams.get('nextToken')).toBe('page-2');
    expect(await page.getByRole('button', { name: 'Show more' }).count()).toBe(0);
    expect(await page.locator('.search-summary').textContent()).toContain('3 people shown');
  });

  it('opens a record with the purpose carried, and comes back to the same answer without searching again', async () => {
    await page.getByRole('link', { name: 'Arrest by New Haven PD, 2 charges' }).click();
    await page.getByRole('heading', { level: 1, name: 'Arrest by New Haven PD, 2 charges' }).waitFor();
    expect(page.url()).toContain('#/search/records/despp-cch/CCH-0001?purpose=C');
    const facts = page.locator('dl[aria-label="The record"]');
    expect(await facts.textContent()).toContain('Department of Emergency Services and Public Protection');
    expect(await facts.textContent()).toContain('SID CT1234567');
    expect(await page.locator('dl[aria-label="As the source gives it"] dt').allTextContents()).toEqual(['Arresting agency', 'Charge 1']);
    expect(await page.locator('.search-purpose').textContent()).toContain('Opened for purpose C, Criminal justice');
    expect(await checkPage(page, 'search-record')).toEqual([]);
    await page.getByRole('link', { name: 'Back to the results' }).click();
    await page.locator('.search-person').nth(2).waitFor();
    expect(searches()).toHaveLength(2);
    expect(await page.getByRole('searchbox', { name: 'Search for' }).inputValue()).toBe('Smyth, Jon 3/7/1984 ABC1234');
  });

  it('asks for the purpose first when a record is opened cold, and reads nothing until it is given', async () => {
    const before = calls.length;
    await page.evaluate('void (location.hash = "#/search/records/despp-cch/CCH-0001")');
    await page.getByRole('heading', { level: 1, name: 'Open a search record' }).waitFor();
    await page.getByRole('button', { name: 'Open the record' }).click();
    await page.locator('#f-purpose-problem').waitFor();
    expect(calls.slice(before).filter((u) => u.pathname.startsWith('/search/records/'))).toEqual([]);
    expect(await checkPage(page, 'search-record-purpose')).toEqual([]);
    await page.getByLabel('Purpose of this record view').selectOption('J');
    await page.getByRole('button', { name: 'Open the record' }).click();
    await page.getByRole('heading', { level: 1, name: 'Arrest by New Haven PD, 2 charges' }).waitFor();
    expect(calls.at(-1)?.searchParams.get('purpose')).toBe('J');
  });

  it('finds a person across sources from a misspelt name on the real engine, and opens the record (no answers given in this page)', async () => {
    const records: SearchRecordInput[] = [
      { source: 'jud-crmvs', id: 'portal-case-1', version: 1, kind: 'case', title: 'State v. Kowalczyk, larceny 6th degree', date: '2026-02-01', town: 'New Haven', person: { names: [{ first: 'Katherine', last: 'Kowalczyk' }], dob: '1984-03-07' }, identifiers: { sid: ['CT01234567'] }, fields: [{ label: 'Court', value: 'GA23 New Haven' }] },
      { source: 'despp-cch', id: 'portal-cch-1', version: 1, kind: 'person', title: 'Criminal history of Kate Kowalczyk', person: { names: [{ first: 'Kate', last: 'Kowalczyk' }], dob: '1984-03-07' }, identifiers: { sid: ['CT01234567'] } },
    ];
    await p.h.runtime.search.direct().query('SELECT search_apply(:changes::jsonb)::text AS outcome', { changes: JSON.stringify(records.map((record) => ({ op: 'upsert', record }))) });
    const { context, page: real } = await signedIn(p, SEARCHER.username, '/search');
    await real.getByRole('searchbox', { name: 'Search for' }).fill('Katherine Kowalzcyk');
    await real.getByLabel('Purpose of this search').selectOption('C');
    await real.getByRole('button', { name: 'Search' }).click();
    const first = real.locator('.search-person').first();
    await first.waitFor({ timeout: 20_000 });
    expect(await first.locator('.search-hit').count()).toBe(2);
    expect(await first.locator('.search-because').textContent()).toContain('CT01234567');
    expect(await first.locator('mark').count()).toBeGreaterThan(0);
    expect(await checkPage(real, 'search-real')).toEqual([]);
    await real.getByRole('link', { name: 'State v. Kowalczyk, larceny 6th degree' }).click();
    await real.getByRole('heading', { level: 1, name: 'State v. Kowalczyk, larceny 6th degree' }).waitFor();
    expect(await real.locator('dl[aria-label="As the source gives it"]').textContent()).toContain('GA23 New Haven');
    await context.close();
  });

  it('says so when no record matches', async () => {
    await page.evaluate('void (location.hash = "#/search")');
    const box = page.getByRole('searchbox', { name: 'Search for' });
    await box.fill('Nobody Known');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No record you may see matches this search.').waitFor();
    expect(await page.locator('.search-person').count()).toBe(0);
    expect(await checkPage(page, 'search-empty')).toEqual([]);
    expect(p.problems).toEqual([]);
  });

  it('shows the API’s refusals in words: a field problem beside its field, and "not certified" on a 403', async () => {
    const { context, page: other } = await signedIn(p, SEARCHER.username, '/');
    await searchApi(other, []);
    await other.route(
      (url) => url.pathname === '/search',
      (route) =>
        new URL(route.request().url()).searchParams.get('q')?.includes('bad')
          ? json(route, 400, { error: 'ValidationFailed', message: 'The request is not valid', problems: [{ field: 'q', rule: 'must hold a name, a date or an identifier' }] })
          : json(route, 403, { error: 'Forbidden', message: 'Forbidden' }),
    );
    await other.evaluate('void (location.hash = "#/search")');
    await other.getByRole('searchbox', { name: 'Search for' }).fill('bad query');
    await other.getByLabel('Purpose of this search').selectOption('C');
    await other.getByRole('button', { name: 'Search' }).click();
    await other.locator('#f-q-problem', { hasText: 'must hold a name, a date or an identifier' }).waitFor();
    await other.getByRole('searchbox', { name: 'Search for' }).fill('Smyth');
    await other.getByRole('button', { name: 'Search' }).click();
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

  it('lists the searches for the auditor, by actor, from the audit trail’s actor', async () => {
    const { context, page: auditor } = await signedIn(p, 'auditor', '/audit?by=actor&actor=dcj-searcher');
    await searchApi(auditor, calls);
    await auditor.getByRole('link', { name: "dcj-searcher's CISS searches" }).click();
    await auditor.getByRole('heading', { level: 1, name: 'CISS searches' }).waitFor();
    await auditor.locator('table.search-log tbody tr').first().waitFor();
    expect(calls.at(-1)?.searchParams.get('actor')).toBe('dcj-searcher');
    const rows = await auditor.locator('table.search-log tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('Smyth, Jon 3/7/1984');
    expect(rows[0]).toContain('C, Criminal justice');
    expect(await checkPage(auditor, 'search-log')).toEqual([]);
    // A day is the log's UTC day, as date-times.
    await auditor.getByLabel('From (UTC day, optional)').fill('2026-11-30');
    await auditor.getByLabel('To (UTC day, optional)').fill('2026-11-30');
    await auditor.getByRole('button', { name: 'Show searches' }).click();
    await auditor.waitForURL(/from=2026-11-30&to=2026-11-30/);
    await auditor.locator('table.search-log tbody tr').first().waitFor();
    const sent = calls.filter((u) => u.pathname === '/search/log').at(-1)?.searchParams;
    expect([sent?.get('actor'), sent?.get('from'), sent?.get('to')]).toEqual(['dcj-searcher', '2026-11-30T00:00:00.000Z', '2026-11-30T23:59:59.999Z']);
    await context.close();
    expect(p.problems).toEqual([]);
  });
});
