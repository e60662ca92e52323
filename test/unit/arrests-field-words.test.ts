import { packetFieldInWords, ruleInWords } from '../../functions/arrests/domain/field-words';
import { validatePacket } from '../../functions/arrests/domain/rules';
import { custodialPacket } from '../../drive/arrest-packet';
import { ArrestPacketSchema } from '../../functions/arrests/domain/packet';

const NOW = new Date('2026-11-23T15:00:00Z');

describe("a packet's rules in words, for the portal", () => {
  it('names a charge from 1 and its field as people call it', () => {
    expect(packetFieldInWords('charges.0.statuteSection')).toBe('Charge 1, statute');
    expect(packetFieldInWords('charges.2.chargeCountQuantity')).toBe('Charge 3, number of counts');
    expect(packetFieldInWords('charges.4')).toBe('Charge 5');
    expect(packetFieldInWords('arrestee.personBirthDate')).toBe("The arrestee's date of birth");
  });

  it('words a path no table names rather than showing it as it is', () => {
    expect(packetFieldInWords('arrest.location.postalCode')).toBe('Arrest location postal code');
  });

  it('makes one sentence of a failed rule, document codes in words', () => {
    expect(ruleInWords({ field: 'documents', rule: 'must include a custodial-arrest-report: a custodial arrest needs one' })).toBe(
      'The attached documents must include a custodial arrest report: a custodial arrest needs one.',
    );
    expect(ruleInWords({ field: 'court.gaNumber', rule: 'must be a geographical-area court that arraigns arrests; GA 24 is not' })).toBe(
      'The court (GA number) must be a geographical-area court that arraigns arrests; GA 24 is not.',
    );
  });

  it('keeps statute citations, hyphens and all', () => {
    expect(ruleInWords({ field: 'charges.0.statuteSection', rule: 'must cite a known Connecticut statute section; section 53a-999 is not in the reference table' })).toBe(
      'Charge 1, statute must cite a known Connecticut statute section; section 53a-999 is not in the reference table.',
    );
  });

  it('words every rule the validation step can break, with no machine path left in the sentence', () => {
    const p = ArrestPacketSchema.parse(custodialPacket('words', NOW.getTime()));
    p.charges[0]!.statuteSection = '53a-999';
    p.arrestee.personBirthDate = '2026-11-30';
    p.arraignmentDate = '2026-01-01';
    p.documents = [];
    p.arrest.activityDateTime = '2026-12-30T10:00:00-05:00';
    const { problems } = validatePacket(p, NOW);
    expect(problems.length).toBeGreaterThanOrEqual(5);
    for (const sentence of problems.map(ruleInWords)) {
      expect(sentence).not.toMatch(/charges\.\d|personBirthDate|arraignmentDate|activityDateTime|gaNumber|-report\b/);
      expect(sentence).toMatch(/^[A-Z].*\.$/);
    }
  });
});
