import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { CfnResource, CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IConstruct } from 'constructs';
import type { SearchDbAccess } from '../manifest';
import { SEARCH_DB_NAME } from '../manifest/shared';
import { searchSchemaStatements } from '../search-schema';
import { keptLogGroup, LambdaFunction } from './function';
import { grantSecretRead } from './grants';
import { acknowledge } from './nag';
import { acknowledgeRotation, ROTATION_INTERVAL } from './rotation/rotation';
import type { MigrationProperties } from './search-migration/handler';
import { SEARCH_DB_USERS, searchDbGrantStatements } from './search-migration/users';

/**
 * Aurora PostgreSQL 17.9: the newest 17 minor CDK offers. The Data API serves Aurora
 * PostgreSQL 17 from 17.4 (AWS's region table), and pg_trgm, fuzzystrmatch and unaccent are
 * contrib modules Aurora ships in every version; 18 is newer than the region tables some
 * partitions publish for the Data API.
 */
export const SEARCH_DB_ENGINE_VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;

/** The Data API calls a search function makes, on the cluster (no more: not `ExecuteSql`, Serverless v1's). */
export const DATA_API_ACTIONS = [
  'rds-data:ExecuteStatement',
  'rds-data:BatchExecuteStatement',
  'rds-data:BeginTransaction',
  'rds-data:CommitTransaction',
  'rds-data:RollbackTransaction',
] as const;

export interface SearchDatabaseProps {
  /** Deployment stage: names the cluster (`ciss-workflows-<stage>-search`). */
  readonly stage: string;
  /** Where `package-lock.json` is, for bundling the migration function. */
  readonly projectRoot: string;
  /** The application key: encrypts the log groups (as every log of the app), not the data. */
  readonly logKey: kms.IKey;
  /**
   * Lowest capacity, in ACUs. Half an ACU (about 1 GiB) keeps the writer up and its cache warm
   * between the few searches an hour CISS sees; 0 would pause it, and the first search after a
   * pause waits for the resume (the Data API answers DatabaseResumingException meanwhile).
   * @default 0.5
   */
  readonly minCapacity?: number;
  /**
   * Highest capacity, in ACUs: bounds the bill (8 ACUs all month is about $700 at list price) and
   * leaves room for a full reindex or a source's backlog; searches alone never come near it.
   * @default 8
   */
  readonly maxCapacity?: number;
  /**
   * Automated backups (continuous, point in time). A week: enough to undo an operator's mistake;
   * and not more, because a backup keeps what a source has since erased or sealed (CGS § 54-142a)
   * and a restore brings it back, so the index (derived data, rebuilt from the sources) keeps
   * erased content for as short a time as recovery allows.
   * @default Duration.days(7)
   */
  readonly backupRetention?: Duration;
  /**
   * What happens to the cluster, its key, secrets and network when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * CISS Search's database: Aurora PostgreSQL Serverless v2 with the Data API, reached by the
 * functions over HTTPS (IAM, then a user's secret), never over the network. The cluster sits in
 * a VPC of isolated subnets only (no NAT, no internet gateway, a security group with no rule),
 * encrypted with its own key; an admin user (its secret generated at creation) runs the
 * migration, and three users with their own secrets are what functions use: `search_query`,
 * `search_ingest` and `search_purge` (see ./search-migration/users.ts).
 *
 * Its own KMS key rather than the application's: the search index is a second copy of fourteen
 * systems' criminal-justice records, with its own erasure duties. Its key's use (storage, its
 * three secrets) shows apart in CloudTrail, its policy can be narrowed without touching the
 * tables' and task tokens' key, and it can be disabled to make every copy of the index (cluster,
 * snapshots) unreadable at once without touching the workflows.
 */
export class SearchDatabase extends Construct {
  readonly cluster: rds.DatabaseCluster;
  readonly key: kms.Key;
  readonly vpc: ec2.Vpc;
  /** The admin user's secret: the migration's only. */
  readonly adminSecret: secretsmanager.ISecret;
  /** Each access's user's secret (what `SEARCH_DB_SECRET_ARN` names). */
  readonly secrets: Readonly<Record<SearchDbAccess, rds.DatabaseSecret>>;
  /** The custom resource that applies the schema, the users and the grants. */
  readonly migration: CustomResource;
  readonly migrationFunction: nodejs.NodejsFunction;
  private readonly migrationRole: iam.IRole;
  /** Rotates the three users' passwords through the Data API every ROTATION_INTERVAL. */
  readonly rotationFunction: nodejs.NodejsFunction;
  /** Fixed, so that its log group (and the dashboard) can be named before the cluster exists. */
  readonly clusterIdentifier: string;
  readonly maxCapacity: number;

  constructor(scope: Construct, id: string, props: SearchDatabaseProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const prefix = `ciss-workflows-${props.stage}`;
    this.clusterIdentifier = `${prefix}-search`;
    this.maxCapacity = props.maxCapacity ?? 8;

    this.key = new kms.Key(this, 'Key', {
      description: `${prefix}: CISS Search's database (storage, snapshots, its users' secrets)`,
      alias: `alias/${prefix}-search`,
      enableKeyRotation: true,
      removalPolicy,
    });

    // Two AZs (Aurora's subnet group needs two), isolated subnets only: nothing in it connects
    // out, and nothing connects in; the Data API reaches the cluster from AWS's side.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    const flowLogs = keptLogGroup(this, 'FlowLogs', props.logKey);
    const flowLog = this.vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL });
    acknowledge(flowLog, 'NIST.800.53.R5-IAMNoInlinePolicy', "CDK's flow-log delivery role: it may write to this VPC's flow-log group only, and is meant for this one role.");
    acknowledge(
      this.vpc,
      'NIST.800.53.R5-VPCDefaultSecurityGroupClosed',
      "Nothing is placed in the VPC's default security group (the cluster has its own, without rules); closing it takes a custom-resource function for no boundary gained.",
    );
    const securityGroup = new ec2.SecurityGroup(this, 'ClusterSecurityGroup', {
      vpc: this.vpc,
      description: `${prefix}: CISS Search cluster - no inbound rule (the Data API needs none), no outbound`,
      allowAllOutbound: false,
    });

    // Its log export, made here to be encrypted and kept a year like every log of the app (RDS
    // would make it unencrypted, kept for ever). Errors, connections and DDL only: the Data API
    // binds search words as parameters, which PostgreSQL does not log.
    const logGroup = keptLogGroup(this, 'PostgresqlLogs', props.logKey, { logGroupName: `/aws/rds/cluster/${this.clusterIdentifier}/postgresql` });

    const minCapacity = props.minCapacity ?? 0.5;
    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: SEARCH_DB_ENGINE_VERSION }),
      clusterIdentifier: this.clusterIdentifier,
      writer: rds.ClusterInstance.serverlessV2('writer', { autoMinorVersionUpgrade: true, publiclyAccessible: false }),
      serverlessV2MinCapacity: minCapacity,
      serverlessV2MaxCapacity: this.maxCapacity,
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [securityGroup],
      defaultDatabaseName: SEARCH_DB_NAME,
      credentials: rds.Credentials.fromGeneratedSecret('search_admin', { encryptionKey: this.key }),
      enableDataApi: true,
      iamAuthentication: true,
      storageEncrypted: true,
      storageEncryptionKey: this.key,
      backup: { retention: props.backupRetention ?? Duration.days(7), preferredWindow: '07:00-08:00' },
      preferredMaintenanceWindow: 'sun:08:30-sun:09:30',
      deletionProtection: true,
      copyTagsToSnapshot: true,
      cloudwatchLogsExports: ['postgresql'],
      monitoringInterval: Duration.seconds(60),
      parameters: {
        // Every failed statement is logged without its parameters (the default length 0 keeps
        // bound values out); DDL is logged so schema changes are on record (AU-2).
        log_statement: 'ddl',
        log_connections: '1',
        log_disconnections: '1',
      },
      removalPolicy,
    });
    this.cluster.node.addDependency(logGroup);
    if (!this.cluster.secret) throw new Error('The search cluster was made without its admin secret');
    this.adminSecret = this.cluster.secret;

    this.secrets = {
      query: this.userSecret('QuerySecret', 'query', removalPolicy),
      ingest: this.userSecret('IngestSecret', 'ingest', removalPolicy),
      purge: this.userSecret('PurgeSecret', 'purge', removalPolicy),
    };

    // What holds data or the way to it stays when the stack goes: the cluster and its writer,
    // and the network they live in (deleting it under a retained cluster would fail anyway).
    for (const construct of [this.vpc, this.cluster, securityGroup]) retainAll(construct, removalPolicy);

    const migration = this.migrationResource(props);
    this.migration = migration.resource;
    this.migrationFunction = migration.migration.fn;
    this.migrationRole = migration.migration.role;
    this.rotationFunction = this.passwordRotation(props);

    this.acknowledgeFindings();
  }

  /** Grants `grantee` the Data API on the cluster as the user for `access`: that user's secret, no other. */
  grantDataApi(grantee: iam.IGrantable, access: SearchDbAccess): void {
    iam.Grant.addToPrincipal({ grantee, actions: [...DATA_API_ACTIONS], resourceArns: [this.cluster.clusterArn] });
    grantSecretRead(grantee, this.secrets[access]);
  }

  /** What a `searchDb` / `searchDbSecret` ref resolves to (see refs.ts). */
  get refTarget(): { readonly clusterArn: string; readonly secretArn: (access: SearchDbAccess) => string } {
    return { clusterArn: this.cluster.clusterArn, secretArn: (access) => this.secrets[access].secretArn };
  }

  private userSecret(id: string, access: SearchDbAccess, removalPolicy: RemovalPolicy): rds.DatabaseSecret {
    const secret = new rds.DatabaseSecret(this, id, {
      username: SEARCH_DB_USERS[access],
      dbname: SEARCH_DB_NAME,
      encryptionKey: this.key,
    });
    secret.applyRemovalPolicy(removalPolicy);
    // host, port, engine and the cluster's id beside the username and password, as RDS's own.
    secret.attach(this.cluster);
    return secret;
  }

  private migrationResource(props: SearchDatabaseProps): { resource: CustomResource; migration: LambdaFunction } {
    const migration = new LambdaFunction(this, 'Migration', {
      entry: path.join(import.meta.dirname, 'search-migration', 'handler.ts'),
      description: "Applies CISS Search's schema, users and grants to its database at deploy",
      roleDescription: "Applies CISS Search's schema, users and grants through the Data API",
      projectRoot: props.projectRoot,
      logKey: props.logKey,
      // A new index on a full table can take minutes; CloudFormation waits up to an hour.
      timeout: Duration.minutes(15),
    });
    const { fn, role } = migration;
    // The admin user for the statements, and each user's secret to set its password from.
    iam.Grant.addToPrincipal({ grantee: role, actions: ['rds-data:ExecuteStatement'], resourceArns: [this.cluster.clusterArn] });
    grantSecretRead(role, this.adminSecret);
    for (const secret of Object.values(this.secrets)) grantSecretRead(role, secret);

    const statements = searchSchemaStatements();
    const grants = searchDbGrantStatements(SEARCH_DB_NAME, statements);
    const users = (Object.keys(SEARCH_DB_USERS) as SearchDbAccess[]).map((access) => ({ Name: SEARCH_DB_USERS[access], SecretArn: this.secrets[access].secretArn }));
    const properties: MigrationProperties = {
      ClusterArn: this.cluster.clusterArn,
      AdminSecretArn: this.adminSecret.secretArn,
      Database: SEARCH_DB_NAME,
      Statements: statements,
      Users: users,
      Grants: grants,
      // Changes with any statement, so CloudFormation updates (and the function re-runs) on it.
      SchemaHash: createHash('sha256').update(JSON.stringify({ statements, grants })).digest('hex').slice(0, 16),
    };
    const resource = new CustomResource(this, 'Schema', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::SearchSchema',
      properties: properties as unknown as Record<string, unknown>,
    });
    // The writer must be up first (Data API statements run there); the secrets are referenced.
    resource.node.addDependency(this.cluster);
    return { resource, migration };
  }

  /**
   * Rotation of the three users' passwords (search-migration/rotation.ts), as the admin through
   * the Data API: AWS's rotation functions for RDS would connect over the VPC, which has no route
   * to Secrets Manager by design. The schedules let the function use each secret's rotation
   * actions and the key through Secrets Manager only.
   */
  private passwordRotation(props: SearchDatabaseProps): nodejs.NodejsFunction {
    const rotation = new LambdaFunction(this, 'PasswordRotation', {
      entry: path.join(import.meta.dirname, 'search-migration', 'rotation.ts'),
      description: "Rotates the passwords of CISS Search's database users (admin, query, ingest, purge) through the Data API",
      roleDescription: "Rotates the passwords of CISS Search's database users through the Data API",
      projectRoot: props.projectRoot,
      logKey: props.logKey,
      timeout: Duration.minutes(1),
      environment: { CLUSTER_ARN: this.cluster.clusterArn, ADMIN_SECRET_ARN: this.adminSecret.secretArn, DATABASE: SEARCH_DB_NAME },
    });
    const { fn, role } = rotation;
    iam.Grant.addToPrincipal({ grantee: role, actions: ['rds-data:ExecuteStatement'], resourceArns: [this.cluster.clusterArn] });
    grantSecretRead(role, this.adminSecret);
    for (const secret of [this.adminSecret, ...Object.values(this.secrets)]) {
      secret.addRotationSchedule('Rotation', { rotationLambda: fn, automaticallyAfter: ROTATION_INTERVAL });
    }
    acknowledgeRotation(rotation, 'The policy names only this cluster and the three secrets this function rotates, for this one role.');
    acknowledge(fn, 'NIST.800.53.R5-LambdaInsideVPC', 'It calls the Data API and Secrets Manager (AWS endpoints over TLS) and accepts no connection; the VPC has no route out by design.');
    return rotation.fn;
  }

  private acknowledgeFindings(): void {
    const cluster = this.cluster;
    acknowledge(
      cluster,
      'AwsSolutions-RDS11',
      'Nothing connects to the port: the subnets are isolated and the security group has no rule; the functions use the Data API (HTTPS, IAM). A non-default port would hide nothing.',
    );
    acknowledge(
      cluster,
      'NIST.800.53.R5-RDSInBackupPlan',
      'Automated backups (point in time, 7 days) are on and the cluster is retained and protected from deletion. The index is derived from the sources and rebuilt by replay; longer-lived AWS Backup copies would keep records that a source has since erased or sealed.',
    );
    const monitoringRole = cluster.monitoringRole;
    if (monitoringRole) {
      acknowledge(
        monitoringRole,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        "AWS's managed policy for RDS Enhanced Monitoring: it lets the RDS monitoring service write its own RDSOSMetrics log group, and nothing else.",
      );
    }
    const fn = this.migrationFunction;
    acknowledge(fn, 'NIST.800.53.R5-LambdaInsideVPC', 'It calls the Data API and Secrets Manager (AWS endpoints over TLS) and accepts no connection; the VPC has no route out by design.');
    acknowledge(fn, 'NIST.800.53.R5-LambdaConcurrency', 'Invoked by CloudFormation once per deploy that changes the schema; no load to bound.');
    acknowledge(fn, 'NIST.800.53.R5-LambdaDLQ', 'CloudFormation invokes it and waits for its answer; a failure fails (and rolls back) the deploy, where it is seen.');
    const role = this.migrationRole;
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions.');
    acknowledge(role, 'NIST.800.53.R5-IAMNoInlinePolicy', 'The policy names only this cluster and its three secrets, for this one role.');
  }
}

/**
 * Sets `policy` on the network, database and secret resources under `scope` (the admin secret is
 * the cluster's child), not on roles or log plumbing.
 */
function retainAll(scope: IConstruct, policy: RemovalPolicy): void {
  for (const child of scope.node.findAll()) {
    if (child instanceof CfnResource && /^AWS::(EC2|RDS|SecretsManager)::/.test(child.cfnResourceType)) child.applyRemovalPolicy(policy);
  }
}
