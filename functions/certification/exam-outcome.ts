import { taskHandler } from '#shared/task';
import { CertificationInput, stepPorts } from './adapters/steps';
import { examOutcome } from './use-cases/steps';

/** Where the exam stands once its task was decided: passed, a retake, attempts exhausted, or still awaited. */
export const handler = taskHandler(CertificationInput, ({ certificationId }) => examOutcome(stepPorts, certificationId));
