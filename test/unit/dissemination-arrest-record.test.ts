/**
 * Dissemination maps the arrest packet itself (functions/dissemination/domain/arrest-record.ts),
 * so that its bundle carries neither search's connectors' module nor every source's field map. It
 * must map it exactly as search's connector does with the ciss-arrests field map: the rules read
 * the arrest by the names, identifiers, fields and labels search shows.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { PacketRecord } from '../../functions/arrests/adapters/packet-store';
import { arrestRecord } from '../../functions/dissemination/domain/arrest-record';
import { connectorOf } from '../../functions/search/domain/connectors';
import { SearchRecordSchema, type SearchRecord } from '../../functions/search/domain/record';
import { ARRESTS_SOURCE, sourceOf } from '../../functions/search/domain/sources';
import { arrestChange } from '../../functions/search/use-cases/index-arrest';
import { packetRecord } from './dissemination-fakes';

/** The packet as search's ciss-arrests connector maps it (search-index-arrest's path). */
function asSearchMapsIt(packet: PacketRecord): SearchRecord | undefined {
  const mapped = connectorOf(sourceOf(ARRESTS_SOURCE)!).map(arrestChange(packet));
  return mapped.ok && mapped.change.op === 'upsert' ? SearchRecordSchema.parse(mapped.change.record) : undefined;
}

/** The packet with some of its arrestee's, arrest's and agency's fields replaced (undefined removes one). */
function variant(base: PacketRecord, over: { arrestee?: Record<string, unknown>; name?: Record<string, unknown>; arrest?: Record<string, unknown>; agency?: Record<string, unknown>; charges?: unknown[]; top?: Record<string, unknown> }): PacketRecord {
  const p = base.packet as unknown as Record<string, Record<string, unknown>>;
  const arrestee = { ...p['arrestee'], ...over.arrestee, personName: { ...(p['arrestee']!['personName'] as object), ...over.name } };
  const packet = { ...p, arrestee, arrest: { ...p['arrest'], ...over.arrest }, agency: { ...p['agency'], ...over.agency }, ...(over.charges ? { charges: over.charges } : {}) };
  return { ...base, ...over.top, packet } as unknown as PacketRecord;
}

describe("the arrest packet's search record, as dissemination maps it", () => {
  const custodial = packetRecord({ status: 'ADJUDICATED', docketNumber: 'NNH-CR26-0001234', dispositions: [{ chargeSequenceID: 1, disposition: 'Nolle', dispositionDate: '2026-12-01' }] });

  it('is the record search indexes for the packet, at each status, with and without docket, dispositions, SID', () => {
    for (const packet of [custodial, packetRecord({ status: 'RECEIVED' }), packetRecord({ status: 'AVAILABLE', sid: null }), packetRecord({ sid: 'CT-9999-0000' })]) {
      const record = arrestRecord(packet);
      expect(record).toBeDefined();
      expect(record).toEqual(asSearchMapsIt(packet));
    }
    expect(arrestRecord(custodial)).toMatchObject({ source: 'ciss-arrests', id: custodial.packetId, kind: 'arrest', identifiers: { docket: ['NNH-CR26-0001234'] } });
    expect(arrestRecord(custodial)?.fields.map((f) => f.label)).toEqual(expect.arrayContaining(['Docket', 'Arresting agency', 'Statutes', 'Court (GA)', 'Status', 'Dispositions']));
  });

  it('reads missing, blank, padded, numeric and badly dated fields as the connector does (none where it refuses the packet)', () => {
    const text = fc.oneof(fc.constant(undefined), fc.constant(''), fc.constant('   '), fc.string({ maxLength: 12 }), fc.constantFrom(' Doe ', 'NEW HAVEN', 'New London', 'm', 'x', 'female', 'JR', 'CT-0123-4567'), fc.integer({ min: 0, max: 99 }));
    const date = fc.oneof(fc.constant(undefined), fc.constantFrom('1990-04-12', '1990-02-30', '04/12/1990', '2026-11-30T10:00:00Z', '2026-11-30 10:00', ' 1990-04-12 ', ''));
    fc.assert(
      fc.property(
        fc.record({ givenName: text, middleName: text, surName: text, nameSuffix: text }),
        fc.record({ personBirthDate: date, personSex: text, stateIdentification: text, fbiIdentification: text }),
        fc.record({ activityDateTime: date, arrestType: text, location: fc.record({ cityName: text }) }),
        fc.record({ organizationName: text }),
        fc.array(fc.record({ statuteSection: text, chargeDescriptionText: text }), { maxLength: 3 }),
        fc.record({ docketNumber: text, ori: text, incidentNumber: text }),
        (name, arrestee, arrest, agency, charges, top) => {
          const packet = variant(custodial, { name, arrestee, arrest, agency, charges, top: top as Record<string, unknown> });
          let mine: SearchRecord | undefined | Error;
          let search: SearchRecord | undefined | Error;
          try {
            mine = arrestRecord(packet);
          } catch (e) {
            mine = e as Error;
          }
          try {
            search = asSearchMapsIt(packet);
          } catch (e) {
            search = e as Error;
          }
          expect(mine instanceof Error ? 'refused by the schema' : mine).toEqual(search instanceof Error ? 'refused by the schema' : search);
        },
      ),
      { numRuns: 300, seed: 19 },
    );
  });

  it('is none for a packet without an id or with an arrest date that is not a date', () => {
    expect(arrestRecord(variant(custodial, { top: { packetId: ' ' } }))).toBeUndefined();
    expect(arrestRecord(variant(custodial, { arrest: { activityDateTime: '2026-13-01' } }))).toBeUndefined();
    expect(asSearchMapsIt(variant(custodial, { arrest: { activityDateTime: '2026-13-01' } }))).toBeUndefined();
  });
});
