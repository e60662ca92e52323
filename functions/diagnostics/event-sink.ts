import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { DiagnosticsCompleted } from '#events/diagnostics-completed';
import { dynamo } from '#shared/clients';
import { loadEnv, nonEmpty } from '#shared/env';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';

const env = loadEnv({ TABLE_NAME: nonEmpty });

const Event = z.object({
  id: z.string(),
  source: z.literal(DiagnosticsCompleted.source),
  'detail-type': z.literal(DiagnosticsCompleted.detailType),
  time: z.string(),
  detail: DiagnosticsCompleted.detail,
});

/** Target of the DiagnosticsCompleted rule: records the delivery, proving the bus routes events. */
export const handler = taskHandler(Event, async (event) => {
  await dynamo.send(
    new PutCommand({
      TableName: env.TABLE_NAME,
      Item: { pk: `DIAG#${event.detail.runId}`, sk: 'EVENT', eventId: event.id, detailType: event['detail-type'], receivedAt: nowIso() },
    }),
  );
});
