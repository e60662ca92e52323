import { loadEnv, nonEmpty } from '#shared/env';
import { json, routeHandler } from '#shared/http';
import { nowIso } from '#shared/time';
import { DynamoAgencyStates } from './adapters/store';
import { agenciesList } from './routes';
import { listAgencies } from './use-cases/list';

const env = loadEnv({ TABLE_NAME: nonEmpty });
const states = new DynamoAgencyStates(env.TABLE_NAME);

/** GET /agencies: the registry, each agency with when it was provisioned and connected. */
export const handler = routeHandler(agenciesList, async () => json(200, await listAgencies({ states, now: nowIso })));
