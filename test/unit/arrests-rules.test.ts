import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { ArrestPacketSchema, contentHash, packetIdOf, type ArrestPacket } from '../../functions/arrests/domain/packet';
import { ageAt, validatePacket } from '../../functions/arrests/domain/rules';
import { csvFields, statutes } from '../../functions/arrests/domain/statutes';
import { assertProperty } from './property';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/arrests/custodial.json', import.meta.url), 'utf8')) as ArrestPacket;
const NOW = new Date('2026-11-23T15:00:00Z');
const packet = (change: (p: ArrestPacket) => void = () => undefined): ArrestPacket => {
  const p = structuredClone(fixture);
  change(p);
  return p;
};

describe('the Connecticut statutes reference table', () => {
  it('loads all 171 sections with a base class each', () => {
    expect(statutes().size).toBe(171);
    expect(statutes().get('53a-61')).toEqual({ section: '53a-61', title: 'Assault in the third degree', baseClass: 'A misdemeanor', category: 'person' });
  });

  it('reads quoted CSV fields with commas and doubled quotes', () => {
    expect(csvFields('53a-59a,"Assault of an elderly, blind ""x""",B felony,person')).toEqual(['53a-59a', 'Assault of an elderly, blind "x"', 'B felony', 'person']);
  });
});

describe('the arrest packet schema', () => {
  it('accepts the sample packet', () => {
    expect(ArrestPacketSchema.safeParse(fixture).success).toBe(true);
  });

  it('lists every field that fails, not the first', () => {
    const result = ArrestPacketSchema.safeParse(packet((p) => Object.assign(p, { incidentNumber: '', arraignmentDate: 'soon', court: { gaNumber: 0 } })));

    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['arraignmentDate', 'court.gaNumber', 'incidentNumber']);
  });
});

describe('the business rules of step 2', () => {
  it('passes the sample packet with no problem and no warning', () => {
    expect(validatePacket(fixture, NOW)).toEqual({ problems: [], warnings: [] });
  });

  it.each<[string, (p: ArrestPacket) => void, string, RegExp]>([
    ['an unknown statute', (p) => (p.charges[0]!.statuteSection = '53a-999'), 'charges.0.statuteSection', /not a known Connecticut statute/],
    ['a birth date after the arrest', (p) => (p.arrestee.personBirthDate = '2026-11-21'), 'arrestee.personBirthDate', /before the arrest/],
    ['an implausible age', (p) => (p.arrestee.personBirthDate = '2020-01-01'), 'arrestee.personBirthDate', /between 14 and 110/],
    ['an arrest in the future', (p) => ((p.arrest.activityDateTime = '2026-12-01T10:00:00Z'), (p.arraignmentDate = '2026-12-02')), 'arrest.activityDateTime', /future/],
    ['an arraignment before the arrest', (p) => (p.arraignmentDate = '2026-11-19'), 'arraignmentDate', /on or after/],
    ['a missing document', (p) => (p.documents = []), 'documents', /needs a uniform-arrest-report/],
    ['an unknown court', (p) => (p.court.gaNumber = 6), 'court.gaNumber', /GA 6/],
  ])('rejects %s with its message', (_, change, field, rule) => {
    const { problems } = validatePacket(packet(change), NOW);

    expect(problems).toContainEqual({ field, rule: expect.stringMatching(rule) });
  });

  it('warns, and does not reject, when a class differs from the base class', () => {
    const result = validatePacket(packet((p) => (p.charges[0]!.offenseClass = 'D felony')), NOW);

    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([{ field: 'charges.0.offenseClass', rule: expect.stringContaining('A misdemeanor in its basic form') }]);
  });

  it('computes the age in whole years, a day before and on the birthday', () => {
    expect([ageAt('2000-11-24', NOW), ageAt('2000-11-23', NOW)]).toEqual([25, 26]);
  });

  it('gives an age between 0 and the year difference for any birth date before the arrest', () => {
    assertProperty(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2026-11-22'), noInvalidDate: true }), (birth) => {
        const age = ageAt(birth.toISOString().slice(0, 10), NOW);
        return age >= 0 && age <= NOW.getUTCFullYear() - birth.getUTCFullYear();
      }),
    );
  });
});

const KEY = Buffer.from('a packet id key for the tests');

describe('packet identity', () => {
  it('derives the same id from the same (ORI, incident) and different ids otherwise', () => {
    assertProperty(
      fc.property(fc.stringMatching(/^[A-Z0-9-]{1,20}$/), fc.stringMatching(/^[A-Z0-9-]{1,20}$/), (a, b) => (packetIdOf(KEY, 'CT0000100', a) === packetIdOf(KEY, 'CT0000100', b)) === (a === b)),
    );
  });

  it('keys the id: without the key, trying an agency\'s incident numbers does not find it', () => {
    const id = packetIdOf(KEY, 'CT0000100', '2026-00042');
    const unkeyed = (incident: string) => `ap-${createHash('sha256').update(`CT0000100\n${incident}`).digest('hex').slice(0, 24)}`;
    expect(id).toMatch(/^ap-[0-9a-f]{24}$/);
    expect(id).not.toBe(unkeyed('2026-00042'));
    expect(packetIdOf(Buffer.from('another key'), 'CT0000100', '2026-00042')).not.toBe(id);
  });

  it('fingerprints content regardless of key order', () => {
    const reordered = Object.fromEntries(Object.entries(fixture).reverse()) as ArrestPacket;

    expect(contentHash(reordered)).toBe(contentHash(fixture));
    expect(contentHash(packet((p) => (p.charges[0]!.chargeCountQuantity = 2)))).not.toBe(contentHash(fixture));
  });
});
