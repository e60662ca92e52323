import * as z from 'zod/mini';
import { DiagnosticsCompleted } from '#events/diagnostics-completed';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { runs } from './ports';

const Event = z.object({
  id: z.string(),
  source: z.literal(DiagnosticsCompleted.source),
  'detail-type': z.literal(DiagnosticsCompleted.detailType),
  time: z.string(),
  detail: DiagnosticsCompleted.detail,
});

/** Target of the DiagnosticsCompleted rule: records the delivery, proving the bus routes events. */
export const handler = taskHandler(Event, (event) => runs.recordDelivery(event.detail.runId, { eventId: event.id, detailType: event['detail-type'], receivedAt: nowIso() }));
