import { secretBytes } from '#shared/adapters/keys';
import { sourceOf } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, routeHandler } from '#shared/http';
import { nowIso } from '#shared/time';
import { statusEvents } from './adapters/events';
import { packetBody } from './adapters/request';
import { packetWorkflow } from './adapters/workflow';
import { env, store } from './ports';
import { receiveArrest } from './routes';
import { receivePacket, type ReceivePorts } from './use-cases/receive';

const config = loadEnv({ ARREST_MACHINE_ARN: nonEmpty, PUBLIC_API_URL: nonEmpty, PACKET_ID_KEY_SECRET_ID: nonEmpty });

const ports: ReceivePorts = {
  store,
  workflow: packetWorkflow(config.ARREST_MACHINE_ARN),
  events: statusEvents(env.EVENT_BUS_NAME),
  packetIdKey: () => secretBytes(config.PACKET_ID_KEY_SECRET_ID),
  now: nowIso,
  apiUrl: config.PUBLIC_API_URL,
};

/** POST /arrests: 202 for a new packet, 200 for the same one again (a retry), 409 for another under its key. */
export const handler = routeHandler(receiveArrest, async (event) => {
  const { created, packet } = await receivePacket({ caller: event.caller, source: sourceOf(event), body: packetBody(event) }, ports);
  return json(created ? 202 : 200, packet, { Location: packet.statusUrl });
});
