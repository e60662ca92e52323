import * as z from 'zod/mini';
import { lazy, once } from '#shared/lazy';
import { recordAudit } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { readPacket } from '../arrests/adapters/packet-store';
import { searchEngine } from './adapters/engine';
import { indexArrest } from './use-cases/index-arrest';

/** The table, read at the first event (not at import). */
const tableName = once(() => loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME);

/** The packet id an execution of the arrest-packet machine runs for: its name starts with it (`ap-…`, `ap-…-v1-g2`). */
const PACKET_OF_EXECUTION = /^(ap-[0-9a-f]{24})/;

/**
 * What wakes the indexer: the arrest events of step 6 and 7 on the application's bus
 * (ArrestDataAvailable, ArrestPacketAdjudicated), or, for HISTORICAL, which publishes no event of
 * its own, the end (SUCCEEDED) of the packet's execution, whose last step makes it HISTORICAL.
 */
const Wake = /* @__PURE__ */ lazy(() => z.union([
  z.object({ source: z.literal('ciss.arrests'), detail: z.object({ packetId: z.string().check(z.minLength(1)) }) }),
  z.object({ source: z.literal('aws.states'), detail: z.object({ name: z.string().check(z.regex(PACKET_OF_EXECUTION, 'must be an arrest packet execution')) }) }),
]));

/** Indexes the packet the event names, as it now is (a published packet only). */
export const handler = taskHandler(Wake, async (event) => {
  const packetId = event.source === 'ciss.arrests' ? event.detail.packetId : PACKET_OF_EXECUTION.exec(event.detail.name)![1]!;
  const outcome = await indexArrest(packetId, { engine: searchEngine('ingest'), audit: recordAudit, packet: (id) => readPacket(tableName(), id) });
  if (!outcome.indexed) logger.info('arrest packet not indexed', { packetId, reason: outcome.reason });
  return outcome.indexed ? { indexed: true, applied: outcome.applied } : outcome;
});
