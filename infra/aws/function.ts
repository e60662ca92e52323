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

/** A log group as every log of the app is kept: encrypted with `key`, a year, never deleted with the stack. */
export function keptLogGroup(scope: Construct, id: string, key: kms.IKey, props: Omit<logs.LogGroupProps, 'encryptionKey' | 'removalPolicy'> = {}): logs.LogGroup {
  return new logs.LogGroup(scope, id, { retention: LOG_RETENTION, ...props, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
}

export interface LambdaFunctionProps {
  /** The handler module's absolute path (its export `handler`). */
  readonly entry: string;
  readonly description: string;
  /** What the execution role is for (IAM's description). */
  readonly roleDescription: string;
  /** Directory that holds `package-lock.json`. */
  readonly projectRoot: string;
  /** Encrypts the function's log group. */
  readonly logKey: kms.IKey;
  /** @default LOG_RETENTION (one year) */
  readonly logRetention?: logs.RetentionDays;
  /** @default 256 */
  readonly memoryMb?: number;
  readonly timeout: Duration;
  readonly environment?: Readonly<Record<string, string>>;
  /** Shell commands run after bundling, from the input to the output directory. */
  readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
}

/**
 * The one place the Lambda defaults live: Node 24 on Graviton, X-Ray, an encrypted log group
 * with a fixed retention, an own role that may write to that log group only (AC-6), and an ESM
 * bundle made by the local esbuild with bundling.ts's settings (no Docker needed). Every
 * function of the app is one: the manifest's, and the few infrastructure ones (rotation, the
 * search database's migration).
 */
export class LambdaFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    super(scope, id);
    this.logGroup = keptLogGroup(this, 'Logs', props.logKey, { retention: props.logRetention ?? LOG_RETENTION });
    // An own role instead of CDK's default, which attaches AWSLambdaBasicExecutionRole
    // (logs:CreateLogGroup and friends on every log group of the account).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.roleDescription.slice(0, 1000),
    });
    this.logGroup.grantWrite(this.role);
    const afterBundling = props.afterBundling ?? (() => []);

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      role: this.role,
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb ?? 256,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      environment: { ...props.environment, ...(LAMBDA_BUNDLE.sourceMapsAtRuntime ? { NODE_OPTIONS: '--enable-source-maps' } : {}) },
      // The settings live in bundling.ts, which the benchmark and the bundle test build with too.
      bundling: {
        forceDockerBundling: false,
        target: LAMBDA_BUNDLE.target,
        minify: LAMBDA_BUNDLE.minify,
        sourceMap: LAMBDA_BUNDLE.sourceMap,
        sourcesContent: LAMBDA_BUNDLE.sourcesContent,
        format: nodejs.OutputFormat.ESM,
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        banner: LAMBDA_BUNDLE.banner,
        externalModules: [...LAMBDA_BUNDLE.external],
        commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling },
      },
    });
  }
}

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

/** A function of the manifest: its spec, on the Lambda defaults. */
export class ManifestFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: ManifestFunctionProps) {
    const { spec } = props;
    super(scope, id, {
      entry: path.join(props.projectRoot, spec.entry),
      description: spec.description,
      roleDescription: `Execution role of ${spec.description}`,
      projectRoot: props.projectRoot,
      logKey: props.logKey,
      logRetention: props.logRetention,
      memoryMb: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds ?? 10),
      environment: props.environment,
      afterBundling: (inputDir, outputDir) => {
        const reference = referenceDirOf(props.projectRoot, spec.entry);
        return reference ? [`cp "${inputDir}/${reference}"/*.csv "${outputDir}/"`] : [];
      },
    });
    acknowledge(this.role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions.');
    acknowledge(
      this.role,
      'NIST.800.53.R5-IAMNoInlinePolicy',
      'The role policy is generated from the manifest for this one role; a managed policy would only make it attachable to other principals.',
    );
  }
}
