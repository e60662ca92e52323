import * as z from 'zod/mini';
import { sourceOf } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, orElse, routeHandler } from '#shared/http';
import { PacketIdSchema } from '#shared/ids';
import { lazy } from '#shared/lazy';
import { nowIso } from '#shared/time';
import { statusEvents } from './adapters/events';
import { packetBody } from './adapters/request';
import { packetWorkflow } from './adapters/workflow';
import { env, store } from './ports';
import { amendArrest } from './routes';
import { amendPacket, type AmendPorts } from './use-cases/amend';

const config = loadEnv({ ARREST_MACHINE_ARN: nonEmpty, PUBLIC_API_URL: nonEmpty });

const ports: AmendPorts = { store, workflow: packetWorkflow(config.ARREST_MACHINE_ARN), events: statusEvents(env.EVENT_BUS_NAME), now: nowIso, apiUrl: config.PUBLIC_API_URL };

/** POST /arrests/{packetId}/versions: 202 for a new version, 200 for the same content again. */
export const handler = routeHandler(
  amendArrest,
  async (event) => {
    const request = { caller: event.caller, source: sourceOf(event), packetId: event.params.packetId, resource: event.resource, body: () => packetBody(event) };
    const { changed, packet } = await amendPacket(request, ports);
    return json(changed ? 202 : 200, packet, { Location: packet.statusUrl });
  },
  // A malformed id names no packet: a 404, as for a missing one (use-cases/packet.ts).
  { params: lazy(() => z.object({ packetId: orElse(z.optional(PacketIdSchema), undefined) })) },
);
