import fc from 'fast-check';
import { ACCESS_STATUSES, CLOSED_STATUSES, NewAccessRequestSchema, stepOf } from '../../functions/access/domain/request';
import { assertProperty } from './property';

const JUSTIFICATION = 'Processes pistol permit applications and must check applicants against state criminal history records before issuing.';

const aRequest = (overrides: { employee?: Record<string, unknown>; ori?: unknown; justification?: unknown } = {}) => ({
  employee: { fullName: 'Jane Q. Doe', email: 'jane.doe@police.ct.example', jobTitle: 'Records clerk', mfaPhones: ['+1 860 555 0100'], ...overrides.employee },
  ori: 'ori' in overrides ? overrides.ori : 'CT0000100',
  justification: 'justification' in overrides ? overrides.justification : JUSTIFICATION,
});

/** Every issue as `path: message`. */
const issuesOf = (input: unknown) => {
  const result = NewAccessRequestSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const pathsOf = (input: unknown) => [...new Set(issuesOf(input).map((i) => i.split(':')[0]))];

describe('NewAccessRequestSchema', () => {
  it('accepts a complete request, and one without MFA phones', () => {
    expect(issuesOf(aRequest())).toEqual([]);
    const { mfaPhones: _phones, ...employee } = aRequest().employee;
    expect(issuesOf({ ...aRequest(), employee })).toEqual([]);
  });

  it('trims the full name, job title and justification', () => {
    const parsed = NewAccessRequestSchema.parse(aRequest({ employee: { fullName: '  Jane Doe ', jobTitle: ' Clerk ' }, justification: `  ${JUSTIFICATION}\n` }));
    expect([parsed.employee.fullName, parsed.employee.jobTitle, parsed.justification]).toEqual(['Jane Doe', 'Clerk', JUSTIFICATION]);
  });

  describe('the employee', () => {
    it.each(['', 'Jo', '   Jo   ', 'x'.repeat(121)])('refuses the full name %j', (fullName) => {
      expect(pathsOf(aRequest({ employee: { fullName } }))).toEqual(['employee.fullName']);
    });

    it('says a short full name must be the full name', () => {
      expect(issuesOf(aRequest({ employee: { fullName: 'Jo' } }))).toEqual(['employee.fullName: must be the full name (at least 3 characters)']);
    });

    it.each(['', 'jane.doe', 'jane@', '@police.ct.example', 'jane doe@police.ct.example', `${'a'.repeat(250)}@x.example`])('refuses the e-mail %j as not a work e-mail address', (email) => {
      expect(issuesOf(aRequest({ employee: { email } }))[0]).toMatch(/^employee\.email: /);
      expect(pathsOf(aRequest({ employee: { email } }))).toEqual(['employee.email']);
    });

    it.each([' jane.doe@police.ct.example', 'jane.doe@police.ct.example  ', '\tjane.doe@police.ct.example\n'])('accepts the e-mail %j with spaces around it, trimmed', (email) => {
      expect(issuesOf(aRequest({ employee: { email } }))).toEqual([]);
      expect(NewAccessRequestSchema.parse(aRequest({ employee: { email } })).employee.email).toBe('jane.doe@police.ct.example');
    });

    it('says what a bad e-mail must be', () => {
      expect(issuesOf(aRequest({ employee: { email: 'jane.doe' } }))).toEqual(['employee.email: must be a work e-mail address']);
    });

    it.each(['', 'X', ' X ', 'x'.repeat(121)])('refuses the job title %j', (jobTitle) => {
      expect(pathsOf(aRequest({ employee: { jobTitle } }))).toEqual(['employee.jobTitle']);
    });

    it.each(['+1 860 555 0100', '(860) 555-0100', '8605550100', '555.0100'])('accepts the MFA phone %j', (phone) => {
      expect(issuesOf(aRequest({ employee: { mfaPhones: [phone] } }))).toEqual([]);
    });

    it.each(['call me', '555', '+1 860 555 0100 ext 12', '+1 (860) 555-0100 0000 0000'])('refuses the MFA phone %j, saying what a phone number looks like', (phone) => {
      expect(issuesOf(aRequest({ employee: { mfaPhones: ['+1 860 555 0100', phone] } }))).toEqual(['employee.mfaPhones.1: must be a phone number, e.g. +1 860 555 0100']);
    });

    it('refuses more than 3 MFA phones', () => {
      expect(pathsOf(aRequest({ employee: { mfaPhones: ['5550101', '5550102', '5550103', '5550104'] } }))).toEqual(['employee.mfaPhones']);
    });
  });

  describe('the ORI', () => {
    it.each(['CT0000100', 'CT00001A0', 'NY1234567'])('accepts %s', (ori) => {
      expect(issuesOf(aRequest({ ori }))).toEqual([]);
    });

    it.each(['ct0000100', 'CT000010', 'CT00001000', 'C10000100', 'CT-000100', '', undefined])('refuses %j with the format', (ori) => {
      expect(pathsOf(aRequest({ ori }))).toEqual(['ori']);
    });

    it('says what an ORI looks like', () => {
      expect(issuesOf(aRequest({ ori: 'ct0000100' }))).toEqual(['ori: must be 2 letters and 7 letters or digits, e.g. CT0000100']);
    });
  });

  describe('the justification', () => {
    it('accepts a statement of the duties that need criminal history record information', () => {
      expect(issuesOf(aRequest())).toEqual([]);
    });

    it('refuses one under 40 characters, explaining what it must say', () => {
      const issues = issuesOf(aRequest({ justification: 'Needs it for pistol permit checks.' }));
      expect(issues).toContain('justification: must explain, in at least 40 characters, why this person has a legitimate business need to see criminal history record information');
      expect(issues.every((i) => i.startsWith('justification: '))).toBe(true);
    });

    it.each(['N/A', 'n/a', 'NA', 'needed', 'Access', 'TBD', '...', '  none  '])('refuses the placeholder %j', (justification) => {
      const issues = issuesOf(aRequest({ justification }));
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.every((i) => i.startsWith('justification: ') && /business need/.test(i))).toBe(true);
    });

    it('refuses 40 characters and more of few distinct words, saying it must state the need in words', () => {
      for (const justification of ['access access access access access access access', 'need need need need need need need need need', 'Need CCHRS access for work; need CCHRS access for work.']) {
        expect(justification.length).toBeGreaterThanOrEqual(40);
        expect(issuesOf(aRequest({ justification }))).toEqual(['justification: must state the business need in words (which duties require criminal history record information), not a placeholder']);
      }
    });

    it('refuses more than 2000 characters', () => {
      expect(pathsOf(aRequest({ justification: `${JUSTIFICATION} `.repeat(20) }))).toEqual(['justification']);
    });

    it('refuses any justification under 40 characters', () => {
      assertProperty(fc.property(fc.string({ maxLength: 39 }), (justification) => !NewAccessRequestSchema.safeParse(aRequest({ justification })).success));
    });

    it('refuses any justification of fewer than 6 distinct words longer than 2 letters, however long', () => {
      const word = fc.constantFrom('records', 'criminal', 'history', 'access', 'checks');
      assertProperty(
        fc.property(fc.array(word, { minLength: 8, maxLength: 60 }), (words) => !NewAccessRequestSchema.safeParse(aRequest({ justification: words.join(' ') })).success),
      );
    });

    it('is required', () => {
      expect(pathsOf(aRequest({ justification: undefined }))).toEqual(['justification']);
    });
  });

  it('lists every field that failed, not only the first', () => {
    expect(pathsOf({ employee: { fullName: 'J', email: 'x', jobTitle: '' }, ori: 'ct', justification: 'N/A' })).toEqual(['employee.fullName', 'employee.email', 'employee.jobTitle', 'ori', 'justification']);
  });
});

describe('stepOf', () => {
  it('describes every status, each differently', () => {
    const steps = ACCESS_STATUSES.map(stepOf);
    expect(steps.every((s) => typeof s === 'string' && s.trim().length > 0)).toBe(true);
    expect(new Set(steps).size).toBe(ACCESS_STATUSES.length);
  });

  it('tells the employee the temporary password lasts 24 hours, and that an expired one can be reissued', () => {
    expect(stepOf('TEMPORARY_PASSWORD_ISSUED')).toContain('24 hours');
    expect(stepOf('PASSWORD_EXPIRED')).toMatch(/reissue/);
  });
});

describe('CLOSED_STATUSES', () => {
  it('are exactly DENIED, ACTIVE and REQUEST_EXPIRED; an expired password is not closed (it can be reissued)', () => {
    expect([...CLOSED_STATUSES].sort()).toEqual(['ACCOUNT_REMOVED', 'ACTIVE', 'DENIED', 'REQUEST_EXPIRED']);
    expect(CLOSED_STATUSES).not.toContain('PASSWORD_EXPIRED');
    expect(CLOSED_STATUSES.every((s) => ACCESS_STATUSES.includes(s))).toBe(true);
  });
});
