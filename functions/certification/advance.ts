import * as z from 'zod';
import { taskHandler } from '#shared/task';
import { CertificationInput, stepPorts } from './adapters/steps';
import { advanceCertification } from './use-cases/steps';

const Input = CertificationInput.extend({
  event: z.enum(['training-assigned', 'retake-allowed', 'attempts-exhausted', 'request-expired', 'renewal-reminder']),
  daysLeft: z.number().int().positive().optional(),
});

/** Moves the certification on after a workflow step, and tells the employee and the agency. */
export const handler = taskHandler(Input, (input) => advanceCertification(stepPorts, input));
