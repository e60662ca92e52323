import type { AccessRequest } from './request';
import { TRAINING_MODULES } from './training';

/**
 * How long each human step of the access workflow waits and how often it reminds: the unit a
 * week (2 reminders); the agency 10 days (2 reminders), so an unattested request expires after
 * 30 days. The workflow's own default (statemachines/access-request.ts) is this one.
 */
export const DEFAULT_SETTINGS = { reviewSeconds: 604800, reviewReminders: 2, attestationSeconds: 864000, attestationReminders: 2, verificationSeconds: 604800, verificationReminders: 2 } as const;

/** What the human steps show and whom they go to (the execution's `$.view`). */
export interface RequestView {
  readonly title: string;
  readonly facts: { readonly label: string; readonly value: string }[];
  readonly unitEmail: string;
  readonly agencyEmail: string;
  readonly ori: string;
  /** Whom the workflow's own e-mails about the request go to (the employee, and the agency administrator who asked), so its steps need not read the request to mail. */
  readonly employee: { readonly fullName: string; readonly email: string };
  readonly requestedBy: { readonly email?: string };
}

/**
 * What the human steps show and whom they go to: the employee, the agency, the need. Only what
 * a reviewer needs to decide goes into the workflow.
 */
export function viewOf(r: Pick<AccessRequest, 'requestId' | 'employee' | 'ori' | 'justification' | 'requestedBy'>, unitEmail: string): RequestView {
  return {
    title: `CCHRS access for ${r.employee.fullName} (${r.ori})`,
    facts: [
      // The reference people quote to the unit, and what the console finds a request's mail by.
      { label: 'Request', value: r.requestId },
      { label: 'Employee', value: r.employee.fullName },
      { label: 'Work e-mail', value: r.employee.email },
      { label: 'Job title', value: r.employee.jobTitle },
      { label: 'Agency (ORI)', value: r.ori },
      { label: 'Business need', value: r.justification },
      { label: 'Trainings', value: Object.values(TRAINING_MODULES).join('; ') },
    ],
    unitEmail,
    agencyEmail: r.requestedBy.email ?? unitEmail,
    ori: r.ori,
    employee: { fullName: r.employee.fullName, email: r.employee.email },
    requestedBy: r.requestedBy.email === undefined ? {} : { email: r.requestedBy.email },
  };
}

/**
 * The execution's input for a new request: the view and the settings travel with it, so the
 * workflow reads nothing to start (its input is ours: the request as stored).
 */
export const workflowInput = (request: Parameters<typeof viewOf>[0], unitEmail: string) => ({ requestId: request.requestId, settings: DEFAULT_SETTINGS, view: viewOf(request, unitEmail) });
