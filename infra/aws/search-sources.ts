import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { SOURCES, type Source } from '../../functions/search/domain/sources';
import { SEARCH_PUSHING_SOURCES } from '../manifest/search';
import { accessLogBucket } from './log-bucket';
import { acknowledge, nagArnOf } from './nag';

/** Where a source's pushed changes come from on the bus: `ciss.search.<source id>` (functions/search/ingest.ts). */
export const sourceEventName = (sourceId: string): string => `ciss.search.${sourceId}`;

/** The sources that push their changes as events (the manifest's, whose rule takes their events). */
export const PUSHING_SOURCES: readonly Source[] = SEARCH_PUSHING_SOURCES;

/** The sources that send files of changes: each drops them in the drop bucket under its own id. */
export const BATCH_SOURCES: readonly Source[] = SOURCES.filter((s) => s.delivery.mode === 'batch');

/** How long a dropped file is kept once ingested (or not): long enough to replay a fortnight. */
export const DROPPED_FILE_DAYS = 14;

export interface SearchSourceAccessProps {
  /** Deployment stage: names the roles (`ciss-workflows-<stage>-search-source-<id>`). */
  readonly stage: string;
  /** The application's bus, where sources put `SearchRecordsChanged`. */
  readonly bus: events.EventBus;
  /**
   * Who may take on a source's role, by source id: the source agency's own principal once it is
   * on board (a role in its account, say). Until then the account itself, whose administrators
   * grant `sts:AssumeRole` on the role to whom they choose.
   * @default new iam.AccountRootPrincipal() for every source
   */
  readonly principals?: Readonly<Record<string, iam.IPrincipal>>;
  /**
   * What happens to the drop bucket, its key and its logs when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Each pushing source's own principal, and the bus policy that makes it the only one: a source may
 * put only its own `ciss.search.<id>` events, and nobody else may put them.
 * - Each source has a role whose one permission is `events:PutEvents` on the bus with the
 *   condition `events:source` = its own `ciss.search.<id>`.
 * - The bus's resource policy denies `events:PutEvents` of `ciss.search.<id>` to every principal
 *   but that source's role (`aws:PrincipalArn`), so no function role or person of the account,
 *   whatever IAM gives them, can speak for a source.
 * Locally the edge applies the same rule by the request's access key (infra/local/search/names.ts
 * `mayPutEventSource`).
 */
export class SearchSourceAccess extends Construct {
  /** Each pushing source's role, by source id. */
  readonly roles: Readonly<Record<string, iam.Role>>;
  /** The drop: where batch sources put their files (`<source id>/<file>.ndjson`); each file tells EventBridge ("Object Created"). */
  readonly dropBucket: s3.Bucket;
  /** The drop bucket's own key (SSE-KMS, rotated yearly). */
  readonly dropKey: kms.Key;
  /** The drop bucket's server access logs. */
  readonly dropLogBucket: s3.Bucket;
  /** Each batch source's role, by source id: PutObject under its own prefix of the drop, nothing else. */
  readonly dropRoles: Readonly<Record<string, iam.Role>>;

  constructor(scope: Construct, id: string, props: SearchSourceAccessProps) {
    super(scope, id);
    // The drop's server access logs granted to the logging service by bucket policy (as portal.ts).
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const roles: Record<string, iam.Role> = {};
    for (const source of PUSHING_SOURCES) {
      const eventSource = sourceEventName(source.id);
      const role = new iam.Role(this, `Role-${source.id}`, {
        roleName: `ciss-workflows-${props.stage}-search-source-${source.id}`,
        description: `${source.name} (${source.agency}) pushes its changes to CISS Search: ${eventSource} events on the bus, nothing else`,
        assumedBy: props.principals?.[source.id] ?? new iam.AccountRootPrincipal(),
      });
      // A managed policy (not inline): one statement, its own resource, readable on its own.
      role.addManagedPolicy(
        new iam.ManagedPolicy(this, `Policy-${source.id}`, {
          description: `Put ${eventSource} events on the CISS bus, and no other source's`,
          statements: [
            new iam.PolicyStatement({
              actions: ['events:PutEvents'],
              resources: [props.bus.eventBusArn],
              conditions: { StringEquals: { 'events:source': eventSource } },
            }),
          ],
        }),
      );
      props.bus.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `OnlySource${source.id.replace(/[^A-Za-z0-9]/g, '')}`,
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [props.bus.eventBusArn],
          conditions: { StringEquals: { 'events:source': eventSource }, ArnNotEquals: { 'aws:PrincipalArn': role.roleArn } },
        }),
      );
      roles[source.id] = role;
    }
    this.roles = roles;

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    ({ bucket: this.dropBucket, key: this.dropKey, logBucket: this.dropLogBucket } = this.createDrop(props.stage, removalPolicy));
    const dropRoles: Record<string, iam.Role> = {};
    for (const source of BATCH_SOURCES) {
      const role = new iam.Role(this, `DropRole-${source.id}`, {
        roleName: `ciss-workflows-${props.stage}-search-drop-${source.id}`,
        description: `${source.name} (${source.agency}) drops its files of changes for CISS Search under ${source.id}/ in the drop bucket, nothing else`,
        assumedBy: props.principals?.[source.id] ?? new iam.AccountRootPrincipal(),
      });
      const policy = new iam.ManagedPolicy(this, `DropPolicy-${source.id}`, {
        description: `Put files under ${source.id}/ in the CISS Search drop bucket, and nowhere else`,
        statements: [
          new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.dropBucket.arnForObjects(`${source.id}/*`)] }),
          // SSE-KMS: S3 asks the key for a data key with the writer's credentials (and Decrypt
          // for a multipart upload's parts), only on S3's behalf.
          new iam.PolicyStatement({
            actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
            resources: [this.dropKey.keyArn],
            conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
          }),
        ],
      });
      role.addManagedPolicy(policy);
      acknowledge(policy, `AwsSolutions-IAM5[Resource::${nagArnOf(policy, this.dropBucket.node.defaultChild as s3.CfnBucket)}/${source.id}/*]`, `File names are the source's own; the wildcard is its own prefix of the drop (${source.id}/) only.`);
      dropRoles[source.id] = role;
    }
    this.dropRoles = dropRoles;
  }

  /**
   * What the search-drop function needs: GetObject on the dropped files and Decrypt with the
   * drop's key, only through S3.
   */
  grantReadDropped(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [this.dropBucket.arnForObjects('*')] });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [this.dropKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this.dropBucket).region}.amazonaws.com` } },
    });
    const holder = grantee.grantPrincipal;
    if (holder instanceof Construct) {
      acknowledge(holder, `AwsSolutions-IAM5[Resource::${nagArnOf(holder, this.dropBucket.node.defaultChild as s3.CfnBucket)}/*]`, "Any file a batch source dropped (each under its own prefix) is read by key from S3's event; the wildcard is the drop bucket's objects only.");
    }
  }

  /** The drop bucket, its key and its access-log bucket. */
  private createDrop(stage: string, removalPolicy: RemovalPolicy): { bucket: s3.Bucket; key: kms.Key; logBucket: s3.Bucket } {
    const key = new kms.Key(this, 'DropKey', {
      description: `ciss-workflows-${stage}: CISS Search's drop bucket (batch sources' files of changes)`,
      alias: `alias/ciss-workflows-${stage}-search-drop`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const logBucket = accessLogBucket(this, 'DropLogs', { of: 'the drop bucket', removalPolicy });
    acknowledge(logBucket, 'AwsSolutions-S1', 'This is the access-log bucket itself: logging its own access would log forever.');
    acknowledge(logBucket, 'NIST.800.53.R5-S3BucketLoggingEnabled', 'This is the access-log bucket itself: logging its own access would log forever.');
    const bucket = new s3.Bucket(this, 'Drop', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      // One data key per bucket for a while, not a KMS call per object.
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules: [
        {
          expiration: Duration.days(DROPPED_FILE_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'search-drop/',
      removalPolicy,
    });
    // S3 → EventBridge ("Object Created" on the default bus) as the bucket's own CloudFormation
    // property, not CDK's `eventBridgeEnabled`, which adds a custom-resource function to set it.
    (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    acknowledge(bucket, 'NIST.800.53.R5-S3BucketReplicationEnabled', `Files of changes the sources keep and can send again, kept ${DROPPED_FILE_DAYS} days; a replica would only copy criminal-justice data to another region.`);
    return { bucket, key, logBucket };
  }
}
