import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { LambdaFunction } from '../function';
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
export class RandomSecretRotation extends LambdaFunction {
  constructor(scope: Construct, id: string, props: RandomSecretRotationProps) {
    super(scope, id, {
      entry: path.join(import.meta.dirname, 'handler.ts'),
      description: 'Rotates generated ciss-workflows secrets to a new random value',
      roleDescription: 'Rotates generated ciss-workflows secrets',
      projectRoot: props.projectRoot,
      logKey: props.key,
      logRetention: props.logRetention,
      timeout: Duration.seconds(30),
      environment: { SECRET_LENGTH: '64' },
    });
    acknowledgeRotation(this, 'The policy names only the secrets this function rotates and is meant for this role alone.');
    acknowledge(this.fn, 'NIST.800.53.R5-LambdaInsideVPC', 'It calls only the Secrets Manager API over TLS and accepts no network connections.');
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

/** What cdk-nag finds on any rotation function, and why each is so. */
export function acknowledgeRotation(rotation: LambdaFunction, policy: string): void {
  acknowledge(rotation.role, 'AwsSolutions-IAM5[Resource::*]', 'secretsmanager:GetRandomPassword and the X-Ray tracing actions support no resource-level permissions.');
  for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
    acknowledge(rotation.role, `AwsSolutions-IAM5[Action::${action}]`, "CDK's rotation-schedule grant on the secrets' key; usable only through Secrets Manager (kms:ViaService).");
  }
  acknowledge(rotation.role, 'NIST.800.53.R5-IAMNoInlinePolicy', policy);
  acknowledge(rotation.fn, 'NIST.800.53.R5-LambdaConcurrency', 'Invoked a few times per secret every 90 days by Secrets Manager; no load to bound.');
  acknowledge(rotation.fn, 'NIST.800.53.R5-LambdaDLQ', 'Secrets Manager invokes it synchronously and records a failed rotation on the secret itself.');
}
