import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { manifest, type FunctionName, type MachineName, type Permission, type SearchDbAccess, type SecretName, type TableName } from '../manifest';
import { Construct, type IConstruct } from 'constructs';
import { isReadOnlyDynamoDbAction, type MachineAccess } from './asl';
import { ACCOUNT_KEY_PREFIX } from '../../functions/shared/accounts';
import { acknowledge, nagSpelling } from './nag';

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
  /** CISS Search's database: grants the Data API on it as the user for one access (and that user's secret). */
  readonly searchDb?: { grantDataApi(grantee: iam.IGrantable, access: SearchDbAccess): void };
  /** The search drop bucket (batch sources' files): `{ searchDrop: 'read' }` permissions are on it. */
  readonly searchDrop?: { grantReadDropped(grantee: iam.IGrantable): void };
  /** The people's user pool's ARN: `{ userPool: 'groups' }` permissions are on it (set once the API exists). */
  readonly userPoolArn?: string;
}

const MACHINE_ACTIONS = {
  start: { onMachine: ['states:StartExecution'], onExecutions: [] },
  // Not `grantRead`: it adds List/Describe actions on `*`.
  read: {
    onMachine: ['states:DescribeStateMachine', 'states:ListExecutions'],
    onExecutions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:DescribeStateMachineForExecution'],
  },
  describe: { onMachine: [], onExecutions: ['states:DescribeExecution'] },
  // As CDK's grantTaskResponse: task tokens are authorised against the machine.
  callback: { onMachine: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], onExecutions: [] },
  stop: { onMachine: [], onExecutions: ['states:StopExecution'] },
  redrive: { onMachine: [], onExecutions: ['states:RedriveExecution'] },
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
/** CDK's `ReEncrypt*` and `GenerateDataKey*` written out (less the asymmetric key-pair actions DynamoDB never calls). */
const KMS_FOR_WRITE = [
  ...KMS_FOR_READ,
  'kms:Encrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
];
/**
 * What a Step Functions API caller needs of a machine's customer-managed key: the service
 * encrypts input and task results (GenerateDataKey) and decrypts history and output (Decrypt)
 * with the caller's credentials, in the machine's encryption context.
 */
const KMS_FOR_MACHINE = ['kms:Decrypt', 'kms:GenerateDataKey'];

/** The construct holding a grantee's policy (a function's role), where acknowledgements go. */
function policyHolder(grantee: iam.IGrantable): IConstruct | undefined {
  const principal = grantee.grantPrincipal;
  return principal instanceof Construct ? principal : grantee instanceof Construct ? grantee : undefined;
}

/**
 * DynamoDB actions on a table (and its indexes), plus what its customer-managed key must allow.
 * The key is the application key, which also seals task tokens; CDK's table grants give the
 * caller unconditioned `kms:Decrypt` on it, which would let every function with table access
 * unseal tokens. Here the key use is limited to calls DynamoDB makes on the caller's behalf
 * (`kms:ViaService`), so only `{ key: … }` permissions allow direct use of the key.
 */
function grantTable(grantee: iam.IGrantable, name: TableName, table: dynamodb.ITable, actions: readonly string[], write: boolean): void {
  // The table and each of its manifest indexes by name, not CDK's `index/*`.
  const indexes = Object.keys(manifest.tables[name].indexes).map((index) => `${table.tableArn}/index/${index}`);
  iam.Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns: [table.tableArn, ...indexes] });
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
export function grantSecretRead(grantee: iam.IGrantable, secret: secretsmanager.ISecret): void {
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

/**
 * Step Functions calls on a machine encrypted with the app key need that key, in the machine's
 * encryption context and through Step Functions only.
 */
function grantMachineKey(grantee: iam.IGrantable, machine: MachineName, targets: GrantTargets): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: KMS_FOR_MACHINE,
    resourceArns: [targets.key.keyArn],
    conditions: {
      StringEquals: {
        'kms:EncryptionContext:aws:states:stateMachineArn': targets.machineArns[machine],
        'kms:ViaService': `states.${Stack.of(targets.key).region}.amazonaws.com`,
      },
    },
  });
}

/** Grants one manifest `Permission` of a function, and nothing wider. */
export function grantPermission(grantee: iam.IGrantable, permission: Permission, targets: GrantTargets): void {
  if ('table' in permission) {
    if (permission.access === 'append') {
      // Put only: no UpdateItem, DeleteItem or BatchWriteItem, so no record can be changed or removed.
      grantTable(grantee, permission.table, targets.tables[permission.table], ['dynamodb:PutItem'], true);
      return;
    }
    const write = permission.access === 'readwrite';
    grantTable(grantee, permission.table, targets.tables[permission.table], write ? [...DYNAMODB_READ, ...DYNAMODB_WRITE] : DYNAMODB_READ, write);
  } else if ('bus' in permission) {
    targets.bus.grantPutEventsTo(grantee);
  } else if ('ses' in permission) {
    grantSendEmail(grantee, targets);
  } else if ('key' in permission) {
    // Direct use of the application key (sealing and unsealing task tokens), unconditioned, and
    // only the one call the functions make (not CDK's grantEncrypt, which adds ReEncrypt* and
    // GenerateDataKey*).
    iam.Grant.addToPrincipal({ grantee, actions: [permission.key === 'encrypt' ? 'kms:Encrypt' : 'kms:Decrypt'], resourceArns: [targets.key.keyArn] });
  } else if ('secret' in permission) {
    grantSecretRead(grantee, targets.secrets[permission.secret]);
  } else if ('userPool' in permission) {
    if (targets.userPoolArn === undefined) throw new Error('A userPool permission was granted before the API (which makes the pool) was created');
    const actions = {
      groups: ['cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminRemoveUserFromGroup'],
      accounts: ['cognito-idp:AdminDisableUser', 'cognito-idp:AdminEnableUser', 'cognito-idp:AdminUserGlobalSignOut', 'cognito-idp:AdminRemoveUserFromGroup'],
      clients: ['cognito-idp:CreateUserPoolClient'],
    }[permission.userPool];
    iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [targets.userPoolArn] });
  } else if ('accounts' in permission) {
    // The account check of every token route: GetItem on the people's account records only.
    const table = targets.tables.main;
    iam.Grant.addToPrincipal({ grantee, actions: ['dynamodb:GetItem'], resourceArns: [table.tableArn], conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ACCOUNT_KEY_PREFIX}*`] } } });
    if (table.encryptionKey) {
      iam.Grant.addToPrincipal({ grantee, actions: KMS_FOR_READ, resourceArns: [table.encryptionKey.keyArn], conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(table).region}.amazonaws.com` } } });
    }
  } else if ('searchDb' in permission) {
    if (!targets.searchDb) throw new Error('A searchDb permission was granted before the search database was created');
    targets.searchDb.grantDataApi(grantee, permission.searchDb);
  } else if ('searchDrop' in permission) {
    if (!targets.searchDrop) throw new Error('A searchDrop permission was granted before the drop bucket was created');
    targets.searchDrop.grantReadDropped(grantee);
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
      const executions = targets.executionArns[permission.machine];
      iam.Grant.addToPrincipal({ grantee, actions: [...onExecutions], resourceArns: [executions] });
      const holder = policyHolder(grantee);
      if (holder) {
        acknowledge(
          holder,
          `AwsSolutions-IAM5[Resource::${nagSpelling(Stack.of(holder).resolve(executions))}]`,
          `Execution names are chosen at start; the wildcard covers executions of the ${permission.machine} machine only.`,
        );
      }
    }
    grantMachineKey(grantee, permission.machine, targets);
  }
}

/** Grants a state machine's role one need found in its ASL (see `machineAccess`). */
export function grantMachineAccess(grantee: iam.IGrantable, access: MachineAccess, targets: GrantTargets): void {
  switch (access.kind) {
    case 'invoke': {
      const fn = targets.functions[access.function];
      if (!fn) throw new Error(`Machine invokes function "${access.function}" before it was created`);
      // The unqualified ARN the ASL names, not grantInvoke's `<arn>:*` (every version and alias).
      iam.Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [fn.functionArn] });
      return;
    }
    case 'dynamodb': {
      grantTable(grantee, access.table, targets.tables[access.table], [access.action], !isReadOnlyDynamoDbAction(access.action));
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
      grantMachineKey(grantee, access.machine, targets);
      return;
  }
}
