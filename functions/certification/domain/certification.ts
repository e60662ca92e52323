import * as z from 'zod/mini';
import { isoDate, isoDateTime } from '#shared/formats';
import { OriSchema } from '#shared/ids';
import { lazy } from '#shared/lazy';

// The schemas are built on first use (`lazy`), not at each cold start of the functions importing this module.

/** The exam's rules, configured per deployment and kept by each request from its start. */
export const ExamRulesSchema = lazy(() => z.object({
  /** The lowest passing score (0–100). */
  passMark: z.number().check(z.gte(0), z.lte(100)),
  /** How long after a failed attempt a retake may be taken. */
  retakeWaitHours: z.number().check(z.gte(0), z.lte(24 * 365)),
  /** Attempts allowed in all; the request ends after the last one fails. */
  maxAttempts: z.number().check(z.int(), z.gte(1), z.lte(20)),
}));
export type ExamRules = z.infer<typeof ExamRulesSchema>;

/** `SC-<yyyymmdd>-<10 hex digits>`, functions/certification/create.ts. */
export const CERTIFICATION_ID = /^SC-\d{8}-[0-9A-F]{10}$/;
export const CertificationIdSchema = lazy(() => z.string().check(z.regex(CERTIFICATION_ID, 'must be a CISS Search certification id (SC-yyyymmdd-XXXXXXXXXX)')));

/** The subject type of a certification: the workflow, its human tasks and its audit records name it so. */
export const CERTIFICATION_SUBJECT = 'search-certification';

/**
 * Where a CISS Search certification stands:
 * RECEIVED → TRAINING_ASSIGNED → (RETAKE_ALLOWED →)* EXAM_PASSED → CERTIFIED → LAPSED,
 * or ATTEMPTS_EXHAUSTED after the last failed attempt, or REQUEST_EXPIRED when no result came;
 * CERTIFIED → RENEWED when a renewal (a later certification of the same employee) is granted.
 */
export const CERTIFICATION_STATUSES = ['RECEIVED', 'TRAINING_ASSIGNED', 'RETAKE_ALLOWED', 'EXAM_PASSED', 'CERTIFIED', 'ATTEMPTS_EXHAUSTED', 'REQUEST_EXPIRED', 'LAPSED', 'RENEWED'] as const;
export type CertificationStatus = (typeof CERTIFICATION_STATUSES)[number];

/** Statuses that end a certification: the employee's e-mail is free for a new request. */
export const CLOSED_CERTIFICATION_STATUSES: readonly CertificationStatus[] = ['ATTEMPTS_EXHAUSTED', 'REQUEST_EXPIRED', 'LAPSED', 'RENEWED'];

/**
 * A renewal may be requested while the certification still runs, from this many days before it
 * expires (the first reminder's day), so the role need not lapse in between; after a lapse, any time.
 */
export const RENEWAL_WINDOW_DAYS = 30;

/** The first day a renewal of a certification expiring at `expiresAt` may be requested. */
export const renewalOpensAt = (expiresAt: string): string => new Date(Date.parse(expiresAt) - RENEWAL_WINDOW_DAYS * 86_400_000).toISOString();

/** Statuses in which an exam result may be recorded. */
export const AWAITING_EXAM: readonly CertificationStatus[] = ['TRAINING_ASSIGNED', 'RETAKE_ALLOWED'];

/** What the step is, in words, for each status (answers and the portal). */
const STEPS: Readonly<Record<CertificationStatus, string>> = {
  RECEIVED: 'CISS Search User Training is being assigned',
  TRAINING_ASSIGNED: 'the employee takes CISS Search User Training and the certification exam',
  RETAKE_ALLOWED: 'the employee may retake the certification exam',
  EXAM_PASSED: 'the search role is being granted',
  CERTIFIED: 'certified: the employee holds the search role until the certification expires',
  ATTEMPTS_EXHAUSTED: 'ended: every exam attempt allowed was failed',
  REQUEST_EXPIRED: 'ended: no exam result came before the last reminder ran out',
  LAPSED: 'ended: the certification expired and the search role is suspended',
  RENEWED: 'ended: renewed; the search role continues under the renewal',
};
export const stepOf = (status: CertificationStatus): string => STEPS[status];

export const NewCertificationSchema = lazy(() => z.object({
  employee: z.object({
    fullName: z.string().check(z.trim(), z.minLength(3, 'must be the full name (at least 3 characters)'), z.maxLength(120)),
    email: z.pipe(z.string().check(z.trim()), z.email('must be the work e-mail address of the employee’s CCHRS account').check(z.maxLength(254))),
  }),
  ori: OriSchema,
}));
export type NewCertification = z.infer<typeof NewCertificationSchema>;

/** One exam attempt, as the training provider or the unit reports it. */
export const ExamResultSchema = lazy(() => z.object({
  /** The provider's id of the attempt: the same attempt sent again is recognised by it. */
  attemptId: z.string().check(z.trim(), z.regex(/^[A-Za-z0-9._:-]{3,64}$/, 'must be the provider’s attempt id: 3 to 64 letters, digits and . _ : -')),
  score: z.number().check(z.gte(0, 'must be a score from 0 to 100'), z.lte(100, 'must be a score from 0 to 100')),
  takenAt: isoDateTime({ offset: true, message: 'must be when the attempt was taken, ISO 8601 with a time zone (e.g. 2026-11-30T14:00:00Z)' }),
}));
export type ExamResult = z.infer<typeof ExamResultSchema>;

export interface ExamAttempt extends ExamResult {
  readonly passed: boolean;
  /** The provider's machine client or the unit member who recorded it. */
  readonly recordedBy: string;
  readonly channel: 'provider' | 'unit';
  readonly recordedAt: string;
  /** The exam task the attempt was recorded under: the one it decides, and never a later retake's. */
  readonly taskId: string;
}

/** The Security Awareness Training the request rests on: the employee's CCHRS request whose verified module shows it. */
export interface AwarenessEvidence {
  readonly requestId: string;
  readonly completedOn: string;
  readonly recordId: string;
}

/**
 * A Security Awareness Training completion the unit verified on CJIS Online after the CCHRS
 * account's own (SAT is renewed yearly): the date and the CJIS Online record id.
 */
export const AwarenessCompletionSchema = lazy(() => z.object({
  completedOn: isoDate('must be the completion date on CJIS Online (YYYY-MM-DD)'),
  recordId: z.string().check(z.trim(), z.regex(/^[A-Za-z0-9._:-]{3,64}$/, 'must be the CJIS Online completion record id: 3 to 64 letters, digits and . _ : -')),
}));
export type AwarenessCompletion = z.infer<typeof AwarenessCompletionSchema>;

export interface Certification {
  readonly certificationId: string;
  readonly status: CertificationStatus;
  readonly ori: string;
  readonly employee: { readonly fullName: string; readonly email: string };
  readonly requestedBy: { readonly username: string; readonly email?: string };
  readonly awareness: AwarenessEvidence;
  /** The exam rules in force when the request was made: a request keeps them to the end. */
  readonly rules: ExamRules;
  readonly attempts: readonly ExamAttempt[];
  /** After a failed attempt: the earliest a retake may be taken. */
  readonly retakeAt?: string;
  readonly grantedAt?: string;
  /** When the certification, and with it the search role, ends (a year after the pass). */
  readonly expiresAt?: string;
  /** The certification this one renews (requested in its last 30 days, or after its lapse). */
  readonly renews?: string;
  /** The renewal that took over from this one once granted (status RENEWED). */
  readonly renewedBy?: string;
  /**
   * Set only on a certification written by the local runtime's demo seed (infra/local), never by
   * the API: it names the seed, so nobody takes it for an exam that was passed.
   */
  readonly seeded?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}
