import { secretBytes } from '#shared/adapters/keys';
import { loadEnv, nonEmpty } from '#shared/env';
import { METRIC, metrics, MetricUnit } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { HttpCms } from './adapters/cms';
import { publishStatusEvent } from './adapters/events';
import { PacketStepInputSchema, packetStep } from './domain/packet';
import { env, store } from './ports';
import { transmit } from './use-cases/transmit';

export { CmsRejected, CmsUnavailable } from './adapters/cms';

const config = loadEnv({ CMS_URL: nonEmpty, CMS_CREDENTIALS_SECRET_ID: nonEmpty });
const cms = new HttpCms(config.CMS_URL, async () => (await secretBytes(config.CMS_CREDENTIALS_SECRET_ID)).toString('utf8'));

/** Step 4: the accepted packet to DCJ's case management system, and its docket number back. */
export const handler = taskHandler(PacketStepInputSchema, (input) =>
  transmit(packetStep(input), {
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
