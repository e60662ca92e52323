import { createHash } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '#shared/clients';
import { loadEnv, nonEmpty } from '#shared/env';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';

const env = loadEnv({ TABLE_NAME: nonEmpty });

const Input = z.object({ runId: z.string().min(1), taskToken: z.string().min(1) });

/**
 * The Lambda behind `.waitForTaskToken`: it records that the run waits, then returns; the
 * execution stays parked until someone calls SendTaskSuccess. The token itself is a secret:
 * only a fingerprint is stored, so the record says which callback it waits for without
 * letting anyone who reads the table complete it.
 */
export const handler = taskHandler(Input, async ({ runId, taskToken }) => {
  const fingerprint = createHash('sha256').update(taskToken).digest('hex').slice(0, 16);
  await dynamo.send(
    new PutCommand({
      TableName: env.TABLE_NAME,
      Item: { pk: `DIAG#${runId}`, sk: 'PARKED', tokenFingerprint: fingerprint, parkedAt: nowIso() },
    }),
  );
  return { parked: true };
});
