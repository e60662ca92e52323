import * as z from 'zod/mini';
import { isoDate } from '#shared/formats';
import { lazy } from '#shared/lazy';

/** The two trainings the CCHRS unit assigns, both taken on CJIS Online. */
export const TRAINING_MODULES = {
  'security-awareness': 'Security and Awareness Training — minimum level, General Role',
  'cchrs-ngi': 'CCHRS & NGI Training',
} as const;
export type TrainingModule = keyof typeof TRAINING_MODULES;
export const CJIS_ONLINE_URL = 'https://www.cjisonline.com';

/**
 * Since 15 May 2024 a PDF "Certificate of Completion" is not accepted as evidence of Security
 * and Awareness Training: it must be completed on CJIS Online, and the unit records the
 * CJIS Online completion (date and record id) for each module.
 */
export const PDF_CERTIFICATE_RULE =
  'A PDF "Certificate of Completion" is not accepted as evidence of Security and Awareness Training since 15 May 2024: the training must be completed on CJIS Online, and its CJIS Online completion record is the evidence.';

/** Built on first use (`lazy`): most functions importing this module read only the module names. */
const ModuleEvidence = lazy(() => z.discriminatedUnion('evidence', [
  z.object({
    module: z.enum(Object.keys(TRAINING_MODULES) as [TrainingModule, ...TrainingModule[]]),
    evidence: z.literal('cjis-online'),
    completedOn: isoDate('must be the completion date on CJIS Online (YYYY-MM-DD)'),
    recordId: z.string().check(z.trim(), z.minLength(3, 'must be the CJIS Online completion record id'), z.maxLength(64)),
  }),
  z.object({
    module: z.enum(Object.keys(TRAINING_MODULES) as [TrainingModule, ...TrainingModule[]]),
    evidence: z.literal('pdf-certificate'),
  }),
  z.object({
    module: z.enum(Object.keys(TRAINING_MODULES) as [TrainingModule, ...TrainingModule[]]),
    evidence: z.literal('missing'),
  }),
]));

export const TrainingVerificationSchema = lazy(() => z.object({
  modules: z.array(ModuleEvidence).check(z.minLength(1), z.maxLength(2)),
}));
export type TrainingVerification = z.infer<typeof TrainingVerificationSchema>;

export interface VerificationOutcome {
  readonly verified: Readonly<Record<string, { completedOn: string; recordId: string }>>;
  readonly missing: readonly TrainingModule[];
  /** Field/rule problems that refuse the whole verification (PDF certificates, dates). */
  readonly problems: readonly { field: string; rule: string }[];
}

/**
 * Reads the unit's verification against the rules: a PDF certificate is refused with the rule
 * it breaks; a completion after today is refused; a module not mentioned counts as missing.
 */
export function assessVerification(input: TrainingVerification, today: string): VerificationOutcome {
  const problems: { field: string; rule: string }[] = [];
  const verified: Record<string, { completedOn: string; recordId: string }> = {};
  const missing = new Set<TrainingModule>(Object.keys(TRAINING_MODULES) as TrainingModule[]);
  input.modules.forEach((m, i) => {
    if (m.evidence === 'pdf-certificate') {
      problems.push({
        field: `modules.${i}.evidence`,
        rule: m.module === 'security-awareness' ? PDF_CERTIFICATE_RULE : `A PDF certificate is not accepted for ${TRAINING_MODULES[m.module]}: record its CJIS Online completion (date and record id).`,
      });
    } else if (m.evidence === 'cjis-online') {
      if (m.completedOn > today) problems.push({ field: `modules.${i}.completedOn`, rule: 'must not be in the future' });
      verified[m.module] = { completedOn: m.completedOn, recordId: m.recordId };
      missing.delete(m.module);
    }
  });
  for (const module of Object.keys(verified)) missing.delete(module as TrainingModule);
  return { verified, missing: [...missing], problems };
}
