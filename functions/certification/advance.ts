import * as z from 'zod/mini';
import { taskHandler } from '#shared/task';
import { CertificationInput, stepPorts } from './adapters/steps';
import { advanceCertification } from './use-cases/steps';
import { lazy } from '#shared/lazy';

const Input = /* @__PURE__ */ lazy(() => z.extend(CertificationInput, {
  event: z.enum(['training-assigned', 'retake-allowed', 'attempts-exhausted', 'request-expired', 'renewal-reminder']),
  daysLeft: z.optional(z.number().check(z.int(), z.positive())),
}));

/** Moves the certification on after a workflow step, and tells the employee and the agency. */
export const handler = taskHandler(Input, (input) => advanceCertification(stepPorts, input));
