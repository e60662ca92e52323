import { assessVerification, PDF_CERTIFICATE_RULE, TRAINING_MODULES, TrainingVerificationSchema, type TrainingVerification } from '../../functions/access/domain/training';

const TODAY = '2026-11-23';
const online = (module: keyof typeof TRAINING_MODULES, completedOn = '2026-11-20', recordId = `CJO-${module}`) => ({ module, evidence: 'cjis-online' as const, completedOn, recordId });

describe('the training modules', () => {
  it('are the two the CCHRS unit assigns', () => {
    expect(Object.values(TRAINING_MODULES)).toEqual(['Security and Awareness Training — minimum level, General Role', 'CCHRS & NGI Training']);
  });
});

describe('assessVerification', () => {
  it('verifies both modules completed on CJIS Online, with nothing missing and no problem', () => {
    const outcome = assessVerification({ modules: [online('security-awareness', '2026-11-20', 'CJO-1'), online('cchrs-ngi', '2026-11-21', 'CJO-2')] }, TODAY);

    expect(outcome).toEqual({
      verified: { 'security-awareness': { completedOn: '2026-11-20', recordId: 'CJO-1' }, 'cchrs-ngi': { completedOn: '2026-11-21', recordId: 'CJO-2' } },
      missing: [],
      problems: [],
    });
  });

  it('accepts a completion dated today', () => {
    expect(assessVerification({ modules: [online('security-awareness', TODAY), online('cchrs-ngi', TODAY)] }, TODAY).problems).toEqual([]);
  });

  it('refuses a PDF certificate with the rule it breaks: not accepted since 15 May 2024', () => {
    const outcome = assessVerification({ modules: [{ module: 'security-awareness', evidence: 'pdf-certificate' }, online('cchrs-ngi')] }, TODAY);

    expect(outcome.problems).toEqual([{ field: 'modules.0.evidence', rule: PDF_CERTIFICATE_RULE }]);
    expect(PDF_CERTIFICATE_RULE).toContain('15 May 2024');
    expect(PDF_CERTIFICATE_RULE).toMatch(/PDF "Certificate of Completion" is not accepted/);
    expect(PDF_CERTIFICATE_RULE).toContain('CJIS Online');
    expect(outcome.verified).not.toHaveProperty('security-awareness');
    expect(outcome.missing).toEqual(['security-awareness']);
  });

  it('names the field of the PDF certificate by its position', () => {
    const outcome = assessVerification({ modules: [online('security-awareness'), { module: 'cchrs-ngi', evidence: 'pdf-certificate' }] }, TODAY);

    expect(outcome.problems.map((p) => p.field)).toEqual(['modules.1.evidence']);
  });

  it('lists a module the unit marked missing as missing', () => {
    const outcome = assessVerification({ modules: [online('security-awareness'), { module: 'cchrs-ngi', evidence: 'missing' }] }, TODAY);

    expect(outcome).toEqual({ verified: { 'security-awareness': expect.any(Object) }, missing: ['cchrs-ngi'], problems: [] });
  });

  it('counts a module not mentioned as missing', () => {
    const outcome = assessVerification({ modules: [online('cchrs-ngi')] }, TODAY);

    expect(outcome.missing).toEqual(['security-awareness']);
    expect(outcome.problems).toEqual([]);
  });

  it('lists both modules missing when both are marked missing', () => {
    const outcome = assessVerification({ modules: [{ module: 'security-awareness', evidence: 'missing' }, { module: 'cchrs-ngi', evidence: 'missing' }] }, TODAY);

    expect(outcome).toEqual({ verified: {}, missing: ['security-awareness', 'cchrs-ngi'], problems: [] });
  });

  it('refuses a completion date after today', () => {
    const outcome = assessVerification({ modules: [online('security-awareness'), online('cchrs-ngi', '2026-11-24')] }, TODAY);

    expect(outcome.problems).toEqual([{ field: 'modules.1.completedOn', rule: 'must not be in the future' }]);
  });
});

describe('TrainingVerificationSchema', () => {
  const issuesOf = (input: unknown) => {
    const result = TrainingVerificationSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };

  it('accepts both modules on CJIS Online and a PDF certificate or missing module (assessVerification judges those)', () => {
    const input: TrainingVerification = { modules: [online('security-awareness'), { module: 'cchrs-ngi', evidence: 'pdf-certificate' }] };
    expect(issuesOf(input)).toEqual([]);
    expect(issuesOf({ modules: [{ module: 'cchrs-ngi', evidence: 'missing' }] })).toEqual([]);
  });

  it('refuses a module that is not one of the two, at its path', () => {
    expect(issuesOf({ modules: [{ ...online('cchrs-ngi'), module: 'firearms' }] })).toEqual([{ path: 'modules.0.module', message: expect.any(String) }]);
  });

  it.each(['2026-13-01', '2026-02-30', '20 November 2026', '2026-11-20T00:00:00Z', ''])('refuses the completion date %j with the field path and the format', (completedOn) => {
    expect(issuesOf({ modules: [online('security-awareness', completedOn)] })).toEqual([{ path: 'modules.0.completedOn', message: 'must be the completion date on CJIS Online (YYYY-MM-DD)' }]);
  });

  it('refuses a CJIS Online entry without a record id, at its path', () => {
    expect(issuesOf({ modules: [online('cchrs-ngi'), online('security-awareness', '2026-11-20', ' a ')] })).toEqual([{ path: 'modules.1.recordId', message: 'must be the CJIS Online completion record id' }]);
  });

  it('refuses an unknown kind of evidence, no modules, and more than two', () => {
    expect(issuesOf({ modules: [{ module: 'cchrs-ngi', evidence: 'email-from-supervisor' }] }).map((i) => i.path)).toEqual(['modules.0.evidence']);
    expect(issuesOf({ modules: [] }).map((i) => i.path)).toEqual(['modules']);
    expect(issuesOf({ modules: [online('cchrs-ngi'), online('cchrs-ngi'), online('security-awareness')] }).map((i) => i.path)).toEqual(['modules']);
  });
});
