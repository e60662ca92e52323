import { Aws, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { manifest, type SecretName, type TableName, type TableSpec } from '../manifest';
import { LOG_RETENTION } from './function';
import { acknowledge } from './nag';
import { entriesOf } from './refs';
import { RandomSecretRotation, ROTATION_INTERVAL } from './rotation/rotation';
import { SearchDatabase } from './search-db';
import { SearchSourceAccess } from './search-sources';

export interface StatefulResourcesProps {
  /** Deployment stage; names the bus, the key alias and the SES configuration set. */
  readonly stage: string;
  /** Where `package-lock.json` is, for bundling the rotation function. */
  readonly projectRoot: string;
  /**
   * What happens to data-bearing resources when they leave the stack.
   * @default RemovalPolicy.RETAIN — criminal-justice records outlive any deployment
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The dimension SES metrics of the app carry: the `ses:configuration-set` auto-tag of every message. */
export const SES_METRIC_DIMENSION = 'ses:configuration-set';

/**
 * Secrets whose value another party must learn when it changes, or that must never change, so a
 * random rotation here would break the app; each with the reason, which is also its cdk-nag
 * acknowledgement.
 */
const EXTERNALLY_ROTATED: Readonly<Partial<Record<SecretName, string>>> = {
  'packet-id-key': 'Arrest packet ids are an HMAC of (ORI, incident number) under this key, so that a retried POST names the same packet; a new value would give every resent packet a second id. It is read only by the arrests API and never rotated; if it leaks, ids become guessable again (no data is exposed by that alone).',
  'cms-credentials': `The CMS intake credential must be changed together with DCJ's CMS, so it is rotated by the operator (PutSecretValue) on DCJ's schedule; a random rotation every ${ROTATION_INTERVAL.toDays()} days would cut the app off from the CMS.`,
};

/**
 * Everything that holds data or identity and must survive a redeploy of the code: the KMS key,
 * the manifest's tables and secrets, CISS Search's database, the event bus and the SES sending
 * set-up.
 */
export class StatefulResources extends Construct {
  /** Encrypts the tables, the secrets and every log group of the app, and seals task tokens. */
  readonly key: kms.Key;
  readonly tables: Readonly<Record<TableName, dynamodb.Table>>;
  readonly secrets: Readonly<Record<SecretName, secretsmanager.Secret>>;
  readonly bus: events.EventBus;
  readonly configurationSet: ses.ConfigurationSet;
  /** Built from the name: `ses.ConfigurationSet` exposes none, and IAM needs it. */
  readonly configurationSetArn: string;
  readonly emailIdentity: ses.EmailIdentity;
  /** CISS Search's database: Aurora PostgreSQL Serverless v2 with the Data API (search-db.ts). */
  readonly searchDb: SearchDatabase;
  /** The pushing search sources' roles and the bus policy that keeps each to its own events. */
  readonly searchSources: SearchSourceAccess;
  /**
   * The nested stack CISS Search's database lives in: its ~50 resources (network, cluster, secrets,
   * rotation, migration) would take the main template past CloudFormation's 500 per stack. CDK
   * passes the application key in as a parameter and the cluster's and secrets' ARNs out as
   * outputs; the cdk-nag packs walk the construct tree, so they check it as well.
   */
  readonly searchDbStack: NestedStack;

  constructor(scope: Construct, id: string, props: StatefulResourcesProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const prefix = `ciss-workflows-${props.stage}`;

    this.key = new kms.Key(this, 'DataKey', {
      description: `${prefix}: tables, secrets, logs (CJIS encryption at rest) and sealed task tokens`,
      alias: `alias/${prefix}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // CloudWatch Logs encrypts with the key itself, so the key policy must let it — scoped to
    // this account's log groups through the encryption context, as AWS documents.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
        },
      }),
    );

    const tables: Partial<Record<TableName, dynamodb.Table>> = {};
    for (const [name, spec] of entriesOf<TableName, TableSpec>(manifest.tables)) {
      const table = new dynamodb.Table(this, `${name}Table`, {
        partitionKey: { name: spec.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: spec.sortKey, type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: this.key,
        deletionProtection: true,
        timeToLiveAttribute: spec.timeToLiveAttribute,
        removalPolicy,
      });
      acknowledge(
        table,
        'NIST.800.53.R5-DynamoDBInBackupPlan',
        'Point-in-time recovery (35 days, continuous) is on and the table is retained on delete; long-term AWS Backup plans are set by the account owner, not per app.',
      );
      // Single-table keys are composite strings ("AGENCY#CT0000000"); the manifest has no types.
      for (const [indexName, index] of Object.entries(spec.indexes)) {
        table.addGlobalSecondaryIndex({
          indexName,
          partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.ALL,
        });
      }
      tables[name] = table;
    }
    this.tables = tables as Record<TableName, dynamodb.Table>;

    const rotation = new RandomSecretRotation(this, 'SecretRotation', { key: this.key, projectRoot: props.projectRoot, logRetention: LOG_RETENTION });
    const secrets: Partial<Record<SecretName, secretsmanager.Secret>> = {};
    for (const [name, spec] of entriesOf(manifest.secrets)) {
      // A generated value nobody has seen; functions use its UTF-8 bytes as an HMAC key.
      const secret = new secretsmanager.Secret(this, `${name}Secret`, {
        description: `${prefix}: ${spec.description}`,
        encryptionKey: this.key,
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
        removalPolicy,
      });
      const externalReason = EXTERNALLY_ROTATED[name];
      if (externalReason === undefined) {
        // Every ROTATION_INTERVAL to a new random value. For the approval-link key, links signed
        // with the old value stay verifiable only while verifiers also accept AWSPREVIOUS.
        rotation.rotate(secret);
      } else {
        acknowledge(secret, 'AwsSolutions-SMG4', externalReason);
        acknowledge(secret, 'NIST.800.53.R5-SecretsManagerRotationEnabled', externalReason);
      }
      secrets[name] = secret;
    }
    this.secrets = secrets as Record<SecretName, secretsmanager.Secret>;

    this.searchDbStack = new NestedStack(this, 'SearchDbStack', { description: `ciss-workflows (${props.stage}): CISS Search's database (nested stack)` });
    this.searchDb = new SearchDatabase(this.searchDbStack, 'SearchDb', { stage: props.stage, projectRoot: props.projectRoot, logKey: this.key, removalPolicy });

    this.bus = new events.EventBus(this, 'Bus', { eventBusName: prefix, description: 'Domain events of ciss-workflows' });
    // Each CISS Search source puts only its own events, and only it may (search-sources.ts).
    this.searchSources = new SearchSourceAccess(this, 'SearchSources', { stage: props.stage, bus: this.bus, removalPolicy });

    this.configurationSet = new ses.ConfigurationSet(this, 'MailConfigurationSet', {
      configurationSetName: prefix,
      // Mail carries approval links; never let it fall back to clear text between servers.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // Sends, deliveries, bounces, complaints and rejects as AWS/SES metrics for the dashboard and
    // on-call: by configuration set (SES tags every message with it), so stages never mix.
    this.configurationSet.addEventDestination('CloudWatch', {
      destination: ses.EventDestination.cloudWatchDimensions([
        { name: SES_METRIC_DIMENSION, source: ses.CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: prefix },
      ]),
      events: [ses.EmailSendingEvent.SEND, ses.EmailSendingEvent.DELIVERY, ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.REJECT],
    });
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });

    // A domain identity with Easy DKIM, not an address: agency mail gateways enforce DMARC, and
    // only a DKIM-signed domain passes it. SES identities are per account and region, so one
    // stage per account (the CJIS norm of separate environments) is assumed.
    const senderDomain = manifest.email.sender.split('@')[1];
    if (!senderDomain) throw new Error(`manifest.email.sender "${manifest.email.sender}" is not an e-mail address`);
    this.emailIdentity = new ses.EmailIdentity(this, 'MailIdentity', {
      identity: ses.Identity.domain(senderDomain),
      configurationSet: this.configurationSet,
    });
  }
}
