import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { ArrestPacketSchema, contentHash, packetIdOf, type ArrestPacket } from '../../functions/arrests/domain/packet';
import { chargeLine, chargesInWords } from '../../functions/arrests/domain/charges';
import { ageOn, arrestDay, validatePacket } from '../../functions/arrests/domain/rules';
import { CITATION_FORM, csvFields, parseCitation, resolveCitation, statutes } from '../../functions/arrests/domain/statutes';
import { assertProperty } from './property';

const fixture = JSON.parse(readFileSync(new URL('../../drive/arrest-packet.custodial.json', import.meta.url), 'utf8')) as ArrestPacket;
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
    ['an unknown statute', (p) => (p.charges[0]!.statuteSection = '53a-999'), 'charges.0.statuteSection', /must cite a known Connecticut statute section; section 53a-999 is not/],
    ['an unknown statute cited with a subsection', (p) => (p.charges[0]!.statuteSection = '53a-999(a)(1)'), 'charges.0.statuteSection', /section 53a-999 \(cited as 53a-999\(a\)\(1\)\) is not/],
    ['a birth date after the arrest', (p) => (p.arrestee.personBirthDate = '2026-11-21'), 'arrestee.personBirthDate', /before the arrest day \(2026-11-20\)/],
    ['an implausible age', (p) => (p.arrestee.personBirthDate = '2020-01-01'), 'arrestee.personBirthDate', /between 14 and 110/],
    ['an arrest in the future', (p) => ((p.arrest.activityDateTime = '2026-12-01T10:00:00Z'), (p.arraignmentDate = '2026-12-02')), 'arrest.activityDateTime', /future/],
    ['an arraignment before the arrest', (p) => (p.arraignmentDate = '2026-11-19'), 'arraignmentDate', /on or after the arrest day/],
    ['a missing document', (p) => (p.documents = []), 'documents', /must include a uniform-arrest-report/],
    ['an unknown court', (p) => (p.court.gaNumber = 6), 'court.gaNumber', /GA 6 is not/],
  ])('rejects %s with its message', (_, change, field, rule) => {
    const { problems } = validatePacket(packet(change), NOW);

    expect(problems).toContainEqual({ field, rule: expect.stringMatching(rule) });
  });

  it('warns, and does not reject, when a class differs from the base class', () => {
    const result = validatePacket(packet((p) => (p.charges[0]!.offenseClass = 'D felony')), NOW);

    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([{ field: 'charges.0.offenseClass', rule: expect.stringContaining('53a-61 (Assault in the third degree) is an A misdemeanor in its basic form; charged as D felony') }]);
  });
});

describe('statute citations with subsections', () => {
  it.each([
    ['53a-61(a)(1)', '53a-61', 'Assault in the third degree'],
    ['14-227a(a)', '14-227a', 'Operation while under the influence of liquor or drug or while having an elevated blood alcohol content'],
    ['53a-125b', '53a-125b', 'Larceny in the sixth degree'],
    ['53a-125b(a)', '53a-125b', 'Larceny in the sixth degree'],
    ['14-223(b)(2)', '14-223(b)', 'Increasing speed in attempt to escape or elude officer'],
    ['53a-61aa(a)(1)(A)', '53a-61aa', 'Threatening in the first degree'],
  ])('accepts %s, checked against the row %s, and keeps the citation as sent', (citation, key, title) => {
    const p = packet((x) => (x.charges[0]!.statuteSection = citation));
    const { problems } = validatePacket(p, NOW);

    expect(problems).toEqual([]);
    expect(p.charges[0]!.statuteSection).toBe(citation);
    expect(chargesInWords(p)[0]).toMatchObject({ charge: 'Charge 1', citation, section: key, title });
  });

  it('reads a split section by its subsection: 14-223(a) an infraction, 14-223(b) a misdemeanor', () => {
    expect([resolveCitation('14-223(a)(1)')?.statute.baseClass, resolveCitation('14-223(b)')?.statute.baseClass]).toEqual(['infraction', 'A misdemeanor']);
    expect(resolveCitation('14-223')).toBeUndefined();
    expect(validatePacket(packet((p) => (p.charges[0]!.statuteSection = '14-223')), NOW).problems).toEqual([
      { field: 'charges.0.statuteSection', rule: 'must cite a subsection of 14-223: its subsections are different offenses (14-223(a), 14-223(b))' },
    ]);
  });

  it('refuses a malformed citation at the schema, naming the charge field and the expected form', () => {
    const result = ArrestPacketSchema.safeParse(packet((p) => (p.charges[1]!.statuteSection = '53a 61 (a)')));

    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['charges', 1, 'statuteSection'], message: `must be ${CITATION_FORM}` })]);
  });

  it('shows the clerk the citation as sent and the section with its title and class', () => {
    const p = packet((x) => (x.charges[0]!.statuteSection = '53a-61(a)(1)'));
    const [first, second] = chargesInWords(p);

    expect(chargeLine(first!, 0)).toBe('53a-61(a)(1): section 53a-61, Assault in the third degree (A misdemeanor); "Assault in the third degree", charged as A misdemeanor, 1 count');
    expect(chargeLine(second!, 1)).toBe('53a-181: Breach of the peace in the second degree (B misdemeanor); "Breach of the peace in the second degree", charged as B misdemeanor, 2 counts');
  });

  const sections = [...statutes().keys()].map((k) => parseCitation(k)).filter((c) => c !== undefined);
  const subsection = fc.stringMatching(/^[a-zA-Z0-9]{1,5}$/);

  it('finds the row of every section in the table under any chain of subsections, and keeps the citation', () => {
    assertProperty(
      fc.property(fc.constantFrom(...sections), fc.array(subsection, { maxLength: 4 }), (row, subs) => {
        const citation = `${row.citation}${subs.map((s) => `(${s})`).join('')}`;
        const cited = resolveCitation(citation);
        return cited !== undefined && cited.citation === citation && cited.section === row.section && citation.startsWith(cited.key) && statutes().get(cited.key) === cited.statute;
      }),
    );
  });

  it('parses a citation back to exactly the text it came from, and never throws on any text', () => {
    assertProperty(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\d{1,2}[a-z]{0,2}-\d{1,4}[a-z]{0,3}(\([A-Za-z0-9]{1,5}\)){0,4}$/)), (text) => {
        const c = parseCitation(text);
        return c === undefined || (c.citation === text && `${c.section}${c.subsections.map((s) => `(${s})`).join('')}` === text);
      }),
    );
  });

  it('refuses text that is not section(sub)…: spaces, empty or unclosed parentheses, no section number', () => {
    expect(['53a-61 (a)', '53a-61()', '53a-61(a', '53a', '-61', '53a-61(a)x', ' 53a-61', 'assault'].map((t) => parseCitation(t))).toEqual(Array(8).fill(undefined));
  });
});

describe('the arrest day: one calendar day for every rule that speaks of a day', () => {
  /** The sample packet arrested at a moment, with a birth date and an arraignment date. */
  const at = (activityDateTime: string, personBirthDate: string, arraignmentDate = activityDateTime.slice(0, 10)) =>
    packet((p) => {
      p.arrest.activityDateTime = activityDateTime;
      p.arrestee.personBirthDate = personBirthDate;
      p.arraignmentDate = arraignmentDate;
    });
  const LATER = new Date('2030-01-01T00:00:00Z');

  it.each([
    ['2026-03-01T23:30:00-05:00', '2026-03-01'],
    ['2026-03-01T00:30:00-04:00', '2026-03-01'],
    ['2026-03-01T23:59:59+00:00', '2026-03-01'],
    ['2026-03-01T00:00:00Z', '2026-03-01'],
    ['2026-03-01T00:15:00+14:00', '2026-03-01'],
    ['2026-03-01T23:59:59.999-05:00', '2026-03-01'],
  ])('%s is on %s, the day in its own offset', (dateTime, day) => {
    expect(arrestDay(dateTime)).toBe(day);
  });

  it("accepts a 14-year-old's arrest late on the local birthday, which is already the next day in UTC", () => {
    const { problems } = validatePacket(at('2026-03-01T23:30:00-05:00', '2012-03-01', '2026-03-02'), LATER);

    expect(problems).toEqual([]);
  });

  it('refuses the same arrest late on the evening before the birthday, though the UTC date is the birthday', () => {
    const { problems } = validatePacket(at('2026-02-28T23:30:00-05:00', '2012-03-01', '2026-03-01'), LATER);

    expect(problems).toEqual([{ field: 'arrestee.personBirthDate', rule: 'gives an age of 13 on the arrest day (2026-02-28); it must be between 14 and 110' }]);
  });

  it('takes the same day for the age and for the arraignment: an arraignment on the local arrest day is accepted', () => {
    expect(validatePacket(at('2026-03-01T23:30:00-05:00', '2012-03-01', '2026-03-01'), LATER).problems).toEqual([]);
    expect(validatePacket(at('2026-03-02T00:30:00+14:00', '2012-03-02', '2026-03-02'), LATER).problems).toEqual([]);
    expect(validatePacket(at('2026-03-02T00:30:00+14:00', '2012-03-02', '2026-03-01'), LATER).problems).toEqual([
      { field: 'arraignmentDate', rule: 'must be on or after the arrest day (2026-03-02)' },
    ]);
  });

  it.each(['-05:00', '-04:00', '+00:00', 'Z', '+14:00'])('at offset %s, turns 14 at local midnight of the birthday, not a second before', (offset) => {
    const before = validatePacket(at(`2026-06-14T23:59:59${offset}`, '2012-06-15', '2026-06-15'), LATER).problems;
    const on = validatePacket(at(`2026-06-15T00:00:00${offset}`, '2012-06-15'), LATER).problems;

    expect(before.map((p) => p.rule)).toEqual(['gives an age of 13 on the arrest day (2026-06-14); it must be between 14 and 110']);
    expect(on).toEqual([]);
  });

  it('refuses a birth on the arrest day itself, and accepts a birth the day before (up to the age rule)', () => {
    expect(validatePacket(at('2026-03-01T23:30:00-05:00', '2026-03-01'), LATER).problems).toEqual([{ field: 'arrestee.personBirthDate', rule: 'must be before the arrest day (2026-03-01)' }]);
    expect(validatePacket(at('2026-03-01T23:30:00-05:00', '2026-02-28'), LATER).problems.map((p) => p.rule)).toEqual([expect.stringContaining('gives an age of 0')]);
  });

  it('counts a 29 February birthday on 1 March in a common year, and on 29 February in a leap year', () => {
    expect([ageOn('2012-02-29', '2026-02-28'), ageOn('2012-02-29', '2026-03-01'), ageOn('2012-02-29', '2028-02-28'), ageOn('2012-02-29', '2028-02-29')]).toEqual([13, 14, 15, 16]);
    expect(validatePacket(at('2026-02-28T23:30:00-05:00', '2012-02-29', '2026-03-02'), LATER).problems.map((p) => p.rule)).toEqual([expect.stringContaining('gives an age of 13')]);
    expect(validatePacket(at('2026-03-01T00:30:00-05:00', '2012-02-29'), LATER).problems).toEqual([]);
  });

  it('refuses an arrest whose instant is ahead of the clock by more than five minutes, whatever its offset says of the day', () => {
    const now = new Date('2026-03-02T04:40:00Z');

    // 23:30-05:00 on 1 March is 04:30Z on 2 March: passed, though its day is "yesterday" in UTC terms.
    expect(validatePacket(at('2026-03-01T23:30:00-05:00', '1990-01-01'), now).problems).toEqual([]);
    // 17:00+14:00 on 2 March is 03:00Z on 2 March: passed, though its day is still 2 March.
    expect(validatePacket(at('2026-03-02T17:00:00+14:00', '1990-01-01'), now).problems).toEqual([]);
    // 23:50-05:00 on 1 March is 04:50Z: ten minutes ahead of the clock, so in the future.
    expect(validatePacket(at('2026-03-01T23:50:00-05:00', '1990-01-01'), now).problems).toEqual([{ field: 'arrest.activityDateTime', rule: 'must not be in the future' }]);
  });

  it('computes the age in whole years, a day before and on the birthday', () => {
    expect([ageOn('2000-11-24', '2026-11-23'), ageOn('2000-11-23', '2026-11-23')]).toEqual([25, 26]);
  });

  it('gives the age as the year difference, less one before the birthday in that year, for any dates', () => {
    const day = fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    assertProperty(
      fc.property(day, day, (birth, on) => {
        fc.pre(birth < on);
        const years = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
        const age = ageOn(birth, on);
        return age >= 0 && (age === years || age === years - 1) && (age === years) === (on.slice(5) >= birth.slice(5));
      }),
    );
  });

  it('takes the date as written for any offset: the day of a date-time is its first ten characters', () => {
    const offset = fc.oneof(fc.constant('Z'), fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 30, 45)).map(([s, h, m]) => `${s}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`));
    assertProperty(
      fc.property(fc.date({ min: new Date('1950-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), offset, (d, off) => {
        const text = `${d.toISOString().slice(0, 19)}${off}`;
        return ArrestPacketSchema.shape.arrest.shape.activityDateTime.safeParse(text).success && arrestDay(text) === d.toISOString().slice(0, 10);
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
