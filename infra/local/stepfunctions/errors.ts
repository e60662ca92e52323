import { LOCAL_ACCOUNT, LOCAL_REGION } from '../lambda';

/** An AWS-shaped service error: `type` becomes the SDK exception's name. */
export class SfnError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
    this.name = type;
  }
}

const ARN_NAME = '[^:\\s]{1,80}';
const MACHINE_ARN = new RegExp(`^arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:stateMachine:(${ARN_NAME})$`);
const EXECUTION_ARN = new RegExp(`^arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:execution:(${ARN_NAME}):(${ARN_NAME})$`);

export function machineArn(name: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}

export function executionArn(machineName: string, name: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${machineName}:${name}`;
}

/**
 * A state machine ARN as the API takes it, or InvalidArn (AWS answers a malformed ARN so, and
 * StateMachineDoesNotExist only for a well-formed one it does not know).
 */
export function checkMachineArn(arn: string): string {
  if (!MACHINE_ARN.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
  return arn;
}

/** The machine ARN and execution name an execution ARN is made of, or InvalidArn. */
export function splitExecutionArn(executionArn: string): { machineArn: string; name: string } {
  const match = EXECUTION_ARN.exec(executionArn);
  if (!match) throw new SfnError('InvalidArn', `Invalid Arn: '${executionArn}'`);
  const parts = executionArn.split(':');
  return { machineArn: [...parts.slice(0, 5), 'stateMachine', match[1]].join(':'), name: match[2] ?? '' };
}
