import { loadEnv, nonEmpty } from '#shared/env';
import { taskHandler } from '#shared/task';
import { roleGrantsOn } from './adapters/wiring';
import { CertificationInput, env, stepPorts } from './adapters/steps';
import { lapseCertification } from './use-cases/steps';

const grants = roleGrantsOn(env.TABLE_NAME, loadEnv({ USER_POOL_ID: nonEmpty }).USER_POOL_ID);

/** The certification expired unrenewed: the search role is suspended, the account stays. */
export const handler = taskHandler(CertificationInput, ({ certificationId }) => lapseCertification({ ...stepPorts, grants }, certificationId));
