import { loadEnv, nonEmpty } from '#shared/env';
import { taskHandler } from '#shared/task';
import { roleGrantsOn } from './adapters/wiring';
import { CertificationInput, env, stepPorts } from './adapters/steps';
import { grantSearchRole } from './use-cases/steps';

const grants = roleGrantsOn(env.TABLE_NAME, loadEnv({ USER_POOL_ID: nonEmpty }).USER_POOL_ID);

/** The pass grants the search role, with the certification's expiry. */
export const handler = taskHandler(CertificationInput, ({ certificationId }) => grantSearchRole({ ...stepPorts, grants }, certificationId));
