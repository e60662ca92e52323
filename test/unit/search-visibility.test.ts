import { ROLES } from '#shared/roles';
import { hiddenRecordsSql, maySee, redactFields, VISIBILITY, VISIBILITY_VERSION } from '../../functions/search/domain/visibility';

const juvenile = { kind: 'case', juvenile: true };
const order = { kind: 'protective-order', juvenile: false };
const adultCase = { kind: 'case', juvenile: false };

describe('dissemination rules', () => {
  it('are versioned', () => {
    expect(VISIBILITY.version).toBe(VISIBILITY_VERSION);
    expect(VISIBILITY_VERSION).toBeGreaterThanOrEqual(1);
  });

  it('show juvenile records to judicial and DCJ only (CGS § 46b-124)', () => {
    expect(ROLES.filter((role) => maySee([role, 'search'], juvenile))).toEqual(['dcj', 'judicial']);
  });

  it('show protective orders to the court, clerks, prosecutors and agency people only', () => {
    expect(ROLES.filter((role) => maySee([role, 'search'], order))).toEqual(['agency-admin', 'agency-staff', 'court-clerk', 'dcj', 'judicial']);
  });

  it('show every other record to any search user', () => {
    expect(ROLES.filter((role) => maySee([role, 'search'], adultCase))).toEqual([...ROLES]);
  });

  it("leave out a protective order's protected-party fields for all but judicial and clerks", () => {
    const fields = [
      { label: 'Respondent', value: 'R' },
      { label: 'Protected party', value: 'P' },
      { label: "Protected party's address", value: 'A' },
      { label: 'Expires', value: '2027-01-01' },
    ];
    const seen = (role: string) => redactFields([role, 'search'], order, fields).map((f) => f.label);
    expect(seen('judicial')).toEqual(fields.map((f) => f.label));
    expect(seen('court-clerk')).toEqual(fields.map((f) => f.label));
    for (const role of ['dcj', 'agency-staff', 'agency-admin']) expect(seen(role)).toEqual(['Respondent', 'Expires']);
    // The rule is about protective orders: the same label elsewhere stays.
    expect(redactFields(['agency-staff'], adultCase, fields)).toHaveLength(4);
  });

  it('say in SQL what a role may not see, and nothing for a role that sees all', () => {
    expect(hiddenRecordsSql(['judicial', 'search'])).toEqual({ sql: 'TRUE', params: {} });
    expect(hiddenRecordsSql(['dcj', 'search'])).toEqual({ sql: 'TRUE', params: {} });
    expect(hiddenRecordsSql(['agency-staff'])).toEqual({ sql: 'NOT ((r.juvenile))', params: {} });
    expect(hiddenRecordsSql(['unit'])).toEqual({ sql: 'NOT ((r.juvenile) OR (r.kind = :vis_kind_1))', params: { vis_kind_1: 'protective-order' } });
  });
});
