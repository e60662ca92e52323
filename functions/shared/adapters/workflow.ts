import { DescribeExecutionCommand, SendTaskSuccessCommand, type ExecutionStatus } from '@aws-sdk/client-sfn';
import { stepFunctions } from '../clients';

/** The execution no longer waits for this token (stopped, timed out, or already answered). */
export class WorkflowGone extends Error {}

export async function sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
  try {
    await stepFunctions.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TaskTimedOut' || name === 'InvalidToken' || name === 'TaskDoesNotExist') throw new WorkflowGone(name);
    throw error;
  }
}

/** The execution's status as Step Functions has it now, or undefined when there is no such execution. */
export async function executionStatus(executionArn: string): Promise<ExecutionStatus | undefined> {
  try {
    return (await stepFunctions.send(new DescribeExecutionCommand({ executionArn }))).status;
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
}
