import type { PGlite } from '@electric-sql/pglite';
import type { AuditEvent } from '#shared/audit';
import { Cursors } from '#shared/cursor';
import { NotFound, ValidationFailed } from '#shared/errors';
import { parseWith, type Caller } from '#shared/http';
import { ROLES, type Role } from '#shared/roles';
import { openSearchDatabase, PgliteEngine } from '../../infra/local/search/engine';
import type { SearchAnswer, SearchHit } from '../../functions/search/domain/answer';
import { SearchQuerySchema } from '../../functions/search/domain/query';
import { SearchRecordSchema, type SearchRecordInput } from '../../functions/search/domain/record';
import { listSearches, SearchLogQuerySchema } from '../../functions/search/use-cases/log';
import { viewRecord } from '../../functions/search/use-cases/record';
import { isAnchor, nameSql, recordConditions, search, WEIGHTS } from '../../functions/search/use-cases/search';
import { toPositional } from '../../infra/local/search/engine';
import { listSources } from '../../functions/search/use-cases/sources';
import type { SqlParams } from '../../functions/search/ports';

/**
 * The search use cases on the real engine (PGlite with pg_trgm, fuzzystrmatch, unaccent and the
 * schema), with records delivered through search_apply, as ingestion delivers them.
 */

/** Records delivered as a source's ingestion delivers them: search_apply (functions/search/schema.sql). */
async function put(engine: PgliteEngine, records: readonly SearchRecordInput[]): Promise<void> {
  const changes = records.map((record) => ({ op: 'upsert', record: SearchRecordSchema.parse(record) }));
  await engine.query('SELECT search_apply(:changes::jsonb)::text AS result', { changes: JSON.stringify(changes) });
}

const person = (first: string, last: string, dob?: string) => ({ names: [{ first, last }], ...(dob ? { dob } : {}) });

/** The synthetic people: the same person spelt differently across sources, and their neighbours. */
const RECORDS: SearchRecordInput[] = [
  // Katherine Kowalczyk: three sources, three spellings; SID links two, the licence the third.
  { source: 'jud-crmvs', id: 'case-1', version: 1, kind: 'case', title: 'State v. Kowalczyk, larceny 6th degree', date: '2026-02-01', town: 'New Haven', person: person('Katherine', 'Kowalczyk', '1984-03-07'), identifiers: { sid: ['CT01234567'], docket: ['NNH-CR26-0123456-S'] } },
  { source: 'despp-cch', id: 'cch-1', version: 1, kind: 'person', title: 'Criminal history', date: '2020-06-30', person: person('Kate', 'Kowalczyk', '1984-03-07'), identifiers: { sid: ['CT-0123-4567'], fbi: ['482913KC7'], licence: ['123456789'] } },
  { source: 'dmv-licences', id: 'lic-1', version: 1, kind: 'licence', title: 'Driver licence, class D', date: '2023-03-07', town: 'Hamden', person: person('Katherine', 'Kowalcyk', '1984-07-03'), identifiers: { licence: ['123-45-6789'] } },
  // William Johnson: a nickname in one source, a plate and an incident in others.
  { source: 'rms-incidents', id: 'inc-1', version: 1, kind: 'incident', title: 'Incident: burglary, residence', date: '2026-01-15', town: 'Hartford', person: person('Bill', 'Johnson', '1990-05-05'), identifiers: { 'ori-incident': ['CT0000100:2026-001234'] } },
  { source: 'dmv-registrations', id: 'reg-1', version: 1, kind: 'vehicle', title: 'Registration AB 12345, 2019 Honda Civic', date: '2025-09-01', town: 'Hartford', person: person('William', 'Johnson', '1990-05-05'), identifiers: { plate: ['AB 12345'] } },
  { source: 'jud-crmvs', id: 'case-2', version: 1, kind: 'case', title: 'State v. Johnson, breach of peace', date: '2021-04-01', town: 'Bridgeport', person: person('Robert', 'Johnson', '1962-10-10') },
  // Accents, apostrophes, hyphens, particles.
  { source: 'doc-custody', id: 'doc-1', version: 1, kind: 'custody', title: 'Admitted, MacDougall-Walker CI', date: '2024-11-23', person: person('Seán', "O'Brien-Núñez", '1979-11-23') },
  { source: 'despp-weapons', id: 'permit-1', version: 1, kind: 'permit', title: 'Pistol permit', date: '2019-09-09', town: 'Stamford', person: person('Gregory', 'Phillips', '1975-09-09') },
  { source: 'cssd-probation', id: 'prob-chen', version: 1, kind: 'supervision', title: 'Probation supervision', date: '2023-06-11', person: person('Carlos', 'Chen', '1950-11-06') },
  { source: 'pds-cases', id: 'pds-1', version: 1, kind: 'case', title: 'Public defender case', date: '2025-02-12', town: 'Waterbury', person: person('María', 'de la Cruz', '1995-01-12') },
  // First and last name transposed by the source.
  { source: 'bopp-parole', id: 'par-1', version: 1, kind: 'supervision', title: 'Parole supervision', date: '2022-08-01', person: person('Pritchard', 'Desmond', '1971-02-14') },
  // A juvenile record, and a protective order with its protected party.
  { source: 'jud-crmvs', id: 'juv-1', version: 1, kind: 'case', title: 'Juvenile matter', date: '2025-05-05', town: 'New Haven', juvenile: true, person: person('Tyler', 'Brennan', '2010-06-01'), identifiers: { sid: ['CT07654321'] } },
  // An adult registration under another name with the juvenile's SID: linking must not reveal the juvenile case.
  { source: 'despp-sor', id: 'sor-1', version: 1, kind: 'registration', title: 'Registration', date: '2026-01-05', person: person('Tyrell', 'Quigley', '2007-06-01'), identifiers: { sid: ['CT07654321'] } },
  // An incident whose subject gave no date of birth.
  { source: 'rms-incidents', id: 'inc-undated', version: 1, kind: 'incident', title: 'Incident: noise complaint', date: '2026-02-02', town: 'Hartford', person: person('Lena', 'Okafor') },
  { source: 'jud-por', id: 'po-1', version: 1, kind: 'protective-order', title: 'Protective order, family violence', date: '2026-03-01', town: 'Meriden', person: person('Derek', 'Malone', '1988-12-01'), fields: [{ label: 'Respondent', value: 'Derek Malone' }, { label: 'Protected party', value: 'Jane Roe' }, { label: "Protected party's address", value: '1 Elm St, Meriden' }, { label: 'Expires', value: '2027-03-01' }] },
  // Six Nguyens for paging.
  ...['Anh', 'Binh', 'Chau', 'Dung', 'Hoa', 'Lan'].map((first, i): SearchRecordInput => ({ source: 'cssd-probation', id: `prob-${i}`, version: 1, kind: 'supervision', title: 'Probation supervision', date: `2024-0${i + 1}-01`, person: person(first, 'Nguyen', `198${i}-01-2${i}`) })),
];

const key = Buffer.alloc(32, 7);
const caller = (username: string, roles: Role[]): Caller => ({ sub: username, username, roles: ['search', ...roles], courts: [] });
const officer = caller('nhpd-officer', ['agency-staff']);
const judge = caller('judge-ga23', ['judicial']);
const prosecutor = caller('dcj-attorney', ['dcj']);
const clerk = caller('clerk-ga23', ['court-clerk']);
const analyst = caller('cchrs-unit', ['unit']);

let db: PGlite;
let engine: PgliteEngine;
const audits: AuditEvent[] = [];
let ids = 0;
const ports = () => ({ engine, cursors: new Cursors({ current: async () => key, all: async () => [key] }), record: async (e: AuditEvent) => void audits.push(e), now: () => new Date('2026-11-30T10:00:00Z'), newId: () => `q-${++ids}` });

const find = (who: Caller, q: string, more: Record<string, string> = {}): Promise<SearchAnswer> => search({ caller: who, source: { ip: '127.0.0.1' }, query: SearchQuerySchema.parse({ q, purpose: 'C', ...more }) }, ports());
const hitsOf = (a: SearchAnswer): SearchHit[] => a.people.flatMap((p) => p.hits);
const keysOf = (a: SearchAnswer): string[] => hitsOf(a).map((h) => `${h.source}/${h.recordId}`);
const topPerson = (a: SearchAnswer) => a.people[0]?.hits.map((h) => `${h.source}/${h.recordId}`).sort();

beforeAll(async () => {
  db = await openSearchDatabase();
  engine = new PgliteEngine(db);
  await put(engine, RECORDS);
}, 60_000);
afterAll(async () => {
  await db.close();
});

describe('finding a person', () => {
  it('finds a person across sources from a misspelt name, as one group, and says why', async () => {
    const answer = await find(officer, 'Katherine Kowalzcyk');
    expect(topPerson(answer)).toEqual(['despp-cch/cch-1', 'dmv-licences/lic-1', 'jud-crmvs/case-1']);
    expect(answer.people[0]?.because).toEqual(expect.arrayContaining(['same SID CT01234567', "same driver's licence 123456789"]));
    const typo = answer.people[0]?.hits.find((h) => h.recordId === 'case-1')?.matched.find((m) => m.field === 'name' && m.highlight[0]?.[0] === 10);
    expect(typo).toMatchObject({ how: 'typo', value: 'Katherine Kowalczyk', highlight: [[10, 19]] });
  });

  it('finds by sound (double metaphone) where the spelling is far', async () => {
    const hit = hitsOf(await find(officer, 'Greg Filips')).find((h) => h.recordId === 'permit-1');
    expect(hit?.matched.map((m) => [m.how, m.weight])).toEqual([
      ['phonetic', WEIGHTS.lastPhonetic],
      ['nickname', WEIGHTS.firstNickname],
    ]);
  });

  it('finds a short surname one letter off, which shares too few trigrams', async () => {
    const hit = hitsOf(await find(officer, 'Carlos Cen')).find((h) => h.recordId === 'prob-chen');
    expect(hit?.matched.map((m) => m.how)).toEqual(['typo', 'exact']);
  });

  it('finds a nickname: Bill for William, and Kate for Katherine', async () => {
    const answer = await find(officer, 'Bill Johnson');
    const reg = hitsOf(answer).find((h) => h.recordId === 'reg-1');
    expect(reg?.matched.map((m) => m.how)).toEqual(['exact', 'nickname']);
    expect(reg?.matched.find((m) => m.how === 'nickname')?.weight).toBe(WEIGHTS.firstNickname);
    expect(keysOf(answer).slice(0, 2).sort()).toEqual(['dmv-registrations/reg-1', 'rms-incidents/inc-1']);
  });

  it('finds an initial for a given name', async () => {
    const hit = hitsOf(await find(officer, 'K. Kowalczyk')).find((h) => h.recordId === 'case-1');
    expect(hit?.matched.map((m) => [m.how, m.weight])).toEqual([
      ['exact', WEIGHTS.lastExact],
      ['initial', WEIGHTS.firstInitial],
    ]);
  });

  it('finds a date of birth typed with day and month swapped, and says so', async () => {
    const answer = await find(officer, 'Kowalczyk 07/03/1984');
    const swapped = hitsOf(answer).find((h) => h.recordId === 'case-1')?.matched.find((m) => m.field === 'dob');
    const asTyped = hitsOf(answer).find((h) => h.recordId === 'lic-1')?.matched.find((m) => m.field === 'dob');
    expect(swapped).toMatchObject({ how: 'swapped-date', weight: WEIGHTS.dobSwapped, value: '1984-03-07' });
    expect(asTyped).toMatchObject({ how: 'exact', weight: WEIGHTS.dobExact });
  });

  it('finds first and last name the other way round, in the query or in the source', async () => {
    const typed = await find(officer, 'Kowalczyk Katherine');
    expect(keysOf(typed)).toContain('jud-crmvs/case-1');
    expect(hitsOf(typed).find((h) => h.recordId === 'case-1')?.matched[0]?.how).toBe('transposed');
    const stored = await find(officer, 'Desmond Pritchard');
    expect(keysOf(stored)).toEqual(['bopp-parole/par-1']);
  });

  it('finds accented, hyphenated, apostrophe and particle names however they are typed', async () => {
    for (const q of ["Sean O'Brien-Nunez", 'Seán OBrien Núñez', 'Sean Obrien']) expect(keysOf(await find(officer, q))).toContain('doc-custody/doc-1');
    for (const q of ['Maria de la Cruz', 'Maria Delacruz', 'MARÍA DE LA CRUZ']) expect(keysOf(await find(officer, q))[0]).toBe('pds-cases/pds-1');
  });

  it.each([
    ['CT01234567', ['despp-cch/cch-1', 'jud-crmvs/case-1']],
    ['482913KC7', ['despp-cch/cch-1']],
    ['123456789', ['despp-cch/cch-1', 'dmv-licences/lic-1']],
    ['ab 12345', ['dmv-registrations/reg-1']],
    ['NNH-CR26-0123456-S', ['jud-crmvs/case-1']],
    ['CT0000100 2026-001234', ['rms-incidents/inc-1']],
  ])('finds by identifier %s exactly, first', async (q, expected) => {
    const answer = await find(officer, q);
    const exact = hitsOf(answer).filter((h) => h.matched.some((m) => m.how === 'identifier'));
    expect(exact.map((h) => `${h.source}/${h.recordId}`).sort()).toEqual(expected);
    expect(keysOf(answer).slice(0, expected.length).sort()).toEqual(expected);
    expect(hitsOf(answer)[0]?.matched[0]).toMatchObject({ how: 'identifier', weight: WEIGHTS.identifier });
  });

  it.each([
    // The SID's records; the licence record shares the licence with the criminal history record.
    ['CT01234567', ['dmv-licences/lic-1']],
    // The case's docket finds the case, whose SID finds the history, whose licence finds the licence record.
    ['NNH-CR26-0123456-S', ['despp-cch/cch-1', 'dmv-licences/lic-1']],
    // The plate's registration shares William Johnson's surname and date of birth with an incident.
    ['ab 12345', ['rms-incidents/inc-1']],
  ])("brings the person's other records with an identifier (%s), marked as linked and after the exact hits", async (q, linked) => {
    const answer = await find(officer, q);
    const brought = hitsOf(answer).filter((h) => h.matched.some((m) => m.how === 'linked'));
    expect(brought.map((h) => `${h.source}/${h.recordId}`).sort()).toEqual(linked);
    expect(answer.people).toHaveLength(1);
    for (const hit of brought) {
      expect(hit.matched).toEqual([expect.objectContaining({ how: 'linked', weight: WEIGHTS.linked })]);
      expect(hit.score).toBe(WEIGHTS.linked);
    }
  });

  it("finds a name's rows by index, never by reading every name: each arm of the rows' OR is an index condition", async () => {
    const where = recordConditions(SearchQuerySchema.parse({ q: 'x y', purpose: 'C' }), officer.roles);
    for (const params of [
      { l: 'kowalzcyk', f: 'katherine', nicks: 'kate', dobs: '1984-03-07 1984-07-03', short: false },
      { l: 'cen', f: 'carlos', nicks: '', dobs: '', short: true },
    ]) {
      const { text, values } = toPositional(`EXPLAIN ${nameSql(where.sql, 2000)}`, { ...where.params, ...params });
      // With sequential scans priced out, a plan that can use the indexes does; one that cannot still scans.
      const plan = await db.transaction(async (tx) => {
        await tx.exec('SET LOCAL enable_seqscan = off');
        return (await tx.query<{ 'QUERY PLAN': string }>(text, values)).rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      expect(plan).not.toMatch(/Seq Scan on search_name/);
      expect(plan).toMatch(/Bitmap Index Scan on search_name_last_trgm/);
    }
  });

  it("brings a person's other records for a name without a date of birth when surname and given name agree, not for an initial alone", async () => {
    // Tyrell Quigley's registration shares its SID with a juvenile case under another name: brought in for a judge, never for an officer.
    const linked = hitsOf(await find(judge, 'Tyrell Quigley')).find((h) => h.recordId === 'juv-1');
    expect(linked?.matched).toEqual([expect.objectContaining({ field: 'sid', how: 'linked', weight: WEIGHTS.linked })]);
    expect(keysOf(await find(officer, 'Tyrell Quigley'))).toEqual(['despp-sor/sor-1']);
    expect(hitsOf(await find(judge, 'T Quigley')).some((h) => h.recordId === 'juv-1')).toBe(false);
    const name = (firstHow: 'exact' | 'initial' | 'typo', dob?: boolean) => ({ identifiers: new Map(), name: { ord: 1, firstNorm: 'k', lastNorm: 'kowalczyk', last: { how: 'typo' as const, weight: 3 }, first: { how: firstHow, weight: 1 }, ...(dob ? { dob: { how: 'exact' as const, weight: 4, value: '1984-03-07' } } : {}), total: 4 } });
    expect(isAnchor(name('exact'), { dobs: [] })).toBe(true);
    expect(isAnchor(name('typo'), { dobs: [] })).toBe(true);
    expect(isAnchor(name('initial'), { dobs: [] })).toBe(false);
    // A date asked and not agreeing: not the person's, whatever the name.
    expect(isAnchor(name('exact'), { dobs: [{ date: '1990-01-01', swapped: false }] })).toBe(false);
    expect(isAnchor(name('initial', true), { dobs: [{ date: '1984-03-07', swapped: false }] })).toBe(true);
  });

  it('does not bring records linked to a hit that is not confident: a surname alone', async () => {
    const answer = await find(officer, 'Kowalczyk');
    expect(hitsOf(answer).flatMap((h) => h.matched).some((m) => m.how === 'linked')).toBe(false);
  });

  it("keeps linked records to what the caller may see: a juvenile record is never brought in for an officer", async () => {
    const answer = await find(officer, 'CT07654321');
    expect(keysOf(answer)).toEqual(['despp-sor/sor-1']);
    expect(keysOf(await find(judge, 'CT07654321')).sort()).toEqual(['despp-sor/sor-1', 'jud-crmvs/juv-1']);
  });

  it('weighs a date of birth other than the one asked against a record; a record without one loses nothing', async () => {
    const answer = await find(officer, 'Robert Johnson 05/05/1990');
    const other = hitsOf(answer).find((h) => h.recordId === 'case-2');
    expect(other?.matched.find((m) => m.field === 'dob')).toMatchObject({ how: 'differs', weight: WEIGHTS.dobDiffers, value: '1962-10-10', highlight: [] });
    expect(other?.score).toBeCloseTo(WEIGHTS.lastExact + WEIGHTS.firstExact + WEIGHTS.dobDiffers, 5);
    const dated = hitsOf(await find(officer, 'Gregory Phillips 01/01/1970')).find((h) => h.recordId === 'permit-1');
    expect(dated?.matched.some((m) => m.how === 'differs')).toBe(true);
    const undated = hitsOf(await find(officer, 'Lena Okafor 01/01/1970')).find((h) => h.recordId === 'inc-undated');
    expect(undated?.matched.map((m) => m.how)).toEqual(['exact', 'exact']);
  });

  it('leaves out a namesake whose given name agrees in nothing (first letter, nickname, likeness) unless the date of birth does', async () => {
    expect(keysOf(await find(officer, 'Katherine Johnson'))).toEqual([]);
    expect(keysOf(await find(officer, 'Katherine Johnson 10/10/1962'))).toEqual(['jud-crmvs/case-2']);
    expect(keysOf(await find(officer, 'Robert Johnson'))).toEqual(['jud-crmvs/case-2']);
  });

  it('finds a surname typed with two neighbouring letters swapped, even a short one', async () => {
    const hit = hitsOf(await find(officer, 'Maria de la Curz')).find((h) => h.recordId === 'pds-1');
    expect(hit?.matched[0]?.how).toBe('typo');
    const short = hitsOf(await find(officer, 'Carlos Cehn')).find((h) => h.recordId === 'prob-chen');
    expect(short?.matched.map((m) => m.how)).toEqual(['typo', 'exact']);
  });

  it('finds free text in titles and fields, and finds nothing for nonsense', async () => {
    expect(keysOf(await find(officer, 'burglary Hartford'))).toEqual(['rms-incidents/inc-1']);
    const none = await find(officer, 'Zzyzx Qwertyuiop');
    expect([none.total, none.people]).toEqual([0, []]);
  });

  it('explains each score: the sum of the weights of the matched fields', async () => {
    for (const hit of hitsOf(await find(officer, 'Katherine Kowalczyk 3/7/1984'))) {
      expect(hit.score).toBeCloseTo(hit.matched.reduce((s, m) => s + m.weight, 0), 5);
    }
  });
});

describe('filters', () => {
  it('keeps to a source, a kind, a date range and a town', async () => {
    expect(keysOf(await find(officer, 'Kowalczyk', { source: 'dmv-licences' }))).toEqual(['dmv-licences/lic-1']);
    expect(keysOf(await find(officer, 'Johnson', { kind: 'case' }))).toEqual(['jud-crmvs/case-2']);
    expect(keysOf(await find(officer, 'Johnson', { from: '2025-01-01', to: '2025-12-31' }))).toEqual(['dmv-registrations/reg-1']);
    expect(keysOf(await find(officer, 'Kowalczyk', { town: 'hamden' }))).toEqual(['dmv-licences/lic-1']);
  });
});

describe('what each role sees', () => {
  it('hides a juvenile record from an officer and shows it to a judge and a prosecutor', async () => {
    expect(keysOf(await find(officer, 'Tyler Brennan'))).toEqual([]);
    expect(keysOf(await find(analyst, 'Tyler Brennan'))).toEqual([]);
    // The juvenile's adult registration shares the SID: brought in, for those who may see the juvenile case.
    expect(keysOf(await find(judge, 'Tyler Brennan'))).toEqual(['jud-crmvs/juv-1', 'despp-sor/sor-1']);
    expect(keysOf(await find(prosecutor, 'Tyler Brennan'))).toEqual(['jud-crmvs/juv-1', 'despp-sor/sor-1']);
  });

  it("shows protective orders to agency people, not to other roles, and never finds them by the protected party's name", async () => {
    expect(keysOf(await find(officer, 'Derek Malone'))).toEqual(['jud-por/po-1']);
    expect(keysOf(await find(analyst, 'Derek Malone'))).toEqual([]);
    expect(keysOf(await find(officer, 'Jane Roe'))).toEqual([]);
  });

  it("opens a protective order without its protected party's fields, except to judicial and court clerks", async () => {
    const view = (who: Caller) => viewRecord({ caller: who, source: {}, params: { source: 'jud-por', id: 'po-1' }, purpose: 'D' }, ports());
    expect((await view(officer)).fields.map((f) => f.label)).toEqual(['Respondent', 'Expires']);
    expect((await view(prosecutor)).fields.map((f) => f.label)).toEqual(['Respondent', 'Expires']);
    expect((await view(clerk)).fields.map((f) => f.label)).toEqual(['Respondent', 'Protected party', "Protected party's address", 'Expires']);
    expect((await view(judge)).fields).toHaveLength(4);
  });
});

/**
 * The dissemination rules route by role, like the API's matrix: for every role (each with the
 * search certification), what GET /search finds and GET /search/records opens of an adult case,
 * a juvenile case and a protective order, against the rules' own table.
 */
describe('every role × the search and record routes', () => {
  const expected: Readonly<Record<(typeof ROLES)[number], readonly string[]>> = {
    'agency-admin': ['case-2', 'po-1'],
    'agency-rms': ['case-2'],
    'agency-staff': ['case-2', 'po-1'],
    unit: ['case-2'],
    'court-clerk': ['case-2', 'po-1'],
    dcj: ['case-2', 'juv-1', 'po-1'],
    judicial: ['case-2', 'juv-1', 'po-1'],
    community: ['case-2'],
    operations: ['case-2'],
    auditor: ['case-2'],
    search: ['case-2'],
    'exam-provider': ['case-2'],
  };
  it.each(ROLES.map((role) => [role] as const))('%s sees what the rules allow, found and opened alike', async (role) => {
    const who = caller(`user-${role}`, [role]);
    const found = [...keysOf(await find(who, 'Tyler Brennan')), ...keysOf(await find(who, 'Derek Malone')), ...keysOf(await find(who, 'Robert Johnson', { kind: 'case' }))].map((k) => k.split('/')[1]);
    const opened: string[] = [];
    for (const [source, id] of [['jud-crmvs', 'case-2'], ['jud-crmvs', 'juv-1'], ['jud-por', 'po-1']] as const) {
      const ok = await viewRecord({ caller: who, source: {}, params: { source, id }, purpose: 'C' }, ports()).then(() => true, () => false);
      if (ok) opened.push(id);
    }
    // Who sees Tyler Brennan's juvenile case also gets his adult registration, linked by its SID.
    const linked = expected[role].includes('juv-1') ? ['sor-1'] : [];
    expect({ found: found.sort(), opened }).toEqual({ found: [...expected[role], ...linked].sort(), opened: expected[role] });
  });
});

describe('a record', () => {
  const view = (who: Caller, source: string, id: string) => viewRecord({ caller: who, source: { ip: '10.0.0.9' }, params: { source, id }, purpose: 'C' }, ports());

  it('answers the record and audits the view with its purpose, ids only', async () => {
    const record = await view(officer, 'jud-crmvs', 'case-1');
    expect(record).toMatchObject({ source: 'jud-crmvs', sourceName: 'Criminal and motor-vehicle cases', agency: 'Judicial Branch', recordId: 'case-1', version: 1, kind: 'case', names: ['Katherine Kowalczyk'], dob: '1984-03-07', town: 'New Haven', juvenile: false });
    expect(record.identifiers).toEqual([{ kind: 'sid', value: 'CT01234567' }, { kind: 'docket', value: 'NNH-CR26-0123456-S' }]);
    expect(record.indexedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(audits.at(-1)).toEqual({ type: 'SearchRecordViewed', outcome: 'success', actor: 'nhpd-officer', component: 'search', subject: { type: 'search-record', id: 'jud-crmvs/case-1' }, source: { ip: '10.0.0.9' }, details: { purpose: 'C', rules: 1 } });
  });

  it('answers a hidden record exactly as a missing one, and audits both as failures', async () => {
    const hidden = await view(officer, 'jud-crmvs', 'juv-1').catch((e: unknown) => e);
    const missing = await view(officer, 'jud-crmvs', 'juv-2').catch((e: unknown) => e);
    expect(hidden).toBeInstanceOf(NotFound);
    expect((hidden as Error).message.replace('juv-1', 'X')).toBe((missing as Error).message.replace('juv-2', 'X'));
    expect(audits.slice(-2).map((a) => [a.outcome, a.details?.['reason']])).toEqual([
      ['failure', 'not-visible'],
      ['failure', 'not-found'],
    ]);
    await expect(view(officer, 'no-such-source', 'x')).rejects.toBeInstanceOf(NotFound);
    await expect(view(officer, 'jud-crmvs', 'bad id!')).rejects.toBeInstanceOf(NotFound);
  });
});

describe('pages and the query log', () => {
  it('pages groups with a sealed cursor, without repeats, and refuses a cursor of another query', async () => {
    const first = await find(officer, 'Nguyen', { limit: '4' });
    expect(first.people).toHaveLength(4);
    expect(first.total).toBe(6);
    const second = await find(officer, 'Nguyen', { limit: '4', nextToken: first.nextToken ?? '' });
    expect(second.people).toHaveLength(2);
    expect(second.nextToken).toBeUndefined();
    expect(new Set([...keysOf(first), ...keysOf(second)]).size).toBe(6);
    expect(second.people.map((p) => p.key)).toEqual(['p5', 'p6']);
    await expect(find(officer, 'Nguyen Anh', { limit: '4', nextToken: first.nextToken ?? '' })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(find(judge, 'Nguyen', { limit: '4', nextToken: first.nextToken ?? '' })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('keeps the words in the query log and audits the search by id, with purpose and count', async () => {
    const answer = await find(prosecutor, 'Derek Malone', { kind: 'protective-order' });
    expect(audits.at(-1)).toEqual({
      type: 'SearchPerformed',
      outcome: 'success',
      actor: 'dcj-attorney',
      component: 'search',
      subject: { type: 'search-query', id: answer.queryId },
      source: { ip: '127.0.0.1' },
      details: { purpose: 'C', results: 1, people: 1, page: 1, rules: 1, kindFilter: 'protective-order' },
    });
    expect(JSON.stringify(audits)).not.toMatch(/Malone|Kowal|Nguyen/);
    const log = await listSearches({ caller: caller('auditor', ['auditor']), source: {}, query: SearchLogQuerySchema.parse({ actor: 'dcj-attorney' }) }, ports());
    expect(log.searches[0]).toMatchObject({ queryId: answer.queryId, actor: 'dcj-attorney', purpose: 'C', text: 'Derek Malone', filters: { kind: 'protective-order' }, results: 1, at: '2026-11-30T10:00:00.000Z' });
    expect(audits.at(-1)).toMatchObject({ type: 'SearchLogRead', actor: 'auditor', subject: { type: 'search-log', id: 'actor:dcj-attorney' }, details: { count: log.searches.length } });
  });

  it('gives no answer when the audit write or the query log fails (fails closed)', async () => {
    const request = { caller: prosecutor, source: { ip: '127.0.0.1' }, query: SearchQuerySchema.parse({ q: 'Derek Malone', purpose: 'C' }) };
    const auditDown = { ...ports(), record: () => Promise.reject(new Error('audit table unavailable')) };
    await expect(search(request, auditDown)).rejects.toThrow('audit table unavailable');
    const logDown = { ...ports(), engine: { query: (sql: string, params?: SqlParams) => (/^INSERT INTO search_query/.test(sql) ? Promise.reject(new Error('query log unavailable')) : engine.query(sql, params)), batch: engine.batch.bind(engine) } };
    await expect(search(request, logDown)).rejects.toThrow('query log unavailable');
  });

  it("pages the auditor's list", async () => {
    const auditor = caller('auditor', ['auditor']);
    expect(() => parseWith(SearchLogQuerySchema, { actor: 'nhpd-officer', limit: '1000' })).toThrow(ValidationFailed);
    const first = await listSearches({ caller: auditor, source: {}, query: SearchLogQuerySchema.parse({ actor: 'nhpd-officer', limit: '3' }) }, ports());
    const rest = await listSearches({ caller: auditor, source: {}, query: SearchLogQuerySchema.parse({ actor: 'nhpd-officer', limit: '200', nextToken: first.nextToken ?? '' }) }, ports());
    const ids = [...first.searches, ...rest.searches].map((s) => s.queryId);
    expect(first.searches).toHaveLength(3);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(10);
    expect(rest.nextToken).toBeNull();
  });
});

describe('the sources', () => {
  it('lists the fourteen sources with their record counts and delivery state', async () => {
    await engine.query(`INSERT INTO search_source_state (source, last_ok_at, last_error, last_try_at) VALUES ('despp-cch', '2026-11-29T02:00:00Z', 'batch file unreadable', '2026-11-30T02:00:00Z'), ('doc-custody', '2026-11-30T09:45:00Z', NULL, '2026-11-30T09:45:00Z')`);
    const { sources } = await listSources({ engine });
    expect(sources).toHaveLength(14);
    expect(sources.find((s) => s.id === 'cssd-probation')).toMatchObject({ records: 7, delivery: 'events' });
    expect(sources.find((s) => s.id === 'despp-cch')).toMatchObject({ records: 1, lastDeliveredAt: '2026-11-29T02:00:00.000Z', failing: { at: '2026-11-30T02:00:00.000Z', error: 'batch file unreadable' } });
    expect(sources.find((s) => s.id === 'doc-custody')).toMatchObject({ lastDeliveredAt: '2026-11-30T09:45:00.000Z' });
    expect(sources.find((s) => s.id === 'doc-custody')?.failing).toBeUndefined();
  });
});
