import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { manifest, type FunctionName, type MachineName, type Permission, type TableName } from '../manifest';
import { isReadOnlyDynamoDbAction, type MachineAccess } from './asl';

/** The resources a grant can be scoped to. */
export interface GrantTargets {
  readonly tables: Readonly<Record<TableName, dynamodb.ITable>>;
  readonly bus: events.IEventBus;
  readonly emailIdentityArn: string;
  readonly configurationSetArn: string;
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
    const table = targets.tables[permission.table];
    // Both grants cover the table's indexes and its KMS key.
    if (permission.access === 'read') table.grantReadData(grantee);
    else table.grantReadWriteData(grantee);
  } else if ('bus' in permission) {
    targets.bus.grantPutEventsTo(grantee);
  } else if ('ses' in permission) {
    grantSendEmail(grantee, targets);
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
      const table = targets.tables[access.table];
      table.grant(grantee, access.action);
      // `grant` alone leaves out the table's customer-managed key, which DynamoDB uses as the caller.
      if (isReadOnlyDynamoDbAction(access.action)) table.encryptionKey?.grantDecrypt(grantee);
      else table.encryptionKey?.grantEncryptDecrypt(grantee);
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
