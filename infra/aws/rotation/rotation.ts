import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

/** How often generated secrets are replaced (IA-5(1), SC-12). */
export const ROTATION_INTERVAL = Duration.days(90);

export interface RandomSecretRotationProps {
  /** Encrypts the rotation function's log group; the secrets' key. */
  readonly key: kms.IKey;
  /** Where `package-lock.json` is, for bundling. */
  readonly projectRoot: string;
  /** Log retention, as every log of the app. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * One small function that rotates generated secrets to a new random string (`handler.ts`),
 * and the schedule per secret. Infrastructure, not application code: it lives here rather
 * than in the manifest, and the local runtime has no counterpart.
 */
export class RandomSecretRotation extends Construct {
  readonly fn: nodejs.NodejsFunction;
  private readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: RandomSecretRotationProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, encryptionKey: props.key, removalPolicy: RemovalPolicy.RETAIN });
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: 'Rotates generated ciss-workflows secrets' });
    logGroup.grantWrite(this.role);
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'secretsmanager:GetRandomPassword and the X-Ray tracing actions support no resource-level permissions.',
    );
    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      acknowledge(
        this.role,
        `AwsSolutions-IAM5[Action::${action}]`,
        "CDK's rotation-schedule grant on the secrets' key; usable only through Secrets Manager (kms:ViaService).",
      );
    }
    acknowledge(this.role, 'NIST.800.53.R5-IAMNoInlinePolicy', 'The policy names only the secrets this function rotates and is meant for this role alone.');

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(import.meta.dirname, 'handler.ts'),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      description: 'Rotates generated ciss-workflows secrets to a new random value',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup,
      environment: { SECRET_LENGTH: '64' },
      bundling: { forceDockerBundling: false, minify: true, format: nodejs.OutputFormat.ESM, externalModules: ['@aws-sdk/*'] },
    });
    acknowledge(this.fn, 'NIST.800.53.R5-LambdaInsideVPC', 'It calls only the Secrets Manager API over TLS and accepts no network connections.');
    acknowledge(this.fn, 'NIST.800.53.R5-LambdaConcurrency', 'Invoked a few times per secret every 90 days by Secrets Manager; no load to bound.');
    acknowledge(this.fn, 'NIST.800.53.R5-LambdaDLQ', 'Secrets Manager invokes it synchronously and records a failed rotation on the secret itself.');
  }

  /**
   * Rotates `secret` every ROTATION_INTERVAL. CDK's schedule grants the function the four
   * rotation actions on this secret, GetRandomPassword, and the secret's key through Secrets
   * Manager only, and lets Secrets Manager invoke it.
   */
  rotate(secret: secretsmanager.Secret): void {
    secret.addRotationSchedule('Rotation', { rotationLambda: this.fn, automaticallyAfter: ROTATION_INTERVAL });
  }
}
