import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
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
