import { DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand, type ExecutionStatus } from '@aws-sdk/client-sfn';
import { stepFunctions } from '#shared/clients/step-functions';

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

/**
 * Starts the machine's execution called `name` with `input`: its ARN, or undefined when an
 * execution of that name was already there (a repeated start is the same execution, so the
 * caller's retry is safe).
 */
export async function startExecution(stateMachineArn: string, name: string, input: unknown): Promise<string | undefined> {
  try {
    return (await stepFunctions.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }))).executionArn;
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return undefined;
    throw error;
  }
}
