import { S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod/mini';
import { recordAudit } from '#shared/audit';
import { CLIENT_CONFIG, lazyClient } from '#shared/clients/lazy';
import { lazy } from '#shared/lazy';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { S3DroppedFiles } from './adapters/dropped-files';
import { searchEngine } from './adapters/engine';
import { ingestDroppedFile } from './use-cases/drop';

const s3 = lazyClient(() => new S3Client(CLIENT_CONFIG));

/** S3's "Object Created" event on the drop bucket (EventBridge): the bucket and the object's key. */
const ObjectCreated = lazy(() =>
  z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  detail: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(3), z.maxLength(63)) }),
    object: z.object({ key: z.string().check(z.minLength(1), z.maxLength(1024)) }),
  }),
}),
);

/**
 * A batch source dropped a file of its changes: read, mapped by its connector, applied as the poll
 * applies files. A key that names no batch source is refused and logged with the key.
 */
export const handler = taskHandler(ObjectCreated, async (event) => {
  const { bucket, object } = event.detail;
  const outcome = await ingestDroppedFile(object.key, { engine: searchEngine('ingest'), audit: recordAudit, files: new S3DroppedFiles(s3, bucket.name), now: nowIso });
  if (!outcome.ok) logger.warn('search drop refused', { key: object.key, reason: outcome.refused });
  else if (outcome.rejected > 0) logger.warn('search changes rejected', { source: outcome.source, file: outcome.file, count: outcome.rejected });
  return outcome;
});
