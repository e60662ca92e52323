import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Email } from '#shared/adapters/mailer';
import type { AuditEvent } from '#shared/audit';
import { InvalidTransition, StaleVersion, type PacketRecord, type TransitionChange } from '../../functions/arrests/adapters/packet-store';
import { NOTICE_KINDS, noticeEmail, type NoticeKind } from '../../functions/arrests/domain/notice';
import type { ArrestPacket } from '../../functions/arrests/domain/packet';
import { AlreadyAdjudicated, awaitAdjudication, type AwaitAdjudicationPorts } from '../../functions/arrests/use-cases/await-adjudication';
import { notifyAgency, type NoticeAbout, type NotifyAgencyPorts } from '../../functions/arrests/use-cases/notify-agency';
import { validate, type ValidatePorts } from '../../functions/arrests/use-cases/validate';

const fixture = JSON.parse(readFileSync(new URL('../../drive/arrest-packet.custodial.json', import.meta.url), 'utf8')) as ArrestPacket;
const NOW = new Date('2026-11-23T15:00:00Z');

function aRecord(overrides: Partial<PacketRecord> = {}, change: (p: ArrestPacket) => void = () => undefined): PacketRecord {
  const packet = structuredClone(fixture);
  change(packet);
  return { packetId: 'P-1', version: 2, status: 'RECEIVED', ori: 'CT0000100', incidentNumber: '2026-000123', packet, ...overrides } as PacketRecord;
}

/** An in-memory packet store: what was moved, annotated and audited, and a settable answer to conditions. */
function fakeStore(record: PacketRecord, options: { annotateHolds?: boolean; changeStatus?: 'changed' | 'already' | Error } = {}) {
  const transitions: TransitionChange[] = [];
  const statusChanges: TransitionChange[] = [];
  const annotations: { version: number; fields: Record<string, unknown>; condition?: unknown }[] = [];
  const audits: AuditEvent[] = [];
  const store = {
    mustGet: async () => record,
    transition: async (change: TransitionChange) => {
      transitions.push(change);
      return { kind: 'changed' as const, packet: { ...record, status: change.to, ...(change.set as Partial<PacketRecord>) } };
    },
    changeStatus: async (change: TransitionChange) => {
      statusChanges.push(change);
      const outcome = options.changeStatus ?? 'changed';
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    annotate: async (_id: string, version: number, fields: Record<string, unknown>, condition?: unknown) => {
      annotations.push({ version, fields, ...(condition ? { condition } : {}) });
      return options.annotateHolds ?? true;
    },
    audit: async (event: AuditEvent) => void audits.push(event),
  };
  return { store, transitions, statusChanges, annotations, audits };
}

describe('validating a packet (step 2)', () => {
  function ports(record: PacketRecord) {
    const fake = fakeStore(record);
    const announced: unknown[] = [];
    const p: ValidatePorts = { store: fake.store, announce: async (packet, detail) => void announced.push({ status: packet.status, ...detail }), now: () => NOW };
    return { p, announced, ...fake };
  }

  it('leaves a valid packet RECEIVED and hands the clerk of its court the facts to review', async () => {
    const { p, transitions, announced } = ports(aRecord());

    const out = await validate({ packetId: 'P-1', version: 2 }, p);

    expect(out).toMatchObject({ valid: true, problems: [], warnings: [], title: 'Arrest packet 2026-000123 from CT0000100 (version 2)', clerk: { role: 'court-clerk', email: 'clerk.ga23@jud.ct.example', court: expect.any(String) } });
    expect(out.facts).toContainEqual({ label: 'Arrestee', value: 'Doe, John Q, born 1990-04-12' });
    expect(out.facts).toContainEqual({ label: 'Arraignment', value: 'GA 23, 2026-11-21' });
    expect(transitions).toEqual([]);
    expect(announced).toEqual([]);
  });

  it('records REJECTED with every failed rule (on condition: RECEIVED at this version), announces it, and still describes the packet', async () => {
    const { p, statusChanges, announced } = ports(aRecord({}, (x) => ((x.charges[0]!.statuteSection = '53a-999'), (x.arrestee.personBirthDate = '2020-01-01'))));

    const out = await validate({ packetId: 'P-1', version: 2 }, p);

    expect(out.valid).toBe(false);
    expect(out.problems.map((x) => x.field).sort()).toEqual(['arrestee.personBirthDate', 'charges.0.statuteSection']);
    expect(statusChanges).toEqual([expect.objectContaining({ packetId: 'P-1', version: 2, to: 'REJECTED', actor: 'system', now: NOW.toISOString(), details: expect.objectContaining({ problems: 2 }) })]);
    expect(announced).toEqual([{ status: 'REJECTED', problems: out.problems }]);
  });

  it('validates the packet the execution carries without reading it', async () => {
    const { p, statusChanges, announced } = ports(aRecord({ version: 9 }));
    const mustGet = jest.spyOn(p.store, 'mustGet');
    const carried = aRecord({}, (x) => (x.charges[0]!.statuteSection = '53a-999'));

    const out = await validate({ packetId: 'P-1', version: 2, carried: { packet: carried.packet, ori: 'CT0000100', incidentNumber: '2026-000123' } }, p);

    expect(mustGet).not.toHaveBeenCalled();
    expect(out).toMatchObject({ valid: false, ori: 'CT0000100', incidentNumber: '2026-000123', agencyEmail: carried.packet.agency.contactEmail });
    expect(statusChanges).toEqual([expect.objectContaining({ version: 2, to: 'REJECTED' })]);
    expect(announced).toEqual([{ status: 'REJECTED', problems: out.problems }]);
  });

  it('shows warnings among the facts, without rejecting', async () => {
    const { p, transitions } = ports(aRecord({}, (x) => (x.charges[0]!.offenseClass = 'D felony')));

    const out = await validate({ packetId: 'P-1', version: 2 }, p);

    expect(out.valid).toBe(true);
    expect(out.facts.filter((f) => f.label === 'Warning')).toHaveLength(1);
    expect(transitions).toEqual([]);
  });

  it('names no clerk for a packet whose court is unknown (it is rejected)', async () => {
    const { p } = ports(aRecord({}, (x) => (x.court.gaNumber = 6)));

    await expect(validate({ packetId: 'P-1', version: 2 }, p)).resolves.toMatchObject({ valid: false, clerk: null });
  });

  it('stops an execution for an older version: StaleVersion, nothing written', async () => {
    const { p, transitions } = ports(aRecord({ version: 3 }));

    const failure = validate({ packetId: 'P-1', version: 2 }, p);
    await expect(failure).rejects.toBeInstanceOf(StaleVersion);
    await expect(failure).rejects.toThrow('Packet P-1 is at version 3, not 2');
    expect(transitions).toEqual([]);
  });
});

describe('telling the agency (steps 2, 3 and 5)', () => {
  function ports(record: PacketRecord) {
    const fake = fakeStore(record);
    const sent: Email[] = [];
    const p: NotifyAgencyPorts = { store: fake.store, send: async (email) => (sent.push(email), { messageId: 'm-1' }), now: () => NOW.toISOString() };
    return { p, sent, ...fake };
  }

  it('e-mails the agency contact every failed rule of a rejected packet, and records the notice by id only', async () => {
    const { p, sent, annotations, audits } = ports(aRecord({ status: 'REJECTED', problems: [{ field: 'charges.0.statuteSection', rule: 'must cite a known Connecticut statute section' }] }));

    await expect(notifyAgency({ packetId: 'P-1', version: 2, kind: 'rejected' }, p)).resolves.toEqual({ messageId: 'm-1', notifiedAt: NOW.toISOString() });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: ['records@nhpd.ct.example'], subject: 'Rejected: arrest packet 2026-000123 (CT0000100, version 2, id P-1)' });
    expect(sent[0]?.text).toContain('must cite a known Connecticut statute section');
    expect(sent[0]?.text).toContain('Status: GET /arrests/P-1');
    expect(annotations).toEqual([]);
    expect(audits).toEqual([expect.objectContaining({ type: 'AgencyNotified', actor: 'system', details: { kind: 'rejected', version: 2, messageId: 'm-1' } })]);
  });

  it('answers when the agency was told its packet was processed, for the workflow to record with AVAILABLE (no write of its own but the notice)', async () => {
    const { p, sent, annotations, audits } = ports(aRecord({ status: 'TRANSMITTED', docketNumber: 'D-9' }));

    await expect(notifyAgency({ packetId: 'P-1', version: 2, kind: 'processed' }, p)).resolves.toEqual({ messageId: 'm-1', notifiedAt: NOW.toISOString() });

    expect(sent[0]?.text).toContain('CMS docket number: D-9');
    expect(annotations).toEqual([]);
    expect(audits).toHaveLength(1);
  });

  it.each<[NoticeKind, Partial<NoticeAbout>, string]>([
    ['rejected', { problems: [{ field: 'charges.0.statuteSection', rule: 'must cite a known Connecticut statute section' }] }, 'must cite a known Connecticut statute section'],
    ['returned', { returnReason: 'wrong court' }, 'Reason: wrong court'],
    ['review-timed-out', {}, 'did not review'],
    ['processed', { docketNumber: 'D-7' }, 'CMS docket number: D-7'],
  ])('tells of a %s packet from what the execution carries, without reading the packet', async (kind, carried, says) => {
    const { p, sent, audits } = ports(aRecord({ ori: 'XX', incidentNumber: 'not-read' }));
    const mustGet = jest.spyOn(p.store, 'mustGet');

    await notifyAgency({ packetId: 'P-1', version: 2, kind, about: { ori: 'CT0000100', incidentNumber: '2026-000123', contactEmail: 'desk@nhpd.ct.example', ...carried } }, p);

    expect(mustGet).not.toHaveBeenCalled();
    expect(sent[0]).toMatchObject({ to: ['desk@nhpd.ct.example'], subject: expect.stringContaining('arrest packet 2026-000123 (CT0000100, version 2, id P-1)') });
    expect(sent[0]?.text).toContain(says);
    expect(audits).toEqual([expect.objectContaining({ type: 'AgencyNotified', details: { kind, version: 2, messageId: 'm-1' } })]);
  });

  it.each(NOTICE_KINDS)("links the %s notice to the packet's page in the portal, in both parts", async (kind) => {
    const { p, sent } = ports(aRecord({ packetId: 'ap-0123abcd', status: 'REJECTED', problems: [], docketNumber: 'D-9' }));

    await notifyAgency({ packetId: 'ap-0123abcd', version: 2, kind }, { ...p, portalUrl: 'https://ciss.example/portal/' });

    expect(sent[0]?.text).toContain('Open in the CISS portal (sign-in): https://ciss.example/portal/#/arrests/ap-0123abcd\n');
    expect(sent[0]?.html).toContain('<a href="https://ciss.example/portal/#/arrests/ap-0123abcd">Open in the CISS portal</a>');
  });

  it('leaves the portal line out when no portal address is configured', () => {
    const email = noticeEmail('processed', { ...aRecord({ docketNumber: 'D-9' }), contactEmail: 'records@nhpd.ct.example' });

    expect(email.text).not.toContain('portal');
    expect(email.html).not.toContain('portal');
  });

  it('escapes what the agency sent before it goes into the HTML part', () => {
    const email = noticeEmail('returned', { ...aRecord({ returnReason: '<b>wrong court</b>' }), contactEmail: 'records@nhpd.ct.example' });

    expect(email.html).toContain('Reason: &lt;b&gt;wrong court&lt;/b&gt;');
    expect(email.text).toContain('Reason: <b>wrong court</b>');
  });
});

describe('waiting for the adjudication (step 7)', () => {
  const input = { taskToken: 'token-1', executionArn: 'arn:exec:2', packetId: 'P-1', version: 2, generation: 1 };

  function ports(record: PacketRecord, annotateHolds = true, changeStatus?: 'changed' | 'already' | Error) {
    const fake = fakeStore(record, { annotateHolds, ...(changeStatus ? { changeStatus } : {}) });
    const announced: unknown[] = [];
    const p: AwaitAdjudicationPorts = {
      store: fake.store,
      seal: async (token, packetId) => `sealed(${token}|${packetId})`,
      announce: async (packet, detail) => void announced.push({ ...packet, ...detail }),
      now: () => NOW.toISOString(),
    };
    return { p, announced, ...fake };
  }
  const available = { docketNumber: 'D-1', agencyNotifiedAt: '2026-11-23T14:59:00.000Z', ori: 'CT0000100', incidentNumber: '2026-000123' };
  const registration = { sealedAdjudicationToken: 'sealed(token-1|P-1)', waitingExecutionArn: 'arn:exec:2', adjudicationWaitGeneration: 1, adjudicationWaitSince: NOW.toISOString() };

  it('the first wait makes the TRANSMITTED packet AVAILABLE in the write that registers it (one status change, its audit with it), then announces it', async () => {
    const { p, statusChanges, annotations, audits, announced } = ports(aRecord({ status: 'TRANSMITTED' }));

    await expect(awaitAdjudication({ ...input, available }, p)).resolves.toEqual({ registered: true });
    expect(statusChanges).toEqual([
      { packetId: 'P-1', version: 2, to: 'AVAILABLE', actor: 'system', set: { agencyNotifiedAt: available.agencyNotifiedAt, ...registration }, now: NOW.toISOString() },
    ]);
    expect(JSON.stringify(statusChanges)).not.toContain('"token-1"');
    expect(annotations).toEqual([]);
    expect(audits).toEqual([]);
    expect(announced).toEqual([{ packetId: 'P-1', version: 2, ori: 'CT0000100', incidentNumber: '2026-000123', status: 'AVAILABLE', updatedAt: NOW.toISOString(), docketNumber: 'D-1' }]);
  });

  it('a retried first wait that finds the packet AVAILABLE already registers this attempt’s token, and announces again', async () => {
    const { p, annotations, announced } = ports(aRecord({ status: 'AVAILABLE' }), true, 'already');

    await expect(awaitAdjudication({ ...input, available }, p)).resolves.toEqual({ registered: true });
    expect(annotations).toEqual([{ version: 2, fields: registration, condition: { status: 'AVAILABLE' } }]);
    expect(announced).toHaveLength(1);
  });

  it('a first wait that finds the packet adjudicated fails with AlreadyAdjudicated and announces nothing', async () => {
    const { p, announced } = ports(aRecord({ status: 'HISTORICAL' }), false, new InvalidTransition('Packet P-1 is HISTORICAL; it cannot become AVAILABLE'));

    await expect(awaitAdjudication({ ...input, available }, p)).rejects.toBeInstanceOf(AlreadyAdjudicated);
    expect(announced).toEqual([]);
  });

  it('a first wait for an older version fails with StaleVersion (the machine stops this execution)', async () => {
    const { p, announced } = ports(aRecord({ status: 'TRANSMITTED', version: 3 }), false, new StaleVersion('Packet P-1 is at version 3, not 2'));

    await expect(awaitAdjudication({ ...input, available }, p)).rejects.toBeInstanceOf(StaleVersion);
    expect(announced).toEqual([]);
  });

  it('registers this execution on an AVAILABLE packet with the token sealed, never in clear', async () => {
    const { p, annotations, audits } = ports(aRecord({ status: 'AVAILABLE' }));

    await expect(awaitAdjudication(input, p)).resolves.toEqual({ registered: true });
    expect(annotations).toEqual([
      { version: 2, fields: { sealedAdjudicationToken: 'sealed(token-1|P-1)', waitingExecutionArn: 'arn:exec:2', adjudicationWaitGeneration: 1, adjudicationWaitSince: NOW.toISOString() }, condition: { status: 'AVAILABLE' } },
    ]);
    expect(JSON.stringify(annotations)).not.toContain('"token-1"');
    expect(audits).toEqual([]);
  });

  it('puts a continued wait on the packet’s trail', async () => {
    const { p, audits } = ports(aRecord({ status: 'AVAILABLE' }));

    await awaitAdjudication({ ...input, generation: 3 }, p);

    expect(audits).toEqual([expect.objectContaining({ type: 'AdjudicationWaitContinued', details: { generation: 3, executionArn: 'arn:exec:2' } })]);
  });

  it.each(['ADJUDICATED', 'HISTORICAL'] as const)('fails with AlreadyAdjudicated when the packet became %s before this execution waited', async (status) => {
    const { p, audits } = ports(aRecord({ status }), false);

    const failure = awaitAdjudication({ ...input, generation: 2 }, p);
    await expect(failure).rejects.toBeInstanceOf(AlreadyAdjudicated);
    await expect(failure).rejects.toThrow('Packet P-1 was adjudicated before execution 2 started waiting');
    expect(audits).toEqual([]);
  });

  it('fails with a plain error (not one the machine archives on) for a packet anywhere else', async () => {
    const { p } = ports(aRecord({ status: 'TRANSMITTED' }), false);

    const failure = awaitAdjudication(input, p);
    await expect(failure).rejects.not.toBeInstanceOf(AlreadyAdjudicated);
    await expect(failure).rejects.toThrow('Packet P-1 is TRANSMITTED (version 2); it cannot wait for adjudication');
  });
});
