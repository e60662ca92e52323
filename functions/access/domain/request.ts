import * as z from 'zod/mini';
import { OriSchema } from '#shared/ids';
import { lazy } from '#shared/lazy';

/** Where a CCHRS access request stands. */
export const ACCESS_STATUSES = [
  'RECEIVED',
  'UNDER_REVIEW',
  'DENIED',
  'TRAINING_ASSIGNED',
  'TRAINING_VERIFICATION',
  'TEMPORARY_PASSWORD_ISSUED',
  'ACTIVE',
  'PASSWORD_EXPIRED',
  'REQUEST_EXPIRED',
  'ACCOUNT_REMOVED',
] as const;
export type AccessStatus = (typeof ACCESS_STATUSES)[number];

/** Statuses that end a request for good; a password that expired can still be reissued. */
export const CLOSED_STATUSES: readonly AccessStatus[] = ['DENIED', 'ACTIVE', 'REQUEST_EXPIRED', 'ACCOUNT_REMOVED'];

/** Statuses whose account exists, so an agency may ask for its removal (the employee left). */
export const REMOVABLE_STATUSES: readonly AccessStatus[] = ['ACTIVE', 'TEMPORARY_PASSWORD_ISSUED', 'PASSWORD_EXPIRED'];

const phone = () => z.string().check(z.regex(/^\+?[0-9 ().-]{7,20}$/, 'must be a phone number, e.g. +1 860 555 0100'));

/** Phrases that say nothing about why this person needs criminal history record information. */
const EMPTY_JUSTIFICATIONS = /^(n\/?a|none|tbd|test|access|needed|required|job|work|because|see above|\.+|-+)$/i;

/** Built on first use (`lazy`), as every schema here: most functions importing this module read only its statuses and types. */
export const NewAccessRequestSchema = lazy(() => z.object({
  employee: z.object({
    fullName: z.string().check(z.trim(), z.minLength(3, 'must be the full name (at least 3 characters)'), z.maxLength(120)),
    // Spaces around a pasted address are not part of it.
    email: z.pipe(z.string().check(z.trim()), z.email('must be a work e-mail address').check(z.maxLength(254))),
    jobTitle: z.string().check(z.trim(), z.minLength(2), z.maxLength(120)),
    mfaPhones: z.optional(z.array(phone()).check(z.maxLength(3))),
  }),
  ori: OriSchema,
  justification: z.string().check(z.trim(), z.minLength(40, 'must explain, in at least 40 characters, why this person has a legitimate business need to see criminal history record information'), z.maxLength(2000), z.refine((text) => !EMPTY_JUSTIFICATIONS.test(text) && new Set(text.toLowerCase().split(/\W+/).filter((w) => w.length > 2)).size >= 6, {
      message: 'must state the business need in words (which duties require criminal history record information), not a placeholder',
    })),
}));
export type NewAccessRequest = z.infer<typeof NewAccessRequestSchema>;

/** POST /access-requests/{id}/removal: why the agency asks for the account's removal (the unit reads it; the audit trail only notes that one was given). */
export const AccountRemovalSchema = lazy(() => z.object({
  reason: z.string().check(z.trim(), z.minLength(10, 'must say why the account is to be removed, in at least 10 characters (e.g. “left the agency on 30 November”)'), z.maxLength(1000, 'must be at most 1000 characters')),
}));
export type AccountRemoval = z.infer<typeof AccountRemovalSchema>;

export interface TimelineEntry {
  readonly at: string;
  readonly type: string;
  readonly actor: string;
  readonly status?: AccessStatus;
  readonly note?: string;
}

export interface AccessRequest {
  readonly requestId: string;
  readonly status: AccessStatus;
  readonly employee: NewAccessRequest['employee'];
  readonly ori: string;
  readonly justification: string;
  readonly requestedBy: { readonly username: string; readonly email?: string };
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Per training module, what the unit verified on CJIS Online. */
  readonly training?: Readonly<Record<string, { readonly completedOn: string; readonly recordId: string; readonly verifiedBy: string }>>;
  readonly temporaryPasswordExpiresAt?: string;
  readonly issue?: number;
  /** The unit's latest request for a new temporary password: which issue, by whom, when. */
  readonly reissue?: { readonly issue: number; readonly by: string; readonly at: string };
  /** The agency's request to remove the account: who, when, and why (the why stays here and in the unit's e-mail, never in the audit trail). */
  readonly removal?: { readonly by: string; readonly at: string; readonly reason: string };
}

/** The step a person would name for a status. */
export function stepOf(status: AccessStatus): string {
  switch (status) {
    case 'RECEIVED':
      return 'Received; the CCHRS unit’s review task opens in a moment';
    case 'UNDER_REVIEW':
      return 'The CCHRS unit reviews the business need';
    case 'DENIED':
      return 'Denied by the CCHRS unit';
    case 'TRAINING_ASSIGNED':
      return 'The employee completes the two trainings on CJIS Online; the agency attests';
    case 'TRAINING_VERIFICATION':
      return 'The CCHRS unit verifies the training on CJIS Online';
    case 'TEMPORARY_PASSWORD_ISSUED':
      return 'The employee logs in for the first time with the e-mailed temporary password (24 hours)';
    case 'ACTIVE':
      return 'Account active';
    case 'PASSWORD_EXPIRED':
      return 'The temporary password expired unused; the unit can reissue one';
    case 'REQUEST_EXPIRED':
      return 'Expired: the training was not attested in time';
    case 'ACCOUNT_REMOVED':
      return 'Account removed at the agency’s request; it can no longer log in';
  }
}
