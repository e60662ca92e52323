import { taskHandler } from '#shared/task';
import { CertificationInput, stepPorts } from './adapters/steps';
import { prepareCertification } from './use-cases/steps';

/** What the exam step's task shows and whom it goes to. */
export const handler = taskHandler(CertificationInput, ({ certificationId }) => prepareCertification(stepPorts, certificationId));
