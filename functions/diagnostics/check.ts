import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '#shared/clients';
import { loadEnv, nonEmpty } from '#shared/env';
import { TransientFailure } from '#shared/errors';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';

const env = loadEnv({ TABLE_NAME: nonEmpty });

/** A transient fault the machine's `Retry` is written for. */
export class DiagnosticsTransientError extends TransientFailure {}

const Input = z.object({
  runId: z.string().min(1),
  failuresBeforeSuccess: z.number().int().min(0).max(100).default(0),
});

/**
 * 1. count this attempt on the run's record (attempts survive retries and restarts)
 * 2. fail transiently while the count is within `failuresBeforeSuccess`
 * 3. otherwise report how many attempts it took
 */
export const handler = taskHandler(Input, async ({ runId, failuresBeforeSuccess }) => {
  const out = await dynamo.send(
    new UpdateCommand({
      TableName: env.TABLE_NAME,
      Key: { pk: `DIAG#${runId}`, sk: 'CHECK' },
      UpdateExpression: 'ADD attempts :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const attempts = Number(out.Attributes?.['attempts'] ?? 1);
  if (attempts <= failuresBeforeSuccess) {
    throw new DiagnosticsTransientError(`Attempt ${attempts} of the check failed on purpose (${failuresBeforeSuccess} requested)`);
  }
  return { attempts, checkedAt: nowIso() };
});
