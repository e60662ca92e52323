import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../manifest';
import { LAMBDA_BUNDLE, referenceDirOf } from './bundling';
import { acknowledge } from './nag';

/**
 * CJIS Security Policy 5.4.7 asks for audit records to be kept at least one year; function
 * and workflow logs are part of that trail, so nothing shorter.
 */
export const LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

export interface ManifestFunctionProps {
  readonly spec: FunctionSpec;
  /** Directory the manifest's `entry` paths are relative to; holds `package-lock.json`. */
  readonly projectRoot: string;
  /** Resolved environment; refs to other functions and machines are added later. */
  readonly environment: Readonly<Record<string, string>>;
  /** Encrypts the function's log group. */
  readonly logKey: kms.IKey;
  /**
   * @default LOG_RETENTION (one year)
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The one place the Lambda defaults live: Node 24 on Graviton, X-Ray, an encrypted log group
 * with a fixed retention, and an ESM bundle made by the local esbuild (no Docker needed).
 */
export class ManifestFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ManifestFunctionProps) {
    super(scope, id);
    const { spec } = props;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? LOG_RETENTION,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // An own role instead of CDK's default, which attaches AWSLambdaBasicExecutionRole
    // (logs:CreateLogGroup and friends on every log group of the account): this one may write
    // to the function's own log group only (AC-6).
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${spec.description}`.slice(0, 1000),
    });
    this.logGroup.grantWrite(role);
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions.');
    acknowledge(
      role,
      'NIST.800.53.R5-IAMNoInlinePolicy',
      'The role policy is generated from the manifest for this one role; a managed policy would only make it attachable to other principals.',
    );

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      role,
      entry: path.join(props.projectRoot, spec.entry),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      description: spec.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb ?? 256,
      timeout: Duration.seconds(spec.timeoutSeconds ?? 10),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      // The settings live in bundling.ts, which the benchmark and the bundle test build with too.
      bundling: {
        forceDockerBundling: false,
        target: LAMBDA_BUNDLE.target,
        minify: LAMBDA_BUNDLE.minify,
        sourceMap: LAMBDA_BUNDLE.sourceMap,
        format: nodejs.OutputFormat.ESM,
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        banner: LAMBDA_BUNDLE.banner,
        externalModules: [...LAMBDA_BUNDLE.external],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => {
            const reference = referenceDirOf(props.projectRoot, spec.entry);
            return reference ? [`cp "${inputDir}/${reference}"/*.csv "${outputDir}/"`] : [];
          },
        },
      },
    });
  }
}
