import { StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { open } from '#shared/adapters/keys';
import { sendTaskSuccess, WorkflowGone } from '#shared/adapters/workflow';
import { stepFunctions } from '#shared/clients/step-functions';
import type { AdjudicationWait, PacketExecutionInput, PacketWorkflow } from '../use-cases/ports';

export function executionArnOf(machineArn: string, name: string): string {
  return `${machineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Starts a packet version's execution under its derived name. The same name again is the same
 * start (AWS answers a running one with its ARN, a finished one with ExecutionAlreadyExists):
 * either way there is one execution per packet version.
 */
export async function startPacketExecution(machineArn: string, name: string, input: PacketExecutionInput): Promise<string> {
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

/** The arrest-packet machine as the use cases see it (use-cases/ports.ts). */
export function packetWorkflow(machineArn: string): PacketWorkflow {
  return {
    executionArn: (name) => executionArnOf(machineArn, name),
    start: (name, input) => startPacketExecution(machineArn, name, input),
    stop: (name, cause) => stopPacketExecution(executionArnOf(machineArn, name), cause),
  };
}

/** The execution waiting for an adjudication: its token opened with KMS, then SendTaskSuccess. */
export const adjudicationWait: AdjudicationWait = {
  async resume(sealedToken, packetId, output) {
    try {
      const token = await open(sealedToken, { purpose: 'adjudication-token', packetId });
      await sendTaskSuccess(token, output);
      return true;
    } catch (error) {
      if (error instanceof WorkflowGone) return false;
      throw error;
    }
  },
};
