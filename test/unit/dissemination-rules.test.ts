import { describe, expect, it } from '@jest/globals';
import type { Caller } from '../../functions/shared/http';
import type { PacketRecord } from '../../functions/arrests/adapters/packet-store';
import type { Role } from '../../functions/shared/roles';
import { draftFields, NOTICE_ID, noticeIdOf } from '../../functions/dissemination/domain/notice';
import { checkedRules, RuleSchema, RuleSetSchema, ruleOf, type Rule } from '../../functions/dissemination/domain/rules';
import { deliverDue, MAX_ATTEMPTS } from '../../functions/dissemination/use-cases/deliver';
import { arrestRecord } from '../../functions/dissemination/domain/arrest-record';
import { disseminate, disseminateRecords, isActive, packetFacts, type SourceRecordsFacts } from '../../functions/dissemination/use-cases/disseminate';
import { connectorOf } from '../../functions/search/domain/connectors';
import { sourceOf } from '../../functions/search/domain/sources';
import { listInbox, readNotice, setMute } from '../../functions/dissemination/use-cases/inbox';
import { listFailed, listRules, redriveNotice, switchRule } from '../../functions/dissemination/use-cases/operate';
import type { SearchRecordInput } from '../../functions/search/domain/record';
import shipped from '../../functions/dissemination/domain/rules.json' with { type: 'json' };
import { givenPorts, packetRecord, type MemoryRecords } from './dissemination-fakes';

const OFFICER = 'officer.brooks@cssd.ct.example';
const PACKET = 'ap-0123456789abcdef01234567';
const event = (detailType: string, packetVersion = 1) => ({ detailType, packetId: PACKET, packetVersion });

/** The arrestee of the custodial packet (John Q Doe, 12 Apr 1990), on parole, supervised by OFFICER. */
const parole = (overrides: Partial<SearchRecordInput> = {}): SearchRecordInput => ({
  source: 'bopp-parole',
  id: 'BP-00000001',
  version: 1,
  kind: 'supervision',
  title: 'Parole case BP-00000001',
  person: { names: [{ first: 'John', last: 'Doe' }], dob: '1990-04-12' },
  identifiers: { sid: ['CT-0123-4567'] },
  fields: [
    { label: 'Parole office', value: 'New Haven Parole Office' },
    { label: 'Status', value: 'Active' },
    { label: 'Supervising officer', value: OFFICER },
  ],
  ...overrides,
});

/** An active protective order against the arrestee, protecting a (synthetic) other person. */
const order: SearchRecordInput = {
  source: 'jud-por',
  id: 'PO-2026-000123',
  version: 1,
  kind: 'protective-order',
  title: 'Protective order PO-2026-000123',
  person: { names: [{ first: 'John', last: 'Doe' }], dob: '1990-04-12' },
  fields: [
    { label: 'Court', value: 'New Haven GA23' },
    { label: 'Expires', value: '2027-06-01' },
    { label: 'Protected party', value: 'Jane Roe' },
    { label: 'Protected party date of birth', value: '1992-01-01' },
    { label: 'Status', value: 'Active' },
  ],
};

const mustRule = (id: string): Rule => ruleOf(id) ?? (() => { throw new Error(`no rule ${id}`); })();
const officerRule = mustRule('supervisee-arrested');
/** The draft of a rule for a receiver, for the custodial packet at a status (no matched record). */
const draftOf = (rule: Rule, recipient: { kind: 'office' | 'person'; role: Role }, status: PacketRecord['status']) => {
  const packet = packetRecord({ status });
  return draftFields(rule, recipient, packetFacts(packet), arrestRecord(packet)!, undefined);
};
const caller = (c: Partial<Caller>): Caller => ({ sub: 's', username: 'u', roles: [], courts: [], ...c });

describe('the dissemination rules file', () => {
  it('passes the rules schema as shipped (no function parses it: this test is its check)', () => {
    const parsed = RuleSetSchema.safeParse(shipped);
    expect(parsed.error?.issues).toBeUndefined();
    expect(checkedRules()).toEqual(parsed.data?.rules);
  });

  it('holds the Connecticut rules, each versioned and reviewed', () => {
    expect(checkedRules().map((r) => r.id)).toEqual(['supervisee-arrested', 'protective-order-respondent-arrested', 'protective-order-issued-against-defendant', 'packet-accepted-to-prosecutor', 'disposition-to-arresting-agency']);
    for (const r of checkedRules()) expect(r).toMatchObject({ version: expect.any(Number), review: { by: expect.any(String), on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) } });
  });

  it('refuses a field no notice can carry, a supervision field without a supervision match, an office a role has not got, a rule id twice', () => {
    const base = mustRule('packet-accepted-to-prosecutor');
    const problems = (candidate: unknown) => RuleSchema.safeParse(candidate).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(problems({ ...base, fields: ['arrestee.address'] })[0]).toMatch(/^fields\.0: /);
    expect(problems({ ...base, fields: ['supervision.case'] })).toContain('fields: supervision fields need a condition that matches a supervision record');
    expect(problems({ ...base, recipients: [{ kind: 'office', role: 'community', of: 'packet-court' }] })[0]).toMatch(/^recipients\.0\.role: must be an office there/);
    expect(problems({ ...base, recipients: [{ kind: 'record-assignee', assignee: 'supervising-officer', role: 'community' }] })).toContain('recipients: a supervising officer is named only by a matched supervision record');
    expect(RuleSetSchema.safeParse({ rules: [base, base] }).success).toBe(false);
  });

  it("refuses a source record rule without a pushing source or with an arrest condition, and a supervising officer sent a packet's content before it is published", () => {
    const problems = (candidate: unknown) => RuleSchema.safeParse(candidate).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    const heard = mustRule('protective-order-issued-against-defendant');
    expect(problems({ ...heard, source: 'bopp-parole' })[0]).toMatch(/^source: must name a source that pushes its record events \(jud-crmvs, jud-por, /);
    expect(problems({ ...heard, source: undefined })[0]).toMatch(/^source: /);
    expect(problems({ ...heard, source: 'jud-crmvs' })).toContain("condition.recordKind: must be a kind of record the rule's source holds");
    expect(problems({ ...heard, condition: { kind: 'always' }, fields: ['arrest.date'] })[0]).toMatch(/^condition: a rule on SearchRecordsChanged needs the condition record-person-has-open-arrest/);
    expect(problems({ ...mustRule('packet-accepted-to-prosecutor'), source: 'jud-por' })[0]).toMatch(/^source: /);
    const officer = mustRule('supervisee-arrested');
    expect(problems({ ...officer, fields: [...officer.fields, 'arrest.charges'] })[0]).toMatch(/^fields: a supervising officer hears of an arrest before it is published only its facts/);
    // Once the packet is published (AVAILABLE), the officer's role may read it: any field.
    expect(problems({ ...officer, on: 'ArrestDataAvailable', fields: [...officer.fields, 'arrest.charges', 'arrest.docket'] })).toEqual([]);
  });
});

describe('rule supervisee-arrested: the supervising officer hears of a supervisee\'s arrest', () => {
  it('sends the officer the rule\'s fields and no other at receipt, when the arrestee\'s SID matches an active supervision record', async () => {
    const { ports, records, mailer, store } = givenPorts(packetRecord({ status: 'RECEIVED' }));
    records.add(parole());
    const outcomes = await disseminate(event('ArrestPacketReceived'), ports);
    expect(outcomes).toEqual([
      { rule: 'supervisee-arrested', noticeId: noticeIdOf('supervisee-arrested', `ArrestPacketReceived:${PACKET}:v1`, OFFICER), result: 'sent' },
      { rule: 'protective-order-respondent-arrested', result: 'no-match' },
    ]);
    const [notice] = [...store.notices.values()];
    expect(notice?.recipient).toEqual({ kind: 'person', role: 'community', address: OFFICER });
    expect(notice?.fields.map((f) => f.name)).toEqual(['arrestee.name', 'arrestee.dob', 'arrestee.sid', 'arrest.date', 'arrest.agency', 'arrest.statutes', 'arrest.court', 'arrest.arraignment', 'supervision.case']);
    expect(notice?.fields.find((f) => f.name === 'arrestee.name')?.value).toBe('John Q Doe');
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.to).toEqual([OFFICER]);
    // Nothing the rule does not name: not the arrestee's address, race, the arresting officer.
    expect(mailer.sent[0]?.text).not.toMatch(/Elm Street|Hamden|06514/);
    expect(mailer.sent[0]?.text).toContain(`https://ciss.example/portal/#/notices/${notice?.noticeId}`);
  });

  it("gives the officer, before the packet is published, the arrest's facts only: never the packet's content their role may not read yet", async () => {
    // A rule (not in force) that would send the officer the charges' words and the docket at receipt: the draft leaves them out.
    const eager: Rule = { ...mustRule('supervisee-arrested'), fields: ['arrestee.name', 'arrest.date', 'arrest.charges', 'arrest.docket', 'arrest.incident', 'supervision.case'] };
    const { ports, records, store } = givenPorts(packetRecord({ status: 'ACCEPTED', docketNumber: 'NNH-CR26-0001234' }));
    records.add(parole());
    expect((await disseminate(event('ArrestPacketReceived'), ports, [eager])).map((o) => o.result)).toEqual(['sent']);
    expect([...store.notices.values()][0]?.fields.map((f) => f.name)).toEqual(['arrestee.name', 'arrest.date', 'supervision.case']);
    // Published: their role reads the packet, so the same rule sends it all.
    const later = givenPorts(packetRecord({ status: 'AVAILABLE', docketNumber: 'NNH-CR26-0001234' }));
    later.records.add(parole());
    await disseminate(event('ArrestPacketReceived'), later.ports, [eager]);
    expect([...later.store.notices.values()][0]?.fields.map((f) => f.name)).toEqual(['arrestee.name', 'arrest.date', 'arrest.charges', 'arrest.docket', 'arrest.incident', 'supervision.case']);
    // An office of the community (no record names it) still gets nothing before publication.
    const office: Rule = { ...mustRule('packet-accepted-to-prosecutor'), recipients: [{ kind: 'office', role: 'judicial', of: 'packet-court' }] };
    expect(draftOf(office, { kind: 'office', role: 'community' }, 'RECEIVED')).toEqual({ withheld: true, reason: 'packet-not-visible' });
  });

  it('matches a probation record without a SID by surname, given name and date of birth', async () => {
    const { ports, records } = givenPorts(packetRecord({ sid: null, status: 'RECEIVED' }));
    records.add(parole({ source: 'cssd-probation', id: 'CSSD-000000001', identifiers: {}, fields: [{ label: 'Ends', value: '2027-01-01' }, { label: 'Supervising officer', value: OFFICER }] }));
    expect((await disseminate(event('ArrestPacketReceived'), ports, [mustRule('supervisee-arrested')])).map((o) => o.result)).toEqual(['sent']);
  });

  it("holds a supervision through its last day in Connecticut: at 9 p.m. Eastern, already the next day in UTC, it has not ended", () => {
    const ending = { fields: [{ label: 'Ends', value: '2026-12-01' }, { label: 'Supervising officer', value: OFFICER }] };
    expect(isActive(ending, '2026-12-01T12:00:00.000Z')).toBe(true);
    expect(isActive(ending, '2026-12-02T02:00:00.000Z')).toBe(true);
    expect(isActive(ending, '2026-12-02T05:00:00.000Z')).toBe(false);
  });

  it('sends nothing when the supervision has ended, no record matches, or the record names no officer', async () => {
    for (const fields of [[{ label: 'Status', value: 'Discharged' }, { label: 'Supervising officer', value: OFFICER }], [{ label: 'Ends', value: '2026-01-01' }, { label: 'Supervising officer', value: OFFICER }]]) {
      const { ports, records, mailer } = givenPorts(packetRecord({ status: 'RECEIVED' }));
      records.add(parole({ fields }));
      expect((await disseminate(event('ArrestPacketReceived'), ports, [officerRule])).map((o) => o.result)).toEqual(['no-match']);
      expect(mailer.sent).toHaveLength(0);
    }
    const stranger = givenPorts(packetRecord({ sid: 'CT09999999', status: 'RECEIVED' }));
    stranger.records.add(parole({ person: { names: [{ first: 'Ann', last: 'Other' }], dob: '1970-01-01' } }));
    expect((await disseminate(event('ArrestPacketReceived'), stranger.ports, [officerRule])).map((o) => o.result)).toEqual(['no-match']);
    const unnamed = givenPorts(packetRecord({ status: 'RECEIVED' }));
    unnamed.records.add(parole({ fields: [{ label: 'Status', value: 'Active' }] }));
    expect((await disseminate(event('ArrestPacketReceived'), unnamed.ports, [officerRule])).map((o) => o.result)).toEqual(['no-recipient']);
  });

  it("withholds the notice when the officer's role may not see the supervision record (a juvenile record, CGS § 46b-124)", async () => {
    const { ports, records, mailer } = givenPorts(packetRecord({ status: 'RECEIVED' }));
    records.add(parole({ juvenile: true }));
    expect((await disseminate(event('ArrestPacketReceived'), ports, [officerRule])).map((o) => o.result)).toEqual(['withheld']);
    expect(mailer.sent).toHaveLength(0);
  });

  it('may not be muted by the officer (400 naming the field and the rule)', async () => {
    const { store } = givenPorts(undefined);
    await expect(setMute(caller({ email: OFFICER, roles: ['community'] }), { rule: 'supervisee-arrested', muted: true }, {}, '2026-11-30T12:00:00Z', store)).rejects.toMatchObject({ statusCode: 400, problems: [{ field: 'rule', rule: expect.stringContaining('may not') }] });
  });
});

describe('rule protective-order-respondent-arrested: the court hears of an arrest of a person a protective order names', () => {
  it("tells the arraigning court's clerk, with the order and its protected party (the court may see them)", async () => {
    const { ports, records, store, mailer } = givenPorts(packetRecord({ status: 'RECEIVED' }));
    records.add(order);
    expect((await disseminate(event('ArrestPacketReceived'), ports)).map((o) => o.result)).toEqual(['no-match', 'sent']);
    const [notice] = [...store.notices.values()];
    expect(notice?.recipient).toEqual({ kind: 'office', role: 'court-clerk', address: 'clerk.ga23@jud.ct.example', court: 'GA23' });
    expect(notice?.fields.map((f) => [f.label, f.value])).toEqual(expect.arrayContaining([['Protective order', 'Protective order PO-2026-000123'], ['Protected party', 'Jane Roe'], ['Expires', '2027-06-01']]));
    expect(mailer.sent[0]?.text).toContain('Protected party: Jane Roe');
  });

  it("leaves out the protected party for a receiver whose role may not see it: search's visibility rules decide", async () => {
    const toProsecutor: Rule = { ...mustRule('protective-order-respondent-arrested'), recipients: [{ kind: 'office', role: 'dcj', of: 'packet-court' }] };
    const { ports, records, store } = givenPorts(packetRecord({ status: 'RECEIVED' }));
    records.add(order);
    expect((await disseminate(event('ArrestPacketReceived'), ports, [toProsecutor])).map((o) => o.result)).toEqual(['sent']);
    const [notice] = [...store.notices.values()];
    expect(notice?.fields.map((f) => f.label)).toEqual(['Arrestee', 'Date of birth', 'Arrest date', 'Arresting agency', 'Statutes', 'Court (GA)', 'Protective order', 'Court', 'Expires']);
    expect(JSON.stringify(notice)).not.toContain('Jane Roe');
  });

  it('sends nothing for an expired order; to a judge it sends the protected party, to agency staff (who see orders) not', async () => {
    const expired = givenPorts(packetRecord({ status: 'RECEIVED' }));
    expired.records.add({ ...order, fields: [{ label: 'Expires', value: '2025-01-01' }, { label: 'Status', value: 'Active' }] });
    expect((await disseminate(event('ArrestPacketReceived'), expired.ports)).map((o) => o.result)).toEqual(['no-match', 'no-match']);
    const toJudge: Rule = { ...mustRule('protective-order-respondent-arrested'), recipients: [{ kind: 'office', role: 'judicial', of: 'packet-court' }] };
    const toAgency: Rule = { ...mustRule('protective-order-respondent-arrested'), id: 'po-to-agency', recipients: [{ kind: 'office', role: 'agency-staff', of: 'packet-agency' }] };
    const { ports, records, store } = givenPorts(packetRecord({ status: 'RECEIVED' }));
    records.add(order);
    expect((await disseminate(event('ArrestPacketReceived'), ports, [toJudge, toAgency])).map((o) => o.result)).toEqual(['sent', 'sent']);
    const partyFor = (role: string) => [...store.notices.values()].find((n) => n.recipient.role === role)?.fields.some((f) => f.label === 'Protected party');
    expect(partyFor('judicial')).toBe(true);
    expect(partyFor('agency-staff')).toBe(false);
  });
});

describe('rule protective-order-issued-against-defendant: the court hears of an order the registry issues against a defendant whose arrest is open', () => {
  /** The registry's own change (jud-por's shape), as it pushes it on the bus. */
  const issued = (over: Record<string, unknown> = {}) => ({
    op: 'upsert',
    version: 1,
    orderNumber: 'PO-2026-000777',
    orderType: 'Criminal protective order',
    respondent: { last: 'Doe', first: 'John', dob: '04/12/1990', sex: 'M' },
    issued: '11/30/2026',
    expires: '2027-11-30',
    town: 'New Haven',
    court: 'New Haven GA23',
    protectedParty: { name: 'Jane Roe', dob: '01/01/1992' },
    status: 'Active',
    ...over,
  });
  /** The defendant's arrest: AVAILABLE (awaiting adjudication) and indexed by search as ciss-arrests. */
  const openArrest = (status: PacketRecord['status'] = 'AVAILABLE') => {
    const packet = packetRecord({ status, docketNumber: 'NNH-CR26-0001234' });
    const given = givenPorts(packet);
    given.records.add(arrestRecord(packet)!);
    index = given.records;
    return given;
  };
  /**
   * A source's pushed changes as search ingests them (mapped by its connector, applied to the
   * index) and the event it then publishes (SearchRecordsWritten): the records its upserts wrote.
   */
  const pushed = (records: MemoryRecords, source: string, changes: unknown[]): SourceRecordsFacts => {
    const written: { id: string; version: number }[] = [];
    for (const change of changes) {
      const mapped = connectorOf(sourceOf(source)!).map(change);
      if (!mapped.ok) continue;
      records.apply(mapped.change);
      if (mapped.change.op === 'upsert') written.push({ id: mapped.change.record.id, version: mapped.change.record.version });
    }
    return { source, records: written };
  };
  let index: MemoryRecords;
  const heard = (changes: unknown[]) => pushed(index, 'jud-por', changes);
  const RECORD_EVENT = `SearchRecordsChanged:jud-por/PO-2026-000777:v1:${PACKET}`;

  it("tells the clerk of the open arrest's court of the order, with its protected party, and audits the notice with ids only", async () => {
    const { ports, store, mailer } = openArrest();
    const outcomes = await disseminateRecords(heard([issued()]), ports);
    expect(outcomes).toEqual([{ rule: 'protective-order-issued-against-defendant', noticeId: noticeIdOf('protective-order-issued-against-defendant', RECORD_EVENT, 'clerk.ga23@jud.ct.example'), result: 'sent' }]);
    const [notice] = [...store.notices.values()];
    expect(notice).toMatchObject({ packetId: PACKET, record: 'jud-por/PO-2026-000777', event: RECORD_EVENT, recipient: { kind: 'office', role: 'court-clerk', court: 'GA23' } });
    expect(notice?.fields.map((f) => [f.label, f.value])).toEqual([
      ['Arrestee', 'John Q Doe'],
      ['Date of birth', '1990-04-12'],
      ['Arrest date', expect.any(String)],
      ['Arresting agency', expect.any(String)],
      ['Court (GA)', '23'],
      ['Docket', 'NNH-CR26-0001234'],
      ['Protective order', 'Criminal protective order PO-2026-000777'],
      ['Order type', 'Criminal protective order'],
      ['Issued', '2026-11-30'],
      ['Court', 'New Haven GA23'],
      ['Expires', '2027-11-30'],
      ['Protected party', 'Jane Roe'],
    ]);
    expect(mailer.sent[0]?.to).toEqual(['clerk.ga23@jud.ct.example']);
    expect(store.audits.map((a) => [a.type, a.details?.['record'], a.details?.['packetId']])).toEqual([['NoticeSent', 'jud-por/PO-2026-000777', PACKET]]);
    expect(JSON.stringify(store.audits)).not.toMatch(/@|Doe|Roe|1990/);
    const clerk = await listInbox(caller({ email: 'someone@jud.ct.example', roles: ['court-clerk'], courts: ['GA23'] }), store);
    expect(clerk.notices.map((n) => [n.rule.id, n.record])).toEqual([['protective-order-issued-against-defendant', 'jud-por/PO-2026-000777']]);
  });

  it('sends once per version of the order: the same event again is a duplicate, a changed order a new notice', async () => {
    const { ports, mailer } = openArrest();
    await disseminateRecords(heard([issued()]), ports);
    expect((await disseminateRecords(heard([issued()]), ports)).map((o) => o.result)).toEqual(['duplicate']);
    expect((await disseminateRecords(heard([issued({ version: 2, expires: '2028-01-01' })]), ports)).map((o) => o.result)).toEqual(['sent']);
    expect(mailer.sent).toHaveLength(2);
  });

  it('tells no one of an order not in force, an erasure, another person, or a defendant whose arrest is adjudicated', async () => {
    for (const change of [issued({ status: 'Vacated' }), issued({ expires: '2026-01-01' }), { op: 'erase', version: 2, orderNumber: 'PO-2026-000777' }, issued({ respondent: { last: 'Other', first: 'Ann', dob: '01/01/1970' } })]) {
      const { ports, mailer } = openArrest();
      expect((await disseminateRecords(heard([change]), ports)).map((o) => o.result)).toEqual(['no-match']);
      expect(mailer.sent).toHaveLength(0);
    }
    // Announced, then erased before the rules read it: the index no longer holds it.
    const erasedSince = openArrest();
    const announced = heard([issued()]);
    erasedSince.records.apply({ op: 'erase', source: 'jud-por', id: 'PO-2026-000777', version: 2 });
    expect((await disseminateRecords(announced, erasedSince.ports)).map((o) => o.result)).toEqual(['no-match']);
    const adjudicated = openArrest('ADJUDICATED');
    expect((await disseminateRecords(heard([issued()]), adjudicated.ports)).map((o) => o.result)).toEqual(['no-match']);
    // Another source's record event: no rule names it.
    const other = openArrest();
    expect(await disseminateRecords(pushed(other.records, 'jud-crmvs', [{ op: 'upsert', version: 1, docketNo: 'NNH-CR26-0009999-S', defendant: { lastName: 'Doe', firstName: 'John' } }]), other.ports)).toEqual([]);
  });

  it("cuts what a receiver's role may not see: to DCJ's office, the order without its protected party", async () => {
    const toProsecutor: Rule = { ...mustRule('protective-order-issued-against-defendant'), recipients: [{ kind: 'office', role: 'dcj', of: 'packet-court' }] };
    const { ports, store } = openArrest();
    expect((await disseminateRecords(heard([issued()]), ports, [toProsecutor])).map((o) => o.result)).toEqual(['sent']);
    expect(JSON.stringify([...store.notices.values()][0]?.fields)).not.toContain('Jane Roe');
  });
});

describe("rule packet-accepted-to-prosecutor: DCJ's office for the court hears of each accepted packet", () => {
  it("tells the court's DCJ office, and every DCJ person sees it in the portal", async () => {
    const { ports, store, mailer } = givenPorts(packetRecord({ status: 'ACCEPTED' }));
    expect((await disseminate(event('ArrestPacketAccepted'), ports)).map((o) => o.result)).toEqual(['sent']);
    expect(mailer.sent[0]?.to).toEqual(['dcj.ga23@dcj.ct.example']);
    const inbox = await listInbox(caller({ email: 'attorney@dcj.ct.example', roles: ['dcj'] }), store);
    expect(inbox.notices.map((n) => n.rule.id)).toEqual(['packet-accepted-to-prosecutor']);
    expect(inbox.notices[0]?.fields.map((f) => f.name)).toEqual(['arrestee.name', 'arrestee.dob', 'arrest.date', 'arrest.agency', 'arrest.statutes', 'arrest.charges', 'arrest.court', 'arrest.arraignment']);
    expect((await listInbox(caller({ email: 'clerk.ga14@jud.ct.example', roles: ['court-clerk'], courts: ['GA14'] }), store)).notices).toEqual([]);
  });

  it('is not sent to a DCJ mailbox that muted it, nor by anyone once the rule is switched off', async () => {
    const muted = givenPorts(packetRecord({ status: 'ACCEPTED' }));
    await setMute(caller({ email: 'dcj.ga23@dcj.ct.example', roles: ['dcj'], username: 'dcj-ga23' }), { rule: 'packet-accepted-to-prosecutor', muted: true }, {}, '2026-11-30T12:00:00Z', muted.store);
    expect((await disseminate(event('ArrestPacketAccepted'), muted.ports)).map((o) => o.result)).toEqual(['muted']);
    expect(muted.store.audits.map((a) => [a.type, a.subject, a.details])).toEqual([['NoticeMuted', { type: 'dissemination-rule', id: 'packet-accepted-to-prosecutor' }, { rule: 'packet-accepted-to-prosecutor', ruleVersion: 1, muted: true }]]);

    const off = givenPorts(packetRecord({ status: 'ACCEPTED' }));
    await switchRule('packet-accepted-to-prosecutor', { enabled: false, reason: 'DCJ intake moved' }, { username: 'ops', source: {} }, '2026-11-30T12:00:00Z', off.store);
    expect((await disseminate(event('ArrestPacketAccepted'), off.ports)).map((o) => o.result)).toEqual(['switched-off']);
    expect((await listRules(off.store)).rules.find((r) => r.id === 'packet-accepted-to-prosecutor')).toMatchObject({ enabled: false, switched: { reason: 'DCJ intake moved', by: 'ops' } });
    await switchRule('packet-accepted-to-prosecutor', { enabled: true, reason: 'back' }, { username: 'ops', source: {} }, '2026-11-30T12:05:00Z', off.store);
    expect((await disseminate(event('ArrestPacketAccepted'), off.ports)).map((o) => o.result)).toEqual(['sent']);
  });
});

describe('rule disposition-to-arresting-agency: the arresting agency hears of the disposition', () => {
  it("tells the agency's contact the dispositions, and its people see it in the portal (not another agency's)", async () => {
    const { ports, store, mailer } = givenPorts(packetRecord({ status: 'ADJUDICATED', docketNumber: 'NNH-CR26-0001234', dispositions: [{ chargeSequenceID: 1, disposition: 'guilty', dispositionDate: '2026-11-30' }, { chargeSequenceID: 2, disposition: 'nolle', dispositionDate: '2026-11-30' }] }));
    expect((await disseminate(event('ArrestPacketAdjudicated'), ports)).map((o) => o.result)).toEqual(['sent']);
    expect(mailer.sent[0]?.to).toEqual(['records@nhpd.ct.example']);
    const [notice] = [...store.notices.values()];
    expect(notice?.fields.map((f) => [f.name, f.value])).toEqual([
      ['arrest.incident', 'INC-1'],
      ['arrest.date', expect.any(String)],
      ['arrest.statutes', '53a-61; 53a-181'],
      ['arrest.docket', 'NNH-CR26-0001234'],
      ['arrest.dispositions', 'guilty; nolle'],
    ]);
    expect((await listInbox(caller({ email: 'staff@nhpd.ct.example', roles: ['agency-staff'], ori: 'CT0000100' }), store)).notices).toHaveLength(1);
    expect((await listInbox(caller({ email: 'staff@hpd.ct.example', roles: ['agency-staff'], ori: 'CT0006400' }), store)).notices).toHaveLength(0);
    await expect(readNotice(caller({ roles: ['agency-staff'], ori: 'CT0006400' }), notice?.noticeId, store)).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('delivery: once, with retries, failures visible and redriven', () => {
  it('writes and sends one notice however often the same event arrives', async () => {
    const { ports, mailer, store } = givenPorts(packetRecord({ status: 'ACCEPTED' }));
    await disseminate(event('ArrestPacketAccepted'), ports);
    const again = await disseminate(event('ArrestPacketAccepted'), ports);
    expect(again.map((o) => o.result)).toEqual(['duplicate']);
    expect(mailer.sent).toHaveLength(1);
    expect(store.audits.filter((a) => a.type === 'NoticeSent')).toHaveLength(1);
    expect(NOTICE_ID.test([...store.notices.keys()][0] ?? '')).toBe(true);
  });

  it('tries again after a backoff and sends once; after the last attempt the notice is FAILED, and a redrive sends it', async () => {
    const { ports, mailer, store, clock } = givenPorts(packetRecord({ status: 'ACCEPTED' }));
    mailer.failNext = 1;
    expect((await disseminate(event('ArrestPacketAccepted'), ports)).map((o) => o.result)).toEqual(['retry']);
    expect(await deliverDue(ports)).toMatchObject({ sent: 0 });
    clock.advanceMinutes(5);
    expect(await deliverDue(ports)).toMatchObject({ sent: 1 });
    expect(mailer.sent).toHaveLength(1);
    expect(store.audits.filter((a) => a.type === 'NoticeSent').map((a) => a.details?.['attempts'])).toEqual([2]);

    const failing = givenPorts(packetRecord({ status: 'ACCEPTED' }));
    failing.mailer.failNext = MAX_ATTEMPTS;
    await disseminate(event('ArrestPacketAccepted'), failing.ports);
    failing.clock.advanceMinutes(5);
    await deliverDue(failing.ports);
    failing.clock.advanceMinutes(15);
    expect(await deliverDue(failing.ports)).toMatchObject({ failed: 1 });
    const [failed] = (await listFailed(failing.store)).notices;
    expect(failed).toMatchObject({ rule: 'packet-accepted-to-prosecutor', recipient: { kind: 'office', role: 'dcj', court: 'GA23' }, attempts: 3, lastError: 'TooManyRequestsException' });
    expect(JSON.stringify(failed)).not.toMatch(/@|Doe/);
    expect(await redriveNotice(failed?.noticeId, { username: 'ops', source: {} }, failing.ports)).toMatchObject({ outcome: 'sent' });
    await expect(redriveNotice(failed?.noticeId, { username: 'ops', source: {} }, failing.ports)).rejects.toMatchObject({ statusCode: 409 });
    expect(failing.store.audits.map((a) => a.type)).toEqual(['NoticeFailed', 'NoticeRedriven', 'NoticeSent']);
  });

  it('audits each notice with ids only: rule and version, event, the receiver\'s role and office, never a name or an address', async () => {
    const { ports, records, store } = givenPorts(packetRecord({ status: 'RECEIVED' }));
    records.add(parole());
    await disseminate(event('ArrestPacketReceived'), ports);
    const [sent] = store.audits;
    expect(sent).toMatchObject({ type: 'NoticeSent', actor: 'system', component: 'dissemination', subject: { type: 'notice' }, details: { rule: 'supervisee-arrested', ruleVersion: 2, event: `ArrestPacketReceived:${PACKET}:v1`, recipientRole: 'community' } });
    expect(JSON.stringify(store.audits)).not.toMatch(/@|Doe|1990-04-12|CT01234567/);
  });
});
