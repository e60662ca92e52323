import { readFileSync } from 'node:fs';
import type { AuditEvent } from '#shared/audit';
import { Cursors } from '#shared/cursor';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '#shared/errors';
import type { Caller } from '#shared/http';
import type { PacketRecord, PacketView, TransitionChange } from '../../functions/arrests/adapters/packet-store';
import { maySee, viewOf } from '../../functions/arrests/domain/audience';
import { contentHash, executionNameOf, packetIdOf, type ArrestPacket } from '../../functions/arrests/domain/packet';
import { AMENDABLE } from '../../functions/arrests/domain/status';
import { adjudicatePacket, type Adjudication } from '../../functions/arrests/use-cases/adjudicate';
import { amendPacket } from '../../functions/arrests/use-cases/amend';
import { listPackets } from '../../functions/arrests/use-cases/list';
import type { ArrestPorts } from '../../functions/arrests/use-cases/ports';
import { readPacket } from '../../functions/arrests/use-cases/read';
import { receivePacket } from '../../functions/arrests/use-cases/receive';
import { CARRIED_PACKET_BYTES } from '../../functions/arrests/use-cases/packet';
import { CLERK_REVIEW } from '../../functions/arrests/domain/review';

const fixture = JSON.parse(readFileSync(new URL('../../drive/arrest-packet.custodial.json', import.meta.url), 'utf8')) as ArrestPacket;
const ORI = fixture.agency.ori;
const KEY = Buffer.alloc(32, 7);
const PACKET_ID = packetIdOf(KEY, ORI, fixture.incidentNumber);
const NOW = '2026-11-29T12:00:00.000Z';
const API = 'https://api.example/prod';
const SOURCE = { ip: '198.51.100.7' };

const caller = (roles: Caller['roles'], extra: Partial<Caller> = {}): Caller => ({ sub: 's', username: `${roles.join('+')}-user`, roles, courts: [], ...extra });
const RMS = caller(['agency-rms'], { ori: ORI });
const OTHER_RMS = caller(['agency-rms'], { ori: 'CT0000200' });
const JUDGE = caller(['judicial']);
const COMMUNITY = caller(['community']);

const packet = (change: (p: ArrestPacket) => void = () => undefined): ArrestPacket => {
  const p = structuredClone(fixture);
  change(p);
  return p;
};

const aRecord = (overrides: Partial<PacketRecord> = {}): PacketRecord => ({
  packetId: PACKET_ID,
  version: 1,
  status: 'RECEIVED',
  ori: ORI,
  incidentNumber: fixture.incidentNumber,
  contentHash: contentHash(fixture),
  packet: fixture,
  receivedAt: '2026-11-28T10:00:00.000Z',
  updatedAt: '2026-11-28T10:00:00.000Z',
  executionName: executionNameOf(PACKET_ID, 1),
  ...overrides,
});

/** In-memory ports: a store with the DynamoDB store's conditions, and a record of every call out. */
function fakePorts() {
  const packets = new Map<string, PacketRecord>();
  const versions = new Map<string, { version: number; receivedAt: string; contentHash: string }[]>();
  const audits: AuditEvent[] = [];
  const trail: Record<string, unknown>[] = [];
  const started: { name: string; input: unknown }[] = [];
  const stopped: { name: string; cause: string }[] = [];
  const published: { packet: PacketRecord; extra?: Record<string, unknown> }[] = [];
  const resumed: { sealed: string; output: unknown }[] = [];
  const page: { next?: Record<string, string> } = {};
  const listed: { view: PacketView }[] = [];
  let waiting = true;
  const cursorKey = Buffer.alloc(32, 9);

  const seed = (record: PacketRecord) => {
    packets.set(record.packetId, record);
    versions.set(record.packetId, [...(versions.get(record.packetId) ?? []), { version: record.version, receivedAt: record.receivedAt, contentHash: record.contentHash }]);
  };
  const ports: ArrestPorts = {
    store: {
      get: async (id) => packets.get(id),
      mustGet: async (id) => {
        const p = packets.get(id);
        if (!p) throw new NotFound(`No arrest packet ${id}`);
        return p;
      },
      create: async (record, audit) => {
        if (packets.has(record.packetId)) return false;
        seed(record);
        audits.push(audit);
        return true;
      },
      amend: async (current, body, hash, executionName, audit, now) => {
        const fresh = packets.get(current.packetId);
        if (!fresh || fresh.version !== current.version || !AMENDABLE.includes(fresh.status)) throw new Conflict('amended meanwhile');
        const next: PacketRecord = { ...current, version: current.version + 1, status: 'RECEIVED', packet: body, contentHash: hash, executionName, updatedAt: now };
        seed(next);
        audits.push(audit);
        return next;
      },
      versions: async (id) => versions.get(id) ?? [],
      timeline: async () => trail,
      list: async (view) => {
        listed.push({ view });
        return { items: [...packets.values()], next: page.next };
      },
      transition: async (change: TransitionChange) => {
        const current = packets.get(change.packetId);
        if (!current) throw new NotFound('none');
        const next = { ...current, status: change.to, updatedAt: change.now, ...change.set } as PacketRecord;
        packets.set(change.packetId, next);
        audits.push({ type: `to ${change.to}`, outcome: 'success', actor: change.actor, component: 'arrests', subject: { type: 'arrest-packet', id: change.packetId } as AuditEvent['subject'] });
        return { kind: 'changed', packet: next };
      },
      audit: async (event) => {
        audits.push(event);
      },
    },
    workflow: {
      executionArn: (name) => `arn:aws:states:us-east-1:123456789012:execution:arrest-packet:${name}`,
      start: async (name, input) => {
        started.push({ name, input });
        return `arn:${name}`;
      },
      stop: async (name, cause) => {
        stopped.push({ name, cause });
      },
    },
    events: {
      publish: async (p, extra) => {
        published.push({ packet: p, ...(extra ? { extra } : {}) });
      },
    },
    packetIdKey: async () => KEY,
    cursors: new Cursors({ current: async () => cursorKey, all: async () => [cursorKey] }),
    adjudication: {
      resume: async (sealed, _packetId, output) => {
        resumed.push({ sealed, output });
        return waiting;
      },
    },
    now: () => NOW,
    apiUrl: API,
  };
  return {
    ports,
    packets,
    audits,
    trail,
    started,
    stopped,
    published,
    resumed,
    page,
    listed,
    seed,
    noneWaits: () => {
      waiting = false;
    },
  };
}

const neverRead = (): never => {
  throw new Error('the body was read');
};

describe('receivePacket (POST /arrests)', () => {
  it('stores a new packet as version 1 RECEIVED with its audit event, starts its execution and announces it', async () => {
    const fake = fakePorts();

    const result = await receivePacket({ caller: RMS, source: SOURCE, body: packet() }, fake.ports);

    expect(result).toEqual({ created: true, packet: expect.objectContaining({ packetId: PACKET_ID, version: 1, status: 'RECEIVED', currentStep: '2 validate', statusUrl: `${API}/arrests/${PACKET_ID}` }) });
    expect(fake.packets.get(PACKET_ID)).toMatchObject({ version: 1, status: 'RECEIVED', receivedAt: NOW, executionName: executionNameOf(PACKET_ID, 1) });
    expect(fake.audits).toEqual([expect.objectContaining({ type: 'ArrestPacketReceived', actor: RMS.username, source: SOURCE, details: { from: null, to: 'RECEIVED', version: 1 } })]);
    // The execution carries the packet as stored: validating and transmitting it read nothing.
    const stored = fake.packets.get(PACKET_ID);
    expect(fake.started).toEqual([{ name: executionNameOf(PACKET_ID, 1), input: { packetId: PACKET_ID, version: 1, packet: stored?.packet, ori: stored?.ori, incidentNumber: stored?.incidentNumber, review: CLERK_REVIEW } }]);
    expect(fake.published.map((p) => p.packet.status)).toEqual(['RECEIVED']);
  });

  it('starts the execution of a packet too large to carry (over 64 KB) without it: the steps read it', async () => {
    const fake = fakePorts();
    const large = packet((p) => (p.charges[0]!.chargeDescriptionText = 'x'.repeat(CARRIED_PACKET_BYTES)));

    await receivePacket({ caller: RMS, source: SOURCE, body: large }, fake.ports);

    expect(fake.started).toEqual([{ name: expect.any(String), input: { packetId: expect.any(String), version: 1, review: CLERK_REVIEW } }]);
  });

  it('answers the same packet again (a retry) as not created, restarts a RECEIVED one and announces it again', async () => {
    const fake = fakePorts();
    fake.seed(aRecord());

    const result = await receivePacket({ caller: RMS, source: SOURCE, body: packet() }, fake.ports);

    expect(result.created).toBe(false);
    expect(result.packet.packetId).toBe(PACKET_ID);
    expect(fake.audits).toEqual([]);
    expect(fake.started).toHaveLength(1);
    expect(fake.published).toEqual([{ packet: expect.objectContaining({ status: 'RECEIVED', version: 1, updatedAt: '2026-11-28T10:00:00.000Z' }) }]);
  });

  it('does not restart a retried packet that has moved on, but announces its receipt again', async () => {
    const fake = fakePorts();
    fake.seed(aRecord({ status: 'ACCEPTED' }));

    const result = await receivePacket({ caller: RMS, source: SOURCE, body: packet() }, fake.ports);

    expect(result).toMatchObject({ created: false, packet: { status: 'ACCEPTED' } });
    expect(fake.started).toEqual([]);
    expect(fake.published.map((p) => p.packet.status)).toEqual(['RECEIVED']);
  });

  it('refuses different content under the same ORI and incident number with a 409 that says to send a version', async () => {
    const fake = fakePorts();
    fake.seed(aRecord());

    const sent = receivePacket({ caller: RMS, source: SOURCE, body: packet((p) => (p.charges[0]!.chargeCountQuantity = 3)) }, fake.ports);

    await expect(sent).rejects.toThrow(Conflict);
    await expect(sent).rejects.toThrow(`POST ${API}/arrests/${PACKET_ID}/versions`);
    expect(fake.started).toEqual([]);
  });

  it("refuses a packet for another agency, and a caller whose token names no agency, with a 403 before anything is stored", async () => {
    const fake = fakePorts();

    await expect(receivePacket({ caller: OTHER_RMS, source: SOURCE, body: packet() }, fake.ports)).rejects.toThrow(new Forbidden(`The packet's agency.ori ${ORI} is not your agency (CT0000200)`));
    await expect(receivePacket({ caller: caller(['agency-rms']), source: SOURCE, body: packet() }, fake.ports)).rejects.toThrow('Your token names no agency (ORI)');
    expect(fake.packets.size).toBe(0);
  });
});

describe('amendPacket (POST /arrests/{packetId}/versions)', () => {
  const request = (overrides: Partial<Parameters<typeof amendPacket>[0]> = {}) => ({ caller: RMS, source: SOURCE, packetId: PACKET_ID, resource: '/arrests/{packetId}/versions', body: () => packet((p) => (p.charges[0]!.chargeCountQuantity = 2)), ...overrides });

  it('stores version 2 RECEIVED, stops the old execution, starts the new one and announces it', async () => {
    const fake = fakePorts();
    fake.seed(aRecord({ status: 'RETURNED' }));

    const result = await amendPacket(request(), fake.ports);

    expect(result).toMatchObject({ changed: true, packet: { version: 2, status: 'RECEIVED' } });
    expect(fake.audits).toEqual([expect.objectContaining({ type: 'ArrestPacketReceived', details: { from: 'RETURNED', to: 'RECEIVED', version: 2 } })]);
    expect(fake.stopped).toEqual([{ name: executionNameOf(PACKET_ID, 1), cause: 'Superseded by version 2' }]);
    expect(fake.started).toEqual([{ name: executionNameOf(PACKET_ID, 2), input: expect.objectContaining({ packetId: PACKET_ID, version: 2, packet: expect.any(Object) }) }]);
    // The new version's content is what its execution carries.
    expect((fake.started[0]?.input as { packet: ArrestPacket }).packet.charges[0]?.chargeCountQuantity).toBe(2);
    expect(fake.published.map((p) => [p.packet.status, p.packet.version])).toEqual([['RECEIVED', 2]]);
  });

  it('answers the same content again as unchanged, starting a RECEIVED one (a retry)', async () => {
    const fake = fakePorts();
    fake.seed(aRecord());

    const result = await amendPacket(request({ body: () => packet() }), fake.ports);

    expect(result).toMatchObject({ changed: false, packet: { version: 1 } });
    expect(fake.started).toHaveLength(1);
    expect(fake.stopped).toEqual([]);
  });

  it('refuses to amend a packet already accepted (409)', async () => {
    const fake = fakePorts();
    fake.seed(aRecord({ status: 'ACCEPTED' }));

    await expect(amendPacket(request(), fake.ports)).rejects.toThrow(new Conflict(`Packet ${PACKET_ID} is ACCEPTED: only a packet not yet accepted can be amended`));
    expect(fake.started).toEqual([]);
  });

  it('refuses another incident number, naming the field (400)', async () => {
    const fake = fakePorts();
    fake.seed(aRecord());

    const sent = amendPacket(request({ body: () => packet((p) => (p.incidentNumber = 'OTHER-1')) }), fake.ports);

    await expect(sent).rejects.toThrow(ValidationFailed);
    await expect(sent).rejects.toMatchObject({ problems: [{ field: 'incidentNumber', rule: expect.stringContaining(`must stay ${fixture.incidentNumber}`) }] });
  });

  it("answers another agency's packet as a missing one (404), audited as denied, without reading the body", async () => {
    const fake = fakePorts();
    fake.seed(aRecord());

    await expect(amendPacket(request({ caller: OTHER_RMS, body: neverRead }), fake.ports)).rejects.toThrow(new NotFound(`No arrest packet ${PACKET_ID}`));
    expect(fake.audits).toEqual([expect.objectContaining({ type: 'ArrestPacketRead', outcome: 'denied', details: { route: '/arrests/{packetId}/versions' } })]);
  });

  it('answers a malformed id as no such packet (404), audited as a failure without the id', async () => {
    const fake = fakePorts();

    await expect(amendPacket(request({ packetId: undefined, body: neverRead }), fake.ports)).rejects.toThrow(new NotFound('No such arrest packet'));
    expect(fake.audits).toEqual([expect.objectContaining({ outcome: 'failure', subject: { type: 'arrest-packet', id: '(malformed)' } })]);
  });

  it('answers a caller who may see the packet but does not act for its agency as if it were missing (404)', async () => {
    const fake = fakePorts();
    fake.seed(aRecord());

    await expect(amendPacket(request({ caller: caller(['agency-rms', 'dcj'], { ori: 'CT0000200' }) }), fake.ports)).rejects.toThrow(NotFound);
  });
});

describe('readPacket (GET /arrests/{packetId})', () => {
  const request = (who: Caller) => ({ caller: who, source: SOURCE, packetId: PACKET_ID, resource: '/arrests/{packetId}' });

  it('gives the packet, its versions and its timeline without the reads, and audits the read', async () => {
    const fake = fakePorts();
    fake.seed(aRecord());
    fake.trail.push({ at: 't1', type: 'ArrestPacketReceived', actor: 'rms', outcome: 'success' }, { at: 't2', type: 'ArrestPacketRead', actor: 'x', outcome: 'success' });

    const answer = await readPacket(request(RMS), fake.ports);

    expect(answer).toMatchObject({ packetId: PACKET_ID, versions: [{ version: 1 }], timeline: [{ at: 't1', type: 'ArrestPacketReceived', actor: 'rms', outcome: 'success', details: {} }], execution: { current: expect.stringContaining(executionNameOf(PACKET_ID, 1)), waitingForAdjudication: null } });
    expect(fake.audits).toEqual([expect.objectContaining({ type: 'ArrestPacketRead', outcome: 'success', details: { status: 'RECEIVED' } })]);
  });

  it('shows a community caller a published packet without its executions, and an unpublished one as missing', async () => {
    const fake = fakePorts();
    fake.seed(aRecord({ status: 'AVAILABLE' }));
    expect(await readPacket(request(COMMUNITY), fake.ports)).not.toHaveProperty('execution');

    fake.seed(aRecord({ status: 'ACCEPTED' }));
    await expect(readPacket(request(COMMUNITY), fake.ports)).rejects.toThrow(NotFound);
  });
});

describe('listPackets (GET /arrests)', () => {
  const request = (who: Caller, query: Partial<Parameters<typeof listPackets>[0]['query']> = {}, parameters: Record<string, string> | null = null) => ({ caller: who, source: SOURCE, query: { limit: 25, ...query }, parameters });

  it("refuses an agency's list of another agency's ORI (403)", async () => {
    await expect(listPackets(request(RMS, { ori: 'CT0000200' }), fakePorts().ports)).rejects.toThrow(new Forbidden(`You may list only your agency's packets (${ORI})`));
  });

  it("lists by the caller's view and leaves out what the caller may not see", async () => {
    const fake = fakePorts();
    fake.seed(aRecord());
    fake.seed(aRecord({ packetId: 'ap-000000000000000000000002', ori: 'CT0000200' }));

    const answer = await listPackets(request(RMS), fake.ports);

    expect(fake.listed).toEqual([{ view: { kind: 'agency', ori: ORI } }]);
    expect(answer).toEqual({ packets: [expect.objectContaining({ packetId: PACKET_ID })], nextToken: null });
  });

  it('gives a cursor that opens for the same list, filters and caller, and for no other (400 naming it)', async () => {
    const fake = fakePorts();
    fake.page.next = { pk: 'ARREST#x', sk: 'PACKET' };
    const first = await listPackets(request(JUDGE, { status: 'AVAILABLE' }), fake.ports);
    expect(first.nextToken).toEqual(expect.stringMatching(/^c1\./));

    await expect(listPackets(request(JUDGE, { status: 'AVAILABLE' }, { nextToken: first.nextToken! }), fake.ports)).resolves.toBeDefined();
    await expect(listPackets(request(JUDGE, { status: 'RECEIVED' }, { nextToken: first.nextToken! }), fake.ports)).rejects.toMatchObject({ problems: [{ field: 'nextToken' }] });
  });
});

describe('adjudicatePacket (POST /arrests/{packetId}/adjudication)', () => {
  const all: Adjudication = {
    dispositions: [
      { chargeSequenceID: 1, disposition: 'guilty', dispositionDate: '2026-11-28' },
      { chargeSequenceID: 2, disposition: 'nolle', dispositionDate: '2026-11-28' },
    ],
  };
  const request = (body: Adjudication = all) => ({ caller: JUDGE, source: SOURCE, packetId: PACKET_ID, resource: '/arrests/{packetId}/adjudication', body: () => body });

  it('records an AVAILABLE packet ADJUDICATED, announces the dispositions and wakes the waiting execution', async () => {
    const fake = fakePorts();
    fake.seed(aRecord({ status: 'AVAILABLE', sealedAdjudicationToken: 'sealed-1' }));

    const result = await adjudicatePacket(request(), fake.ports);

    expect(result).toMatchObject({ changed: true, packet: { status: 'ADJUDICATED' } });
    expect(fake.packets.get(PACKET_ID)).toMatchObject({ status: 'ADJUDICATED', dispositions: all.dispositions, adjudicatedAt: NOW });
    expect(fake.published).toEqual([{ packet: expect.objectContaining({ status: 'ADJUDICATED' }), extra: { dispositions: [{ chargeSequenceID: 1, disposition: 'guilty' }, { chargeSequenceID: 2, disposition: 'nolle' }] } }]);
    expect(fake.resumed).toEqual([{ sealed: 'sealed-1', output: { dispositions: all.dispositions, adjudicatedAt: NOW, adjudicatedBy: JUDGE.username } }]);
  });

  it('names every charge without a disposition, and every one given twice or not of the packet (400)', async () => {
    const fake = fakePorts();
    fake.seed(aRecord({ status: 'AVAILABLE' }));
    const one = all.dispositions[0]!;

    await expect(adjudicatePacket(request({ dispositions: [one] }), fake.ports)).rejects.toMatchObject({ problems: [{ field: 'dispositions', rule: 'must give a disposition for the charge with chargeSequenceID 2' }] });
    await expect(adjudicatePacket(request({ dispositions: [...all.dispositions, one, { ...one, chargeSequenceID: 9 }] }), fake.ports)).rejects.toMatchObject({
      problems: [expect.objectContaining({ rule: expect.stringContaining('chargeSequenceID 1 is not one of them, or is given twice') }), expect.objectContaining({ rule: expect.stringContaining('chargeSequenceID 9') })],
    });
    expect(fake.packets.get(PACKET_ID)?.status).toBe('AVAILABLE');
  });

  it('refuses a packet that is not yet AVAILABLE (409)', async () => {
    const fake = fakePorts();
    fake.seed(aRecord({ status: 'TRANSMITTED' }));

    await expect(adjudicatePacket(request(), fake.ports)).rejects.toThrow(new Conflict(`Packet ${PACKET_ID} is TRANSMITTED: it can be adjudicated once it is AVAILABLE`));
  });

  it('answers the same dispositions again as a retry, waking the execution once more; other dispositions are a 409', async () => {
    const fake = fakePorts();
    fake.seed(aRecord({ status: 'ADJUDICATED', dispositions: all.dispositions, adjudicatedAt: '2026-11-28T09:00:00.000Z', sealedAdjudicationToken: 'sealed-2' }));

    await expect(adjudicatePacket(request(), fake.ports)).resolves.toMatchObject({ changed: false });
    expect(fake.resumed).toEqual([{ sealed: 'sealed-2', output: expect.objectContaining({ adjudicatedAt: '2026-11-28T09:00:00.000Z' }) }]);
    expect(fake.published).toEqual([]);

    const other = { dispositions: all.dispositions.map((d) => ({ ...d, disposition: 'dismissed' as const })) };
    await expect(adjudicatePacket(request(other), fake.ports)).rejects.toThrow(new Conflict(`Packet ${PACKET_ID} was already adjudicated on 2026-11-28T09:00:00.000Z`));
  });

  it('does not wake anything for a HISTORICAL packet adjudicated the same way', async () => {
    const fake = fakePorts();
    fake.seed(aRecord({ status: 'HISTORICAL', dispositions: all.dispositions, sealedAdjudicationToken: 'sealed-3' }));

    await expect(adjudicatePacket(request(), fake.ports)).resolves.toMatchObject({ changed: false });
    expect(fake.resumed).toEqual([]);
  });

  it('records the adjudication when no execution waits at that moment (the next one archives the packet)', async () => {
    const fake = fakePorts();
    fake.seed(aRecord({ status: 'AVAILABLE', sealedAdjudicationToken: 'sealed-4' }));
    fake.noneWaits();

    await expect(adjudicatePacket(request(), fake.ports)).resolves.toMatchObject({ changed: true });
    expect(fake.packets.get(PACKET_ID)?.status).toBe('ADJUDICATED');
  });

  it('answers a packet the judge may not see as missing before reading the body', async () => {
    const fake = fakePorts();

    await expect(adjudicatePacket({ ...request(), body: neverRead }, fake.ports)).rejects.toThrow(NotFound);
  });
});

describe('who sees which packet (domain/audience.ts)', () => {
  const record = (status: PacketRecord['status']) => aRecord({ status });

  it.each([
    ['its own agency, at every stage', RMS, 'RECEIVED', true],
    ['another agency, never', OTHER_RMS, 'AVAILABLE', false],
    ['a clerk of the court it is arraigned in', caller(['court-clerk'], { courts: ['GA23'] }), 'VALIDATED', true],
    ['a clerk of another court, never', caller(['court-clerk'], { courts: ['GA7'] }), 'VALIDATED', false],
    ['the community, once it is available', COMMUNITY, 'AVAILABLE', true],
    ['the community, not before', COMMUNITY, 'TRANSMITTED', false],
    ['prosecution, always', caller(['dcj']), 'RECEIVED', true],
  ] as const)('%s', (_name, who, status, sees) => {
    expect(maySee(who, record(status))).toBe(sees);
  });

  it('lists by the first view that applies: all, agency, courts, published', () => {
    expect(viewOf(caller(['auditor', 'agency-rms'], { ori: ORI }))).toEqual({ kind: 'all' });
    expect(viewOf(RMS)).toEqual({ kind: 'agency', ori: ORI });
    expect(viewOf(caller(['court-clerk'], { courts: ['GA23', 'GA7'] }))).toEqual({ kind: 'courts', gaNumbers: [23, 7] });
    expect(viewOf(COMMUNITY)).toEqual({ kind: 'published' });
    expect(() => viewOf(caller(['agency-admin']))).toThrow('Your token names no agency (ORI)');
  });
});
