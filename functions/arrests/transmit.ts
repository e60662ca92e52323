import * as z from 'zod/mini';
import { lazy } from '#shared/lazy';
import { secretBytes } from '#shared/adapters/keys';
import { loadEnv, nonEmpty } from '#shared/env';
import { METRIC, metrics, MetricUnit } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { HttpCms } from './adapters/cms';
import { publishStatusEvent } from './adapters/events';
import { ArrestPacketSchema } from './domain/packet';
import { env, store } from './ports';
import { transmit } from './use-cases/transmit';

export { CmsRejected, CmsUnavailable } from './adapters/cms';

const config = loadEnv({ CMS_URL: nonEmpty, CMS_CREDENTIALS_SECRET_ID: nonEmpty });
const cms = new HttpCms(config.CMS_URL, async () => (await secretBytes(config.CMS_CREDENTIALS_SECRET_ID)).toString('utf8'));

/** Step 4: the accepted packet to DCJ's case management system, and its docket number back. */
const id = z.string().check(z.minLength(1));
/** The execution's state: the packet as stored travels with it from the input (absent for one too large to carry, or started before it carried it). */
const Input = lazy(() => z.object({ packetId: id, version: z.number().check(z.int(), z.positive()), packet: z.optional(ArrestPacketSchema), ori: z.optional(id), incidentNumber: z.optional(id) }));

export const handler = taskHandler(Input, ({ packetId, version, packet, ori, incidentNumber }) =>
  transmit({ packetId, version, ...(packet && ori && incidentNumber ? { carried: { packet, ori, incidentNumber } } : {}) }, {
    store,
    cms,
    announce: (packet, detail) => publishStatusEvent(env.EVENT_BUS_NAME, packet, detail),
    // EMF, flushed at once: the attempt ends with the throw that follows.
    countFailure: () => {
      metrics().addMetric(METRIC.cmsTransmissionFailures, MetricUnit.Count, 1);
      metrics().publishStoredMetrics();
    },
    now: nowIso,
  }),
);
