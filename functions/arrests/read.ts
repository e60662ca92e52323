import * as z from 'zod/mini';
import { sourceOf } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, orElse, routeHandler } from '#shared/http';
import { PacketIdSchema } from '#shared/ids';
import { lazy } from '#shared/lazy';
import { executionArnOf } from './adapters/workflow';
import { store } from './ports';
import { readArrest } from './routes';
import { readPacket, type ReadPorts } from './use-cases/read';

const config = loadEnv({ ARREST_MACHINE_ARN: nonEmpty, PUBLIC_API_URL: nonEmpty });

const ports: ReadPorts = { store, workflow: { executionArn: (name) => executionArnOf(config.ARREST_MACHINE_ARN, name) }, apiUrl: config.PUBLIC_API_URL };

/** GET /arrests/{packetId}: the packet, where it stands, and its timeline (404 for one the caller may not see). */
export const handler = routeHandler(
  readArrest,
  async (event) => json(200, await readPacket({ caller: event.caller, source: sourceOf(event), packetId: event.params.packetId, resource: event.resource }, ports)),
  // A malformed id names no packet: a 404, as for a missing one (use-cases/packet.ts).
  { params: lazy(() => z.object({ packetId: orElse(z.optional(PacketIdSchema), undefined) })) },
);
