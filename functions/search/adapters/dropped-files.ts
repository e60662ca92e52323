/** The batch sources' dropped files in S3 (the drop bucket, infra/aws/search-sources.ts). */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DroppedFiles } from '../use-cases/drop';

export class S3DroppedFiles implements DroppedFiles {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async read(key: string): Promise<string> {
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!res.Body) throw new Error(`s3://${this.bucket}/${key} has no body`);
    return res.Body.transformToString('utf-8');
  }
}
