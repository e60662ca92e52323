import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { manifest, type FunctionName, type MachineName, type Permission, type SecretName, type TableName } from '../manifest';
import { isReadOnlyDynamoDbAction, type MachineAccess } from './asl';

/** The resources a grant can be scoped to. */
export interface GrantTargets {
  readonly tables: Readonly<Record<TableName, dynamodb.ITable>>;
  readonly bus: events.IEventBus;
  readonly emailIdentityArn: string;
  readonly configurationSetArn: string;
  /** The application key: `{ key: 'encrypt' | 'decrypt' }` permissions are on it. */
  readonly key: kms.IKey;
  readonly secrets: Readonly<Record<SecretName, secretsmanager.ISecret>>;
  readonly functions: Readonly<Partial<Record<FunctionName, lambda.IFunction>>>;
  readonly machineArns: Readonly<Record<MachineName, string>>;
  /** `arn:…:execution:<machine>:*`, what execution-level actions are scoped to. */
  readonly executionArns: Readonly<Record<MachineName, string>>;
}

const MACHINE_ACTIONS = {
  start: { onMachine: ['states:StartExecution'], onExecutions: [] },
  // Not `grantRead`: it adds List/Describe actions on `*`.
  read: {
    onMachine: ['states:DescribeStateMachine', 'states:ListExecutions'],
    onExecutions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:DescribeStateMachineForExecution'],
  },
  // As CDK's grantTaskResponse: task tokens are authorised against the machine.
  callback: { onMachine: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], onExecutions: [] },
  stop: { onMachine: [], onExecutions: ['states:StopExecution'] },
} as const satisfies Record<string, { onMachine: readonly string[]; onExecutions: readonly string[] }>;

/** As CDK's `grantReadData` / `grantWriteData`, which this file does not use: see `grantTable`. */
const DYNAMODB_READ = [
  'dynamodb:BatchGetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const DYNAMODB_WRITE = ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
const KMS_FOR_READ = ['kms:Decrypt', 'kms:DescribeKey'];
const KMS_FOR_WRITE = [...KMS_FOR_READ, 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

/**
 * DynamoDB actions on a table (and its indexes), plus what its customer-managed key must allow.
 * The key is the application key, which also seals task tokens; CDK's table grants give the
 * caller unconditioned `kms:Decrypt` on it, which would let every function with table access
 * unseal tokens. Here the key use is limited to calls DynamoDB makes on the caller's behalf
 * (`kms:ViaService`), so only `{ key: … }` permissions allow direct use of the key.
 */
function grantTable(grantee: iam.IGrantable, table: dynamodb.ITable, actions: readonly string[], write: boolean): void {
  table.grant(grantee, ...actions);
  const key = table.encryptionKey;
  if (!key) return;
  iam.Grant.addToPrincipal({
    grantee,
    actions: write ? KMS_FOR_WRITE : KMS_FOR_READ,
    resourceArns: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(table).region}.amazonaws.com` } },
  });
}

/**
 * As `secret.grantRead`, but with the key half in the caller's policy instead of the key
 * policy (where CDK puts it, with `Resource: "*"`, making the stateful key depend on every
 * function role that reads a secret): Decrypt on the secret's key, only through Secrets Manager.
 */
function grantSecretRead(grantee: iam.IGrantable, secret: secretsmanager.ISecret): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resourceArns: [secret.secretArn] });
  if (!secret.encryptionKey) return;
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['kms:Decrypt'],
    resourceArns: [secret.encryptionKey.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(secret).region}.amazonaws.com` } },
  });
}

/** Sending as the manifest sender, through the app's identity and configuration set only. */
function grantSendEmail(grantee: iam.IGrantable, targets: GrantTargets): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['ses:SendEmail', 'ses:SendRawEmail'],
    resourceArns: [targets.emailIdentityArn, targets.configurationSetArn],
    conditions: { StringEquals: { 'ses:FromAddress': manifest.email.sender } },
  });
}

/** Grants one manifest `Permission` of a function, and nothing wider. */
export function grantPermission(grantee: iam.IGrantable, permission: Permission, targets: GrantTargets): void {
  if ('table' in permission) {
    const write = permission.access === 'readwrite';
    grantTable(grantee, targets.tables[permission.table], write ? [...DYNAMODB_READ, ...DYNAMODB_WRITE] : DYNAMODB_READ, write);
  } else if ('bus' in permission) {
    targets.bus.grantPutEventsTo(grantee);
  } else if ('ses' in permission) {
    grantSendEmail(grantee, targets);
  } else if ('key' in permission) {
    // Direct use of the application key (sealing and unsealing task tokens), unconditioned.
    if (permission.key === 'encrypt') targets.key.grantEncrypt(grantee);
    else targets.key.grantDecrypt(grantee);
  } else if ('secret' in permission) {
    grantSecretRead(grantee, targets.secrets[permission.secret]);
  } else {
    const onMachine = new Set<string>();
    const onExecutions = new Set<string>();
    for (const action of permission.actions) {
      MACHINE_ACTIONS[action].onMachine.forEach((a) => onMachine.add(a));
      MACHINE_ACTIONS[action].onExecutions.forEach((a) => onExecutions.add(a));
    }
    if (onMachine.size > 0) {
      iam.Grant.addToPrincipal({ grantee, actions: [...onMachine], resourceArns: [targets.machineArns[permission.machine]] });
    }
    if (onExecutions.size > 0) {
      iam.Grant.addToPrincipal({ grantee, actions: [...onExecutions], resourceArns: [targets.executionArns[permission.machine]] });
    }
  }
}

/** Grants a state machine's role one need found in its ASL (see `machineAccess`). */
export function grantMachineAccess(grantee: iam.IGrantable, access: MachineAccess, targets: GrantTargets): void {
  switch (access.kind) {
    case 'invoke': {
      const fn = targets.functions[access.function];
      if (!fn) throw new Error(`Machine invokes function "${access.function}" before it was created`);
      fn.grantInvoke(grantee);
      return;
    }
    case 'dynamodb': {
      grantTable(grantee, targets.tables[access.table], [access.action], !isReadOnlyDynamoDbAction(access.action));
      return;
    }
    case 'putEvents':
      targets.bus.grantPutEventsTo(grantee);
      return;
    case 'sesSend':
      grantSendEmail(grantee, targets);
      return;
    case 'startExecution':
      iam.Grant.addToPrincipal({ grantee, actions: ['states:StartExecution'], resourceArns: [targets.machineArns[access.machine]] });
      return;
  }
}
