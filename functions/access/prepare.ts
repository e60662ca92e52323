import * as z from 'zod/mini';
import { taskHandler } from '#shared/task';
import { TRAINING_MODULES } from './domain/training';
import { env, loadRequest } from './ports';

const Input = z.object({ requestId: z.string().check(z.minLength(1)) });

/**
 * What the human steps show and whom they go to: the employee, the agency, the need. Only
 * what a reviewer needs to decide goes into the workflow.
 */
export const handler = taskHandler(Input, async ({ requestId }) => {
  const r = await loadRequest(requestId);
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
    unitEmail: env.CCHRS_UNIT_EMAIL,
    agencyEmail: r.requestedBy.email ?? env.CCHRS_UNIT_EMAIL,
    ori: r.ori,
  };
});
