import type { Email } from '#shared/adapters/mailer';
import { escapeHtml } from '#shared/html';
import { connecticutDate } from '#shared/time';
import type { Certification } from './certification';

/** Where CISS Search User Training and its certification exam are taken. */
export const SEARCH_TRAINING_NAME = 'CISS Search User Training';

function mail(to: readonly (string | undefined)[], subject: string, lines: readonly string[]): Email {
  return { to: [...new Set(to.filter((t): t is string => Boolean(t)))], subject, text: lines.join('\n'), html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') };
}

/** What the workflow tells the employee and the agency, step by step. */
export const CERTIFICATION_EVENTS = ['training-assigned', 'retake-allowed', 'attempts-exhausted', 'request-expired', 'granted', 'renewal-reminder', 'lapsed'] as const;
export type CertificationEvent = (typeof CERTIFICATION_EVENTS)[number];

/** The date a person reads: Connecticut's, not UTC's (an expiry at 03:00 UTC is the evening before there). */
const day = (iso: string | undefined): string => (iso ? connecticutDate(iso) : '');

/** The e-mail of each event, to the employee and the agency administrator who asked. */
export function certificationMail(event: CertificationEvent, c: Certification, daysLeft?: number, awareness?: string): Email {
  const to = [c.employee.email, c.requestedBy.email];
  const who = `${c.employee.fullName} (${c.employee.email})`;
  const ref = `CISS Search certification ${c.certificationId}`;
  const { passMark, maxAttempts, retakeWaitHours } = c.rules;
  switch (event) {
    case 'training-assigned':
      return mail(to, `${SEARCH_TRAINING_NAME} assigned: ${c.employee.fullName}`, [
        `${SEARCH_TRAINING_NAME} is assigned to ${who} (${ref}).`,
        `Complete the training, then take the certification exam with the training provider. A score of ${passMark} or more passes; ${maxAttempts} attempts are allowed, a retake ${retakeWaitHours} hours at the earliest after a failed one.`,
        'The provider reports the result; the search role is granted after a pass, for one year.',
      ]);
    case 'retake-allowed':
      return mail(to, `CISS Search certification exam not passed: ${c.employee.fullName}`, [
        `Attempt ${c.attempts.length} of ${maxAttempts} did not reach the pass mark of ${passMark} (${ref}).`,
        `A retake may be taken from ${c.retakeAt ?? 'now'}.`,
      ]);
    case 'attempts-exhausted':
      return mail(to, `CISS Search certification ended: ${c.employee.fullName}`, [
        `Every attempt allowed (${maxAttempts}) at the CISS Search certification exam was below the pass mark of ${passMark}: ${ref} has ended.`,
        'The agency may make a new request when the employee is ready to start again.',
      ]);
    case 'request-expired':
      return mail(to, `CISS Search certification expired unfinished: ${c.employee.fullName}`, [`No exam result came for ${ref} before the last reminder ran out; it has ended. The agency may make a new request.`]);
    case 'granted':
      return mail(to, `CISS Search access ${c.renews ? 'renewed' : 'granted'}: ${c.employee.fullName}`, [
        `${who} passed the CISS Search certification exam and holds the search role until ${day(c.expiresAt)} (${ref}${c.renews ? `, renewing ${c.renews}` : ''}).`,
        'Sign in again for the role to appear. Security Awareness Training and the certification are renewed yearly.',
      ]);
    case 'renewal-reminder':
      return mail(to, `CISS Search certification expires in ${daysLeft ?? '?'} days: ${c.employee.fullName}`, [
        `The CISS Search certification of ${who} expires on ${day(c.expiresAt)} (${ref}).`,
        'Renew Security Awareness Training and the certification before then, or the search role is suspended: the agency administrator requests the renewal (CISS Search User Training and the exam again) in the portal.',
        ...(awareness ? [awareness] : []),
      ]);
    case 'lapsed':
      return mail(to, `CISS Search certification lapsed: ${c.employee.fullName}`, [
        `The CISS Search certification of ${who} expired on ${day(c.expiresAt)} (${ref}): the search role is suspended until it is renewed.`,
        'The account itself is not removed.',
      ]);
  }
}
