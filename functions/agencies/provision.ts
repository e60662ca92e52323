import * as z from 'zod/mini';
import { sourceOf } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, orElse, routeHandler } from '#shared/http';
import { OriSchema } from '#shared/ids';
import { lazy } from '#shared/lazy';
import { nowIso } from '#shared/time';
import { cognitoRmsClients } from './adapters/cognito';
import { DynamoAgencyStates } from './adapters/store';
import { agenciesProvision } from './routes';
import { provisionAgency, type ProvisionPorts } from './use-cases/provision';

const env = loadEnv({ TABLE_NAME: nonEmpty, USER_POOL_ID: nonEmpty });
const ports: ProvisionPorts = { states: new DynamoAgencyStates(env.TABLE_NAME), clients: cognitoRmsClients(env.USER_POOL_ID), now: nowIso };

/** POST /agencies/{ori}/rms-client: 201 with the client's id and secret (shown once); 409 when already provisioned. */
export const handler = routeHandler(
  agenciesProvision,
  async (event) => {
    const out = await provisionAgency({ ori: event.params.ori, actor: event.caller.username, source: sourceOf(event) }, ports);
    return json(201, { ori: out.agency.ori, name: out.agency.name, clientId: out.clientId, clientSecret: out.clientSecret, provisionedAt: out.provisionedAt }, { 'Cache-Control': 'no-store' });
  },
  // A malformed ORI reads as one not in the registry (404), never echoed.
  { params: lazy(() => z.object({ ori: orElse(OriSchema, '') })) },
);
