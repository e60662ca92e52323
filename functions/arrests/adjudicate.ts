import * as z from 'zod/mini';
import { sourceOf } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, parseJsonBody, orElse, routeHandler } from '#shared/http';
import { PacketIdSchema } from '#shared/ids';
import { lazy } from '#shared/lazy';
import { nowIso } from '#shared/time';
import { statusEvents } from './adapters/events';
import { adjudicationWait } from './adapters/workflow';
import { env, store } from './ports';
import { adjudicateArrest } from './routes';
import { AdjudicationSchema } from './domain/adjudication';
import { adjudicatePacket, type AdjudicatePorts } from './use-cases/adjudicate';

const config = loadEnv({ PUBLIC_API_URL: nonEmpty });

const ports: AdjudicatePorts = { store, events: statusEvents(env.EVENT_BUS_NAME), adjudication: adjudicationWait, now: nowIso, apiUrl: config.PUBLIC_API_URL };

/** POST /arrests/{packetId}/adjudication: 202 when it is recorded, 200 for the same dispositions again. */
export const handler = routeHandler(
  adjudicateArrest,
  async (event) => {
    const request = { caller: event.caller, source: sourceOf(event), packetId: event.params.packetId, resource: event.resource, body: () => parseJsonBody(event, AdjudicationSchema) };
    const { changed, packet } = await adjudicatePacket(request, ports);
    return changed ? json(202, packet, { Location: packet.statusUrl }) : json(200, packet);
  },
  // A malformed id names no packet: a 404, as for a missing one (use-cases/packet.ts).
  { params: lazy(() => z.object({ packetId: orElse(z.optional(PacketIdSchema), undefined) })) },
);
