import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { LOG_RETENTION } from './function';
import { acknowledge } from './nag';

/**
 * A bucket that receives S3 server access logs (and, for the portal, CloudFront's standard logs):
 * private, TLS 1.2 only, versioned, each log kept LOG_RETENTION days. S3 delivers server access
 * logs only to a bucket encrypted with SSE-S3, so that is its encryption, acknowledged as such.
 */
export function accessLogBucket(
  scope: Construct,
  id: string,
  props: {
    /** What it logs, for the acknowledgements an auditor reads ("the portal (public code)"). */
    readonly of: string;
    /** BUCKET_OWNER_ENFORCED, unless a writer needs ACLs (CloudFront's standard logs: OBJECT_WRITER). */
    readonly objectOwnership?: s3.ObjectOwnership;
    readonly removalPolicy: RemovalPolicy;
  },
): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: props.objectOwnership ?? s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    lifecycleRules: [{ expiration: Duration.days(LOG_RETENTION), noncurrentVersionExpiration: Duration.days(1) }],
    removalPolicy: props.removalPolicy,
  });
  acknowledge(bucket, 'NIST.800.53.R5-S3DefaultEncryptionKMS', 'S3 server access logs are delivered only to buckets encrypted with SSE-S3, which this one is.');
  acknowledge(bucket, 'NIST.800.53.R5-S3BucketReplicationEnabled', `Access logs of ${props.of}: versioned and kept a year in this region; a cross-region replica is an operator decision.`);
  return bucket;
}
