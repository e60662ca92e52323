import { z } from 'zod';
import { secretBytes } from '#shared/adapters/keys';
import { loadEnv, nonEmpty } from '#shared/env';
import { AppError, TransientFailure } from '#shared/errors';
import { logger, METRIC, metrics, MetricUnit } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { publishStatusEvent } from './adapters/events';
import { executionNameOf } from './domain/packet';
import { env, store } from './ports';
import type { PacketRecord } from './adapters/packet-store';

const cms = loadEnv({ CMS_URL: nonEmpty, CMS_CREDENTIALS_SECRET_ID: nonEmpty });

/** CMS is unreachable or answered 5xx / 429: the machine retries with back-off and jitter. */
export class CmsUnavailable extends TransientFailure {}
/** CMS refused the packet (4xx): retrying would not help; the execution fails visibly. */
export class CmsRejected extends AppError {
  readonly statusCode = 502;
}

const Input = z.object({ packetId: z.string().min(1), version: z.number().int().positive() });
const CmsAnswer = z.object({ docketNumber: z.string().min(1) });

/**
 * Step 4, DCJ takes the packet into its CMS.
 * 1. load the accepted packet (already TRANSMITTED → its docket, nothing sent again)
 * 2. POST it to CMS with the packet version as Idempotency-Key: a retry, or a redrive after
 *    CMS was down, gets the same docket and leaves one copy in CMS
 * 3. record TRANSMITTED with the docket number, and its event
 */
export const handler = taskHandler(Input, async ({ packetId, version }) => {
  const current = await store.mustGet(packetId);
  if (current.status === 'TRANSMITTED' && current.version === version && current.docketNumber) return { docketNumber: current.docketNumber };

  const docketNumber = await countingFailures(() => sendToCms(current, packetId, version));

  const { packet } = await store.transition({
    packetId,
    version,
    to: 'TRANSMITTED',
    actor: 'dcj-cms',
    set: { docketNumber },
    details: { docketNumber },
    now: nowIso(),
  });
  await publishStatusEvent(env.EVENT_BUS_NAME, packet, { docketNumber });
  return { docketNumber };
});

/** POSTs the packet to CMS and returns the docket number; CmsUnavailable and CmsRejected say why not. */
async function sendToCms(current: PacketRecord, packetId: string, version: number): Promise<string> {
  const credential = (await secretBytes(cms.CMS_CREDENTIALS_SECRET_ID)).toString('utf8');
  let response: Response;
  // Bounded well inside the Lambda timeout; cleared (not left to keep a process alive) once answered.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 20_000);
  try {
    response = await fetch(`${cms.CMS_URL.replace(/\/$/, '')}/cases`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${credential}`, 'Idempotency-Key': executionNameOf(packetId, version) },
      body: JSON.stringify({ packetId, packetVersion: version, ori: current.ori, incidentNumber: current.incidentNumber, packet: current.packet }),
      signal: abort.signal,
    });
  } catch (error) {
    throw new CmsUnavailable(`CMS could not be reached: ${(error as Error).name}`);
  } finally {
    clearTimeout(timer);
  }
  if (response.status >= 500 || response.status === 429) throw new CmsUnavailable(`CMS answered ${response.status}`);
  if (!response.ok) {
    logger.error('CMS refused the packet', { packetId, version, status: response.status });
    throw new CmsRejected(`CMS refused packet ${packetId} version ${version} with ${response.status}`);
  }
  const parsed = CmsAnswer.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new CmsRejected(`CMS answered ${response.status} without a docket number`);
  return parsed.data.docketNumber;
}

/**
 * Every failed attempt is one `CmsTransmissionFailures` (EMF, flushed at once: the attempt ends
 * with the throw), so on-call sees CMS trouble while the machine is still retrying, before the
 * execution fails. taskHandler logs the error, with the packet as correlation key.
 */
async function countingFailures<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof CmsUnavailable || error instanceof CmsRejected) {
      metrics().addMetric(METRIC.cmsTransmissionFailures, MetricUnit.Count, 1);
      metrics().publishStoredMetrics();
    }
    throw error;
  }
}
