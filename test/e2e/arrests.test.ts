import { ListExecutionsCommand, RedriveExecutionCommand, StopExecutionCommand, type ExecutionListItem } from '@aws-sdk/client-sfn';
import { custodialPacket, type ArrestPacket } from '../../drive/arrest-packet';
import { casesFor, givenTarget, stopTarget, type Mail, type Target } from '../target';
import { ended, eventually, throughRetries, mailLink as link } from './steps';

const DAY = 24 * 3600 * 1000;
const ORI = 'CT0000100';
type Packet = ArrestPacket;

interface PacketView {
  packetId: string;
  version: number;
  status: string;
  currentStep: string;
  problems: { field: string; rule: string; message: string }[];
  warnings: { field: string; rule: string; message: string }[];
  charges: { charge: string; chargeSequenceID: number; citation: string; section: string | null; title: string | null; baseClass: string | null }[];
  packet: { charges: { statuteSection: string }[] };
  returnReason: string | null;
  docketNumber: string | null;
  agencyNotifiedAt: string | null;
  timeline: { type: string; details: Record<string, unknown> }[];
  execution?: { current: string; waitingForAdjudication: string | null };
}

const cases = await casesFor(it);

describe('CISS arrest workflow, end to end', () => {
  let h: Target;
  let rms: string;

  beforeAll(async () => {
    h = await givenTarget();
    rms = await h.token({ roles: ['agency-rms'], ori: ORI, username: 'nhpd-rms' });
  });

  afterAll(async () => stopTarget(h));

  /** A valid packet under a fresh incident number, dated relative to the runtime's clock. */
  async function packet(incident: string, change: (p: Packet, now: number) => void = () => undefined): Promise<Packet> {
    const now = await h.now();
    const p = custodialPacket(incident, now);
    change(p, now);
    return p;
  }

  function api(path: string, token: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${h.apiUrl}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
  }

  const send = (p: unknown, token = rms) => api('/arrests', token, { method: 'POST', body: JSON.stringify(p) });

  async function submit(p: Packet): Promise<string> {
    const res = await send(p);
    expect(res.status).toBe(202);
    return ((await res.json()) as { packetId: string }).packetId;
  }

  async function view(packetId: string, token = rms): Promise<PacketView> {
    const res = await api(`/arrests/${packetId}`, token);
    if (res.status !== 200) throw new Error(`GET /arrests/${packetId}: ${res.status}`);
    return (await res.json()) as PacketView;
  }

  /** Polls the packet until it has the status. */
  function untilStatus(packetId: string, status: string): Promise<PacketView> {
    return eventually(async () => {
      const v = await view(packetId);
      return v.status === status ? v : undefined;
    }, `packet ${packetId} to be ${status}`, 20_000);
  }

  async function mailsTo(address: string, about: string, count = 1): Promise<Mail[]> {
    return eventually(async () => {
      const mails = (await h.mailbox()).filter((m) => m.destination.to.includes(address) && m.subject.includes(about));
      return mails.length >= count ? mails : undefined;
    }, `${count} mail(s) to ${address} about ${about}`);
  }


  /** Follows an e-mailed link as the clerk does: the page first (no effect), then the decision. */
  async function decide(linkUrl: string, comment?: string): Promise<void> {
    expect((await fetch(linkUrl)).status).toBe(200);
    const q = new URL(linkUrl).searchParams;
    const body = new URLSearchParams({ choice: q.get('choice') ?? '', expires: q.get('expires') ?? '', sig: q.get('sig') ?? '', ...(comment ? { comment } : {}) });
    const res = await fetch(linkUrl, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(200);
  }

  async function clerkMail(incident: string, count = 1): Promise<Mail> {
    const mails = await mailsTo('clerk.ga23@jud.ct.example', `Arrest packet ${incident} `, count);
    return mails[count - 1] as Mail;
  }

  async function executionsOf(packetId: string): Promise<ExecutionListItem[]> {
    const out = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: h.machineArn('arrest-packet') }));
    return (out.executions ?? []).filter((e) => e.name?.startsWith(packetId)).sort((a, b) => String(a.name).localeCompare(String(b.name)));
  }

  const cmsCopies = async (packetId: string) => (await h.cms.records()).filter((r) => r.idempotencyKey.startsWith(packetId));
  const eventsOf = async (packetId: string) => (await h.events('ciss.arrests')).filter((e) => (e.detail as { packetId?: string }).packetId === packetId).map((e) => e['detail-type']);

  describe('step 1, intake', () => {
    it('refuses a packet that fails the schema with every field and rule (400)', async () => {
      const res = await send(await packet('bad-1', (p) => {
        p.arrestee.personBirthDate = '12/04/1990';
        p.charges[0]!.statuteSection = 'assault';
        p.court.gaNumber = 99;
      }));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { problems: { field: string }[] };
      expect(body.problems.map((p) => p.field).sort()).toEqual(['arrestee.personBirthDate', 'charges.0.statuteSection', 'court.gaNumber']);
    });

    it('words each problem for people, the charge counted from 1, and keeps the machine path for programs', async () => {
      const res = await send(await packet('words-1', (p) => {
        p.charges[0]!.chargeCountQuantity = 0;
        p.charges[1]!.statuteSection = '53a 61 (a)';
      }));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { problems: { field: string; rule: string; message: string }[] };
      expect(body.problems).toEqual([
        { field: 'charges.0.chargeCountQuantity', rule: 'must be at least 1', message: 'Charge 1: chargeCountQuantity must be at least 1' },
        {
          field: 'charges.1.statuteSection',
          rule: 'must be a Connecticut statute section, optionally with subsections, e.g. 53a-61 or 53a-61(a)(1)',
          message: 'Charge 2: statuteSection must be a Connecticut statute section, optionally with subsections, e.g. 53a-61 or 53a-61(a)(1)',
        },
      ]);
      expect(JSON.stringify(body)).not.toMatch(/Too small|expected number|Invalid/);
    });

    it("refuses a packet for another agency's ORI (403) and a body over 256 KB (413)", async () => {
      expect((await send(await packet('other-ori', (p) => (p.agency.ori = 'CT0000200')))).status).toBe(403);
      const huge = await send(await packet('huge', (p) => (p['padding'] = 'x'.repeat(300 * 1024))));
      expect(huge.status).toBe(413);
    });

    it('takes the same packet twice as one packet and one execution; a different packet under the same key is 409', async () => {
      const p = await packet('dup-1');
      const first = await send(p);
      const second = await send(p);
      expect([first.status, second.status]).toEqual([202, 200]);
      const [a, b] = [(await first.json()) as { packetId: string; statusUrl: string }, (await second.json()) as { packetId: string }];
      expect(b.packetId).toBe(a.packetId);
      // Absolute, as an access request's is (issue 12).
      expect(a.statusUrl).toBe(`${h.apiUrl}/arrests/${a.packetId}`);
      await clerkMail('dup-1');
      expect(await executionsOf(a.packetId)).toHaveLength(1);

      const conflict = await send(await packet('dup-1', (p) => (p.charges[0]!.chargeCountQuantity = 3)));
      expect(conflict.status).toBe(409);
      expect(((await conflict.json()) as { message: string }).message).toContain(a.packetId);
    });

    cases.needs(['faults', 'events'])('announces a packet on a retry when the first attempt stored it but could not announce it', async () => {
      // EventBridge refuses every PutEvents (the SDK's own retries too) while the plan is on.
      const p = await packet('announce-1');
      await h.faults.set({ services: { events: { error: 1, operations: ['PutEvents'] } } });
      let first: Response;
      try {
        first = await send(p);
      } finally {
        await h.faults.clear();
      }
      expect(first.status).toBe(500);
      const retry = await send(p);
      expect(retry.status).toBe(200);
      const { packetId } = (await retry.json()) as { packetId: string };
      // Announced once: by the retry (the first attempt's announcement never left).
      expect((await eventsOf(packetId)).filter((e) => e === 'ArrestPacketReceived')).toHaveLength(1);
      expect(await executionsOf(packetId)).toHaveLength(1);
    });

    it("answers an agency reading another agency's packet exactly as a missing one (404)", async () => {
      const packetId = await submit(await packet('mine-1'));
      const other = await h.token({ roles: ['agency-rms'], ori: 'CT0000200' });
      const theirs = await api(`/arrests/${packetId}`, other);
      const missing = await api('/arrests/ap-000000000000000000000000', other);
      expect([theirs.status, missing.status]).toEqual([404, 404]);
      expect(Object.keys((await theirs.json()) as object)).toEqual(Object.keys((await missing.json()) as object));
      const community = await h.token({ roles: ['community'] });
      expect((await api(`/arrests/${packetId}`, community)).status).toBe(404);
      const list = (await (await api('/arrests', other)).json()) as { packets: { packetId: string }[] };
      expect(list.packets.map((p) => p.packetId)).not.toContain(packetId);
      expect((await api(`/arrests?ori=${ORI}`, other)).status).toBe(403);
    });
  });

  describe('step 2, validation', () => {
    const rules: [string, (p: Packet, now: number) => void, string, string][] = [
      ['unknown statute', (p) => (p.charges[0]!.statuteSection = '53a-999(a)'), 'charges.0.statuteSection', 'must cite a known Connecticut statute section; section 53a-999 (cited as 53a-999(a)) is not in the reference table'],
      ['birth after the arrest', (p) => (p.arrestee.personBirthDate = '2030-01-01'), 'arrestee.personBirthDate', 'must be before the arrest day'],
      ['implausible age', (p) => (p.arrestee.personBirthDate = '1890-01-01'), 'arrestee.personBirthDate', 'it must be between 14 and 110'],
      [
        'arrest in the future',
        (p, now) => {
          p.arrest.activityDateTime = new Date(now + 3 * DAY).toISOString();
          p.arraignmentDate = new Date(now + 5 * DAY).toISOString().slice(0, 10);
        },
        'arrest.activityDateTime',
        'must not be in the future',
      ],
      ['arraignment before the arrest', (p) => (p.arraignmentDate = '2001-01-01'), 'arraignmentDate', 'must be on or after the arrest day'],
      ['missing document', (p) => (p.documents = p.documents.slice(0, 1)), 'documents', 'must include a custodial-arrest-report: a custodial arrest needs one'],
      ['unknown court', (p) => (p.court.gaNumber = 6), 'court.gaNumber', 'must be a geographical-area court that arraigns arrests; GA 6 is not'],
    ];

    cases.needs(['events']).each(rules)('rejects a packet with %s, on the packet and in the agency e-mail', async (name, change, field, rule) => {
      const incident = `rule-${name.replace(/\W+/g, '-')}`;
      const packetId = await submit(await packet(incident, change));
      const rejected = await untilStatus(packetId, 'REJECTED');
      expect(rejected.problems).toEqual([{ field, rule: expect.stringContaining(rule), message: expect.stringContaining(rule) }]);
      const [mail] = await mailsTo('records@nhpd.ct.example', `Rejected: arrest packet ${incident} `);
      // In words for the records clerk: the charge counted from 1, not the machine path.
      expect(mail?.body.text).toContain(`- ${rejected.problems[0]?.message}`);
      expect(mail?.body.text).toContain(rule);
      expect(mail?.body.text).not.toContain('charges.0');
      expect(await eventsOf(packetId)).toEqual(['ArrestPacketReceived', 'ArrestPacketRejected']);
      expect((await ended(h.sfn, (await executionsOf(packetId))[0]?.executionArn ?? '')).status).toBe('SUCCEEDED');
    });
  });

  describe('step 3, clerk review', () => {
    cases.needs(['clock', 'faults', 'events'])('never shows VALIDATED before the clerk has the task, even when opening the task is retried; validated once, announced once, not again on a reminder', async () => {
      const incident = 'window-1';
      const clerk = await h.token({ roles: ['court-clerk'], courts: ['GA23'], username: 'clerk-ga23' });
      const clerkHasTask = async (packetId: string) => {
        const { tasks } = (await (await api('/tasks', clerk)).json()) as { tasks: { step: string; subject: { id: string } }[] };
        return tasks.some((t) => t.subject.id === packetId && t.step === 'clerk-review');
      };
      const validatedAudits = (v: PacketView) => v.timeline.filter((t) => t.details['to'] === 'VALIDATED');
      // Opening the clerk's task fails once (as Lambda does now and then) and is retried after a
      // back-off: a status written apart from its task would be seen for that whole back-off.
      await h.faults.set({ functions: { 'tasks-notify': { serviceError: 1, times: 1, match: `Arrest packet ${incident} ` } } });
      let packetId: string;
      try {
        packetId = await submit(await packet(incident));
        const executionArn = await eventually(async () => (await executionsOf(packetId))[0]?.executionArn, `the execution of ${packetId}`);
        // The read that first shows VALIDATED (the RMS and the clerk act on it) must find the task.
        await throughRetries(h, executionArn, async () => ((await view(packetId)).status === 'VALIDATED' ? true : undefined), `packet ${packetId} to be VALIDATED`);
        expect(await clerkHasTask(packetId)).toBe(true);
        expect(await h.faults.counts()).toEqual({ 'lambda:tasks-notify:serviceError': 1 });
      } finally {
        await h.faults.clear();
      }
      const validated = await view(packetId);
      expect(validated.currentStep).toBe('3 clerk review');
      expect(validatedAudits(validated)).toEqual([expect.objectContaining({ type: 'ArrestPacketValidated', details: expect.objectContaining({ from: 'RECEIVED', to: 'VALIDATED', version: 1, warnings: 0 }) })]);
      await eventually(async () => ((await eventsOf(packetId)).length === 2 ? true : undefined), `the events of ${packetId}`);
      expect(await eventsOf(packetId)).toEqual(['ArrestPacketReceived', 'ArrestPacketValidated']);

      // The clerk does not answer in two days: the reminder reopens the task, nothing else.
      await clerkMail(incident);
      await h.clock.advance(2 * DAY + 1000);
      await clerkMail(incident, 2);
      expect(await clerkHasTask(packetId)).toBe(true);
      const reminded = await view(packetId);
      expect(reminded.status).toBe('VALIDATED');
      expect(validatedAudits(reminded)).toHaveLength(1);
      expect(await eventsOf(packetId)).toEqual(['ArrestPacketReceived', 'ArrestPacketValidated']);
      await decide(link(await clerkMail(incident, 2), 'Accept'));
      // ACCEPTED lasts only until CMS answers: wait for where the packet comes to rest, then read
      // that the reminder's link accepted it.
      const available = await untilStatus(packetId, 'AVAILABLE');
      expect(available.timeline.filter((t) => t.details['to'] === 'ACCEPTED')).toHaveLength(1);
    });

    it('returns the packet with the reason; the agency amends it as version 2, which goes to the clerk again', async () => {
      const packetId = await submit(await packet('return-1'));
      await decide(link(await clerkMail('return-1'), 'Return to agency'), 'The custodial arrest report is unsigned');
      const returned = await untilStatus(packetId, 'RETURNED');
      expect(returned.returnReason).toBe('The custodial arrest report is unsigned');
      const [mail] = await mailsTo('records@nhpd.ct.example', 'Returned by the court clerk: arrest packet return-1 ');
      expect(mail?.body.text).toContain('The custodial arrest report is unsigned');
      expect((await ended(h.sfn, (await executionsOf(packetId))[0]?.executionArn ?? '')).status).toBe('SUCCEEDED');

      const amended = await packet('return-1', (p) => (p.documents[1]!.documentReference = 'CAR-2026-000123-signed'));
      const res = await api(`/arrests/${packetId}/versions`, rms, { method: 'POST', body: JSON.stringify(amended) });
      expect(res.status).toBe(202);
      await clerkMail('return-1', 2);
      const v2 = await view(packetId);
      expect([v2.version, v2.status]).toEqual([2, 'VALIDATED']);
      expect((await executionsOf(packetId)).map((e) => e.status)).toEqual(['SUCCEEDED', 'RUNNING']);
    });
  });

  describe('what people read about the charges', () => {
    it('takes statutes cited with subsections, checks them against their sections, and shows the clerk both, in the e-mail, on the page and in GET', async () => {
      const packetId = await submit(await packet('cite-1', (p) => {
        p.charges[0]!.statuteSection = '53a-61(a)(1)';
        Object.assign(p.charges[1]!, { statuteSection: '14-227a(a)', chargeDescriptionText: 'DUI "first" <b>offense</b>', offenseClass: 'A misdemeanor', chargeCountQuantity: 1 });
      }));
      const mail = await clerkMail('cite-1');
      const first = '53a-61(a)(1): section 53a-61, Assault in the third degree (A misdemeanor); "Assault in the third degree", charged as A misdemeanor, 1 count';
      const second =
        '14-227a(a): section 14-227a, Operation while under the influence of liquor or drug or while having an elevated blood alcohol content (unclassified misdemeanor); "DUI "first" <b>offense</b>", charged as A misdemeanor, 1 count';
      const warning =
        'Charge 2: offenseClass differs from the base class: 14-227a(a) (section 14-227a, Operation while under the influence of liquor or drug or while having an elevated blood alcohol content) is an unclassified misdemeanor in its basic form; charged as A misdemeanor';
      const escape = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
      const rows = [`<dt>Charge 1</dt><dd>${escape(first)}</dd>`, `<dt>Charge 2</dt><dd>${escape(second)}</dd>`, `<dt>Warning</dt><dd>${escape(warning)}</dd>`];

      expect(mail.body.text).toContain(`  Charge 1: ${first}\n  Charge 2: ${second}\n`);
      expect(mail.body.text).toContain(`  Warning: ${warning}\n`);
      for (const row of rows) expect(mail.body.html).toContain(row);
      expect(mail.body.html).not.toContain('<b>offense');
      const page = await (await fetch(link(mail, 'Accept'))).text();
      for (const row of rows) expect(page).toContain(row);
      const v = await view(packetId);
      expect(v.packet.charges.map((c) => c.statuteSection)).toEqual(['53a-61(a)(1)', '14-227a(a)']);
      expect(v.charges).toEqual([
        expect.objectContaining({ charge: 'Charge 1', chargeSequenceID: 1, citation: '53a-61(a)(1)', section: '53a-61', title: 'Assault in the third degree', baseClass: 'A misdemeanor' }),
        expect.objectContaining({ charge: 'Charge 2', chargeSequenceID: 2, citation: '14-227a(a)', section: '14-227a', baseClass: 'unclassified misdemeanor' }),
      ]);
      expect(v.warnings).toEqual([{ field: 'charges.1.offenseClass', rule: expect.any(String), message: warning }]);
    });
  });

  describe('step 4, DCJ CMS', () => {
    cases.needs(['clock', 'faults', 'cms'])('retries transient CMS failures with back-off and keeps one copy', async () => {
      const packetId = await submit(await packet('cms-flaky'));
      await h.cms.failNext(2);
      const before = await h.cms.requests();
      await decide(link(await clerkMail('cms-flaky'), 'Accept'));
      const arn = (await executionsOf(packetId))[0]?.executionArn ?? '';
      const available = await throughRetries(h, arn, async () => ((await view(packetId)).status === 'AVAILABLE' ? view(packetId) : undefined), 'the packet to be AVAILABLE');
      expect((await h.cms.requests()) - before).toBe(3);
      const copies = await cmsCopies(packetId);
      expect(copies).toHaveLength(1);
      expect(available.docketNumber).toBe(copies[0]?.docketNumber);
    });

    cases.needs(['clock', 'faults', 'cms'])('fails visibly while CMS is down, and a redrive completes it with one copy in CMS', async () => {
      const packetId = await submit(await packet('cms-down'));
      await h.cms.setDown(true);
      await decide(link(await clerkMail('cms-down'), 'Accept'));
      const arn = (await executionsOf(packetId))[0]?.executionArn ?? '';
      const failed = await throughRetries(h, arn, async () => ((await executionsOf(packetId))[0]?.status === 'FAILED' ? (await executionsOf(packetId))[0] : undefined), 'the execution to fail').finally(() => h.cms.setDown(false));
      expect(failed.executionArn).toBe(arn);
      expect((await view(packetId)).status).toBe('ACCEPTED');
      expect(await cmsCopies(packetId)).toHaveLength(0);

      await h.sfn.send(new RedriveExecutionCommand({ executionArn: arn }));
      await untilStatus(packetId, 'AVAILABLE');
      expect(await cmsCopies(packetId)).toHaveLength(1);
      expect(await executionsOf(packetId)).toHaveLength(1);
    });
  });

  /** The packet through steps 1 to 6: accepted by the clerk's e-mailed link, in CMS, the agency told, available. */
  async function throughStepSix(incident: string, change: (p: Packet) => void = () => undefined): Promise<{ packetId: string; available: PacketView }> {
    const packetId = await submit(await packet(incident, change));
    await decide(link(await clerkMail(incident), 'Accept'));
    return { packetId, available: await untilStatus(packetId, 'AVAILABLE') };
  }

  async function adjudicate(packetId: string, charges: number): Promise<PacketView> {
    const judicial = await h.token({ roles: ['judicial'], username: 'judge.clerk' });
    const today = new Date(await h.now()).toISOString().slice(0, 10);
    const dispositions = Array.from({ length: charges }, (_, i) => ({ chargeSequenceID: i + 1, disposition: i === 2 ? 'nolle' : 'guilty', dispositionDate: today }));
    const missingCharge = await api(`/arrests/${packetId}/adjudication`, judicial, { method: 'POST', body: JSON.stringify({ dispositions: dispositions.slice(0, -1) }) });
    expect(missingCharge.status).toBe(400);
    const res = await api(`/arrests/${packetId}/adjudication`, judicial, { method: 'POST', body: JSON.stringify({ dispositions }) });
    expect(res.status).toBe(202);
    return untilStatus(packetId, 'HISTORICAL');
  }

  const thirdCharge = (x: Packet) => {
    x.charges.push({ chargeSequenceID: 3, statuteSection: '21a-279', chargeDescriptionText: 'Possession, second offense', offenseClass: 'D felony', chargeCountQuantity: 1 });
  };

  describe('all seven steps', () => {
    cases.needs(['cms', 'events'])('goes from the RMS through the clerk, CMS and the agency notice to available, and on adjudication to historical', async () => {
      // 1. intake
      const packetId = await submit(await packet('full-1', thirdCharge));
      // 2. validated, with the graded class as a warning for the clerk; 3. the clerk accepts through the e-mailed link
      const mail = await clerkMail('full-1');
      expect(mail.body.text).toContain('Warning: Charge 3: offenseClass differs from the base class: 21a-279 (Illegal possession of a controlled substance) is an A misdemeanor in its basic form; charged as D felony');
      const validated = await view(packetId);
      expect(validated.warnings).toHaveLength(1);
      await decide(link(mail, 'Accept'));
      // 4. CMS has one copy; 5. the agency is told; 6. available to the community
      const available = await untilStatus(packetId, 'AVAILABLE');
      const copies = await cmsCopies(packetId);
      expect(copies).toHaveLength(1);
      expect(copies[0]).toMatchObject({ idempotencyKey: `${packetId}-v1`, body: { packetId, packet: { incidentNumber: 'full-1' } } });
      expect(available.docketNumber).toBe(copies[0]?.docketNumber);
      const [notice] = await mailsTo('records@nhpd.ct.example', 'Processed by Judicial: arrest packet full-1 ');
      expect(notice?.body.text).toContain(String(available.docketNumber));
      expect(available.agencyNotifiedAt).not.toBeNull();
      const community = await h.token({ roles: ['community'] });
      expect((await view(packetId, community)).status).toBe('AVAILABLE');
      const dcj = await h.token({ roles: ['dcj'] });
      const listed = (await (await api('/arrests?status=AVAILABLE', dcj)).json()) as { packets: { packetId: string }[] };
      expect(listed.packets.map((x) => x.packetId)).toContain(packetId);
      expect(await eventsOf(packetId)).toEqual(['ArrestPacketReceived', 'ArrestPacketValidated', 'ArrestPacketAccepted', 'ArrestPacketTransmitted', 'ArrestDataAvailable']);

      // 7. adjudicated (every charge disposed of), and historical
      const execution = (await executionsOf(packetId))[0]?.executionArn ?? '';
      const historical = await adjudicate(packetId, 3);
      expect((await ended(h.sfn, execution)).status).toBe('SUCCEEDED');
      expect((await view(packetId, community)).status).toBe('HISTORICAL');
      expect(historical.docketNumber).toBe(available.docketNumber);
      expect(historical.timeline.map((e) => e.type)).toEqual(
        expect.arrayContaining(['ArrestPacketReceived', 'ArrestPacketValidated', 'TaskDecided', 'ArrestPacketAccepted', 'ArrestPacketTransmitted', 'AgencyNotified', 'ArrestDataAvailable', 'ArrestPacketAdjudicated', 'ArrestPacketArchived']),
      );
      expect((await eventsOf(packetId)).at(-1)).toBe('ArrestPacketAdjudicated');
      expect(await cmsCopies(packetId)).toHaveLength(1);
    });
  });

  describe('the wait for adjudication, over more than a year', () => {
    // The earlier tests' packets still wait (for a clerk, for adjudication): they are stopped, so
    // the year this test moves the clock through is this packet's alone.
    beforeAll(async () => {
      const running = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: h.machineArn('arrest-packet'), statusFilter: 'RUNNING' }));
      for (const e of running.executions ?? []) await h.sfn.send(new StopExecutionCommand({ executionArn: e.executionArn, cause: 'end of the earlier tests' }));
    });

    cases.needs(['clock'])('continues in a new execution after more than a year, nothing lost, and ends on adjudication', async () => {
      const { packetId, available } = await throughStepSix('year-1', thirdCharge);
      await h.clock.advance(301 * DAY);
      const continued = await eventually(async () => {
        const execs = await executionsOf(packetId);
        return execs.length === 2 && execs[0]?.status === 'SUCCEEDED' && execs[1]?.status === 'RUNNING' && (await view(packetId)).execution?.waitingForAdjudication === execs[1]?.executionArn ? execs : undefined;
      }, 'the wait to continue as new');
      expect(continued.map((e) => [e.name, e.status])).toEqual([
        [`${packetId}-v1`, 'SUCCEEDED'],
        [`${packetId}-v1-g2`, 'RUNNING'],
      ]);
      await h.clock.advance(70 * DAY);
      const historical = await adjudicate(packetId, 3);
      expect((await ended(h.sfn, continued[1]?.executionArn ?? '')).status).toBe('SUCCEEDED');
      expect(historical.docketNumber).toBe(available.docketNumber);
      expect(historical.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['ArrestDataAvailable', 'AdjudicationWaitContinued', 'ArrestPacketAdjudicated', 'ArrestPacketArchived']));
    });
  });
});
