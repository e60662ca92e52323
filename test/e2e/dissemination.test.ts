import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { custodialPacket } from '../../drive/arrest-packet';
import type { InboxAnswer, NoticeView } from '../../functions/dissemination/use-cases/inbox';
import type { FailedNoticeView, RuleView } from '../../functions/dissemination/use-cases/operate';
import type { SearchRecordInput } from '../../functions/search/domain/record';
import { localSourceAccessKeyId } from '../../infra/local/search/names';
import { casesFor, givenTarget, stopTarget, type Mail, type Target } from '../target';
import { eventually, scanAll } from './steps';

const cases = await casesFor(it);
const MINUTE = 60_000;
const ORI = 'CT0000100';
/** The demo probation officer (infra/local/users.ts), whom the supervision record names. */
const OFFICER = 'officer.brooks@cssd.ct.example';
const SID = 'CT07000001';
const DCJ_GA23 = 'dcj.ga23@dcj.ct.example';
const AGENCY = 'records@nhpd.ct.example';
const CLERK_GA23 = 'clerk.ga23@jud.ct.example';

/**
 * Dissemination end to end, reached only from outside: a packet through the API, the clerk's
 * e-mailed link, the search sources' records through the RDS Data API (as ingestion writes them),
 * arrest events put on the bus with the SDK, notices read over HTTP, mail from the SES mailbox,
 * SES faults and the clock through the runtime's controls.
 */
describe('dissemination by rules on the embedded runtime', () => {
  let h: Target;
  let data: RDSDataClient;
  let events: EventBridgeClient;
  let packetId: string;
  let officer: string;
  let ops: string;

  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${h.apiUrl}${path}`, { method, headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  /** The notices e-mailed to an address (the arrest workflow's own mail to the agency left out). */
  const mailsTo = async (address: string): Promise<Mail[]> => (await h.mailbox()).filter((m) => m.destination.to.includes(address) && m.subject.startsWith('CISS notice: '));
  const mailTo = (address: string, what: string, count = 1) => eventually(async () => ((await mailsTo(address)).length >= count ? mailsTo(address) : undefined), what, 30_000);
  /** The notices of one rule for the packet, as the main table holds them (the AWS API behind the edge). */
  const noticesOf = async (rule: string) => (await scanAll(h, [h.table('main')])).filter((i) => String(i['pk']).startsWith('NOTICE#') && i['rule'] === rule && i['packetId'] === packetId);
  /**
   * Moves the clock five minutes at a time (the retry schedule's period; its runs are planned a
   * period after the last one ends, so they do not fall on round times) until the notice of this
   * rule and event is as expected, at most `minutes` in all.
   */
  const advanceUntil = async (minutes: number, rule: string, event: string, done: (n: Record<string, unknown>) => boolean, what: string) => {
    const reached = async () => ((await noticesOf(rule)).some((n) => n['event'] === event && done(n)) ? true : undefined);
    for (let moved = 0; moved < minutes; moved += 5) {
      await h.clock.advance(5 * MINUTE);
      if (await eventually(reached, what, 5_000).catch(() => undefined)) return;
    }
    await eventually(reached, what, 30_000);
  };
  /** The search database as the Data API serves it, as one of its two users. */
  const searchDb = (user: 'query' | 'ingest') => ({ resourceArn: `arn:aws:rds:us-east-1:000000000000:cluster:ciss-${h.stage}-search`, secretArn: `arn:aws:secretsmanager:us-east-1:000000000000:secret:ciss-${h.stage}-search-${user}`, database: 'ciss_search' });
  const audits = async (type: string, noticeId: string) => (await scanAll(h, [h.table('audit')])).filter((r) => r['type'] === type && (r['subject'] as { id: string }).id === noticeId);
  /** Puts an arrest event on the bus, as the workflow does; waits until the rules ran on it (their log line: the `logs` capability). */
  const arrestEvent = async (detailType: string, packetVersion: number, expect: string) => {
    const before = (await h.logs()).split(expect).length;
    const out = await events.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: `ciss-${h.stage}-bus`, Source: 'ciss.arrests', DetailType: detailType, Detail: JSON.stringify({ version: '1', packetId, packetVersion, ori: ORI, incidentNumber: 'dissem-1', status: 'AVAILABLE', occurredAt: new Date(await h.now()).toISOString() }) }],
      }),
    );
    if (out.FailedEntryCount) throw new Error(`PutEvents refused ${detailType}`);
    await eventually(async () => ((await h.logs()).split(expect).length > before ? true : undefined), `the rules to run on ${detailType} (${expect})`, 30_000);
  };

  beforeAll(async () => {
    // Dissemination runs where CISS Search runs (npm start): its conditions read the index.
    h = await givenTarget({ runtime: { searchSources: { people: 0 } } });
    const config = { endpoint: h.edgeUrl, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    data = new RDSDataClient(config);
    events = new EventBridgeClient(config);
    officer = await h.token({ roles: ['community'], username: 'cssd-officer', email: OFFICER });
    ops = await h.token({ roles: ['operations'], username: 'ops-dissem' });
    // The arrestee is on parole: the record as the parole source's ingestion writes it, naming the officer.
    const parole: SearchRecordInput = {
      source: 'bopp-parole',
      id: 'BP-70000001',
      version: 1,
      kind: 'supervision',
      title: 'Parole case BP-70000001',
      person: { names: [{ first: 'John', last: 'Doe' }], dob: '1990-04-12' },
      identifiers: { sid: [SID] },
      fields: [
        { label: 'Parole office', value: 'New Haven Parole Office' },
        { label: 'Status', value: 'Active' },
        { label: 'Supervising officer', value: OFFICER },
      ],
    };
    await data.send(
      new ExecuteStatementCommand({
        ...searchDb('ingest'),
        sql: 'SELECT search_apply(:changes::jsonb)::text AS result',
        parameters: [{ name: 'changes', value: { stringValue: JSON.stringify([{ op: 'upsert', record: parole }]) } }],
      }),
    );
    // The runtime, DynamoDB Local's tables and PGlite (opened by the first statement) on a shared machine.
  }, 240_000);
  // A case that fails with a fault plan in place leaves none behind for the next.
  afterEach(async () => {
    if (h?.has('faults')) await h.faults.clear();
  });
  afterAll(async () => {
    data?.destroy();
    events?.destroy();
    await stopTarget(h);
  });

  it("takes a supervised person's arrest to the supervising officer from its receipt, with only the arrest's facts, and audits it with ids only", async () => {
    const rms = await h.token({ roles: ['agency-rms'], ori: ORI, username: 'dissem-rms' });
    const packet = custodialPacket('dissem-1', await h.now());
    Object.assign(packet.arrestee, { stateIdentification: SID });
    const posted = await fetch(`${h.apiUrl}/arrests`, { method: 'POST', headers: { Authorization: `Bearer ${rms}`, 'Content-Type': 'application/json' }, body: JSON.stringify(packet) });
    expect(posted.status).toBe(202);
    packetId = ((await posted.json()) as { packetId: string }).packetId;
    // The officer hears at receipt, before the clerk has decided anything.
    const [mail] = await mailTo(OFFICER, "the supervising officer's notice");
    // The packet itself stays closed to the community role until it is published.
    expect((await api('GET', `/arrests/${packetId}`, officer)).status).toBe(404);
    const review = await eventually(async () => (await h.mailbox()).find((m) => m.subject.includes('Arrest packet dissem-1 ')), 'the clerk review mail', 30_000);
    const accept = /^Accept: (\S+)$/m.exec(review.body.text ?? '')?.[1] ?? '';
    const q = new URL(accept).searchParams;
    const decided = await fetch(accept, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ choice: q.get('choice') ?? '', expires: q.get('expires') ?? '', sig: q.get('sig') ?? '' }) });
    expect(decided.status).toBe(200);

    expect(mail?.subject).toBe(`CISS notice: A supervisee's arrest, to the supervising officer (packet ${packetId})`);
    const labels = (mail?.body.text ?? '').split('\n\n')[0]?.split('\n').map((line) => line.split(': ')[0]);
    // The arrest's facts: the charges' words, the docket and the rest of the packet wait until the community may read it.
    expect(labels).toEqual(['Arrestee', 'Date of birth', 'SID', 'Arrest date', 'Arresting agency', 'Statutes', 'Court (GA)', 'Arraignment date', 'Supervision']);
    expect(mail?.body.text).not.toMatch(/Elm Street|06514|Race|badge|Charges|Docket/i);
    // The accepted packet went to the prosecutor's office for GA23 too (another rule).
    await mailTo(DCJ_GA23, "the DCJ office's notice");

    const inbox = (await api('GET', '/notices', officer)).body as InboxAnswer;
    expect(inbox.notices).toHaveLength(1);
    const notice = inbox.notices[0]!;
    expect(notice).toMatchObject({ rule: { id: 'supervisee-arrested', version: 2, mutable: false }, packetId, email: 'SENT', recipient: { kind: 'person', role: 'community' } });
    expect(notice.fields.find((f) => f.name === 'arrestee.sid')?.value).toBe(SID);
    expect(mail?.body.text).toContain(`#/notices/${notice.noticeId}`);
    expect((await api('GET', `/notices/${notice.noticeId}`, officer)).status).toBe(200);
    const stranger = await h.token({ roles: ['community'], username: 'another-officer', email: 'officer.santos@cssd.ct.example' });
    expect((await api('GET', `/notices/${notice.noticeId}`, stranger)).status).toBe(404);
    expect(((await api('GET', '/notices', stranger)).body as InboxAnswer).notices).toEqual([]);

    const [sent] = await eventually(async () => ((await audits('NoticeSent', notice.noticeId)).length ? audits('NoticeSent', notice.noticeId) : undefined), 'NoticeSent');
    expect(sent).toMatchObject({ actor: 'system', component: 'dissemination', subject: { type: 'notice', id: notice.noticeId }, details: { rule: 'supervisee-arrested', ruleVersion: 2, recipientRole: 'community', event: expect.stringMatching(/^ArrestPacketReceived:ap-/) } });
    expect(JSON.stringify(sent)).not.toMatch(/@|Doe|1990-04-12|CT07000001/);
  }, 180_000);

  it("takes a protective order the registry issues against the defendant of an open arrest to the clerk of that court, as the registry's own record event", async () => {
    // The arrest is open once published (AVAILABLE) and indexed by search as ciss-arrests.
    const indexed = async () => {
      const out = await data.send(new ExecuteStatementCommand({ ...searchDb('query'), sql: "SELECT body::text AS b FROM search_record WHERE source = 'ciss-arrests' AND record_id = :id", parameters: [{ name: 'id', value: { stringValue: packetId } }] }));
      return String(out.records?.[0]?.[0]?.stringValue ?? '').includes('"AVAILABLE"') ? true : undefined;
    };
    await eventually(indexed, 'the arrest published and indexed', 60_000);
    const order = { op: 'upsert', version: 1, orderNumber: 'PO-2026-700001', orderType: 'Criminal protective order', respondent: { last: 'Doe', first: 'John', dob: '04/12/1990', sex: 'M' }, issued: '11/30/2026', expires: '2027-11-30', town: 'New Haven', court: 'New Haven GA23', protectedParty: { name: 'Jane Roe', dob: '01/01/1992' }, status: 'Active' };
    // Signed as the registry: only a source may put its own ciss.search.<id> events.
    const registry = new EventBridgeClient({ endpoint: h.edgeUrl, region: 'us-east-1', credentials: { accessKeyId: localSourceAccessKeyId('jud-por'), secretAccessKey: 'local' } });
    const out = await registry.send(new PutEventsCommand({ Entries: [{ EventBusName: `ciss-${h.stage}-bus`, Source: 'ciss.search.jud-por', DetailType: 'SearchRecordsChanged', Detail: JSON.stringify({ changes: [order] }) }] }));
    expect(out.FailedEntryCount ?? 0).toBe(0);

    const [mail] = await eventually(async () => {
      const found = (await mailsTo(CLERK_GA23)).filter((m) => m.subject.startsWith('CISS notice: A protective order issued against a defendant'));
      return found.length ? found : undefined;
    }, "the clerk's notice of the order", 60_000);
    expect(mail?.subject).toBe(`CISS notice: A protective order issued against a defendant with an open arrest, to the court (packet ${packetId})`);
    expect(mail?.body.text).toContain('Protective order: Criminal protective order PO-2026-700001');
    expect(mail?.body.text).toContain('Protected party: Jane Roe');
    const clerk = await h.token({ roles: ['court-clerk'], courts: ['GA23'], username: 'clerk-ga23-dissem', email: 'someone.else@jud.ct.example' });
    const notice = ((await api('GET', '/notices', clerk)).body as InboxAnswer).notices.find((n) => n.rule.id === 'protective-order-issued-against-defendant');
    expect(notice).toMatchObject({ packetId, record: 'jud-por/PO-2026-700001', recipient: { kind: 'office', role: 'court-clerk', court: 'GA23' } });
    // The officer, who may not see protective orders, heard nothing of it; the audit names ids only.
    expect(((await api('GET', '/notices', officer)).body as InboxAnswer).notices.map((n) => n.rule.id)).toEqual(['supervisee-arrested']);
    const [sent] = await eventually(async () => ((await audits('NoticeSent', notice!.noticeId)).length ? audits('NoticeSent', notice!.noticeId) : undefined), 'NoticeSent');
    expect(sent).toMatchObject({ details: { rule: 'protective-order-issued-against-defendant', record: 'jud-por/PO-2026-700001', packetId } });
    expect(JSON.stringify(sent)).not.toMatch(/@|Doe|Roe|1990/);
  }, 180_000);

  cases.needs(['logs'])('sends a notice once however often its event comes again', async () => {
    await arrestEvent('ArrestPacketReceived', 1, 'supervisee-arrested:duplicate');
    expect(await mailsTo(OFFICER)).toHaveLength(1);
    expect(((await api('GET', '/notices', officer)).body as InboxAnswer).notices).toHaveLength(1);
  }, 180_000);

  cases.needs(['logs', 'faults', 'clock'])('tries a failed e-mail again after the backoff, and sends it once', async () => {
    const before = (await mailsTo(DCJ_GA23)).length;
    // Every SDK attempt of the first try fails (a 500 from SES), none after.
    await h.faults.set({ services: { ses: { error: 1, times: 3, match: DCJ_GA23 } } });
    await arrestEvent('ArrestPacketAccepted', 2, 'packet-accepted-to-prosecutor:retry');
    expect(await mailsTo(DCJ_GA23)).toHaveLength(before);
    const event = `ArrestPacketAccepted:${packetId}:v2`;
    await advanceUntil(30, 'packet-accepted-to-prosecutor', event, (n) => n['status'] === 'SENT', 'the second attempt to send it');
    await h.faults.clear();
    expect(await mailsTo(DCJ_GA23)).toHaveLength(before + 1);
    const [notice] = (await noticesOf('packet-accepted-to-prosecutor')).filter((n) => n['event'] === event);
    expect(notice?.['attempts']).toBe(2);
    expect(notice).not.toHaveProperty('lastError');
    // Later runs of the schedule find nothing due: still one e-mail.
    await h.clock.advance(20 * MINUTE);
    expect(await mailsTo(DCJ_GA23)).toHaveLength(before + 1);
  }, 180_000);

  cases.needs(['logs', 'faults', 'clock'])('shows a notice that kept failing to operations, who redrive it (audited)', async () => {
    await h.faults.set({ services: { ses: { error: 1, match: AGENCY } } });
    await arrestEvent('ArrestPacketAdjudicated', 1, 'disposition-to-arresting-agency:retry');
    const event = `ArrestPacketAdjudicated:${packetId}:v1`;
    await advanceUntil(60, 'disposition-to-arresting-agency', event, (n) => n['status'] === 'FAILED', 'the third attempt to fail');
    const failed = await eventually(async () => ((await api('GET', '/dissemination/failed-notices', ops)).body as { notices: FailedNoticeView[] }).notices.find((n) => n.rule === 'disposition-to-arresting-agency'), 'the failed notice', 30_000);
    expect(failed).toMatchObject({ packetId, recipient: { kind: 'office', role: 'agency-staff', agency: ORI }, attempts: 3, lastError: expect.any(String) });
    expect(JSON.stringify(failed)).not.toContain('@');
    expect(await mailsTo(AGENCY)).toHaveLength(0);

    await h.faults.clear();
    const redriven = await api('POST', `/dissemination/failed-notices/${failed.noticeId}/redrive`, ops);
    expect(redriven).toEqual({ status: 200, body: { noticeId: failed.noticeId, outcome: 'sent' } });
    await mailTo(AGENCY, 'the redriven notice');
    expect((await api('POST', `/dissemination/failed-notices/${failed.noticeId}/redrive`, ops)).status).toBe(409);
    const trail = (await scanAll(h, [h.table('audit')])).filter((r) => (r['subject'] as { id: string }).id === failed.noticeId).map((r) => [r['type'], r['actor']]);
    expect(trail).toEqual(expect.arrayContaining([['NoticeFailed', 'system'], ['NoticeRedriven', 'ops-dissem'], ['NoticeSent', 'system']]));
    const staff = await h.token({ roles: ['agency-staff'], ori: ORI, username: 'nhpd-staff-dissem', email: 'staff@nhpd.ct.example' });
    expect(((await api('GET', '/notices', staff)).body as InboxAnswer).notices.map((n: NoticeView) => n.noticeId)).toContain(failed.noticeId);
  }, 180_000);

  cases.needs(['logs'])("lets a receiver mute a rule that allows it, not one that does not; a rule switched off sends nothing until it is on again", async () => {
    const dcjOffice = await h.token({ roles: ['dcj'], username: 'dcj-ga23-intake', email: DCJ_GA23 });
    expect(await api('POST', '/notices/mutes', dcjOffice, { rule: 'packet-accepted-to-prosecutor', muted: true })).toEqual({ status: 200, body: { rule: 'packet-accepted-to-prosecutor', muted: true } });
    const refused = await api('POST', '/notices/mutes', officer, { rule: 'supervisee-arrested', muted: true });
    expect(refused).toMatchObject({ status: 400, body: { problems: [{ field: 'rule', rule: expect.stringContaining('may not') }] } });
    const mails = (await mailsTo(DCJ_GA23)).length;
    await arrestEvent('ArrestPacketAccepted', 3, 'packet-accepted-to-prosecutor:muted');
    expect(await mailsTo(DCJ_GA23)).toHaveLength(mails);
    expect(((await api('GET', '/notices', dcjOffice)).body as InboxAnswer).muted).toEqual(['packet-accepted-to-prosecutor']);
    const muted = (await scanAll(h, [h.table('audit')])).filter((r) => r['type'] === 'NoticeMuted');
    expect(muted.map((r) => [r['actor'], r['subject'], r['details']])).toEqual([['dcj-ga23-intake', { type: 'dissemination-rule', id: 'packet-accepted-to-prosecutor' }, { rule: 'packet-accepted-to-prosecutor', ruleVersion: 1, muted: true }]]);

    expect((await api('POST', '/dissemination/rules/disposition-to-arresting-agency/switch', ops, { enabled: false, reason: 'agency RMS receives dispositions another way' })).status).toBe(200);
    const rules = ((await api('GET', '/dissemination/rules', ops)).body as { rules: RuleView[] }).rules;
    expect(rules.find((r) => r.id === 'disposition-to-arresting-agency')).toMatchObject({ enabled: false, switched: { by: 'ops-dissem' } });
    const agencyMails = (await mailsTo(AGENCY)).length;
    await arrestEvent('ArrestPacketAdjudicated', 2, 'disposition-to-arresting-agency:switched-off');
    expect(await mailsTo(AGENCY)).toHaveLength(agencyMails);
    expect((await api('POST', '/dissemination/rules/disposition-to-arresting-agency/switch', ops, { enabled: true, reason: 'back on' })).status).toBe(200);
    await arrestEvent('ArrestPacketAdjudicated', 3, 'disposition-to-arresting-agency:sent');
    expect(await mailsTo(AGENCY)).toHaveLength(agencyMails + 1);
  }, 180_000);
});
