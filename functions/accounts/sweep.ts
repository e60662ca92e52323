import * as z from 'zod/mini';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { directoryOn } from './adapters/directory';
import { AccountStore } from './adapters/store';
import { directoryEnv } from './adapters/wiring';
import { sweepAccounts } from './use-cases/sweep';

const env = directoryEnv();
const ports = { store: new AccountStore(env.TABLE_NAME), directory: directoryOn(env.USER_POOL_ID), send: env.send, now: nowIso, unitEmail: env.CCHRS_UNIT_EMAIL, ...(env.PORTAL_URL ? { portalPage: env.PORTAL_URL } : {}) };

/** The daily schedule (EventBridge Scheduler in AWS, the local scheduler at home): inactivity and the quarterly reviews. */
export const handler = taskHandler(z.looseObject({}), async () => {
  const outcome = await sweepAccounts(ports);
  logger.info('accounts swept', { ...outcome, at: ports.now() });
  return outcome;
});
