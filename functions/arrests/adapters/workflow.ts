import { StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { stepFunctions } from '#shared/clients';

export function executionArnOf(machineArn: string, name: string): string {
  return `${machineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Starts a packet version's execution under its derived name. The same name again is the same
 * start (AWS answers a running one with its ARN, a finished one with ExecutionAlreadyExists):
 * either way there is one execution per packet version.
 */
export async function startPacketExecution(machineArn: string, name: string, input: { packetId: string; version: number }): Promise<string> {
  try {
    const out = await stepFunctions.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input: JSON.stringify(input) }));
    return out.executionArn ?? executionArnOf(machineArn, name);
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return executionArnOf(machineArn, name);
    throw error;
  }
}

/** Stops the execution of a superseded version; one that already ended is left as it is. */
export async function stopPacketExecution(executionArn: string, cause: string): Promise<void> {
  try {
    await stepFunctions.send(new StopExecutionCommand({ executionArn, error: 'Superseded', cause }));
  } catch (error) {
    if ((error as Error).name !== 'ExecutionDoesNotExist') throw error;
  }
}
