import { startExecution } from '#shared/adapters/workflow';
import { correlate } from '#shared/observability';
import type { StartWorkflow } from '../use-cases/ports';

/** The access-request machine's starter (Step Functions); each execution's ARN goes on the log lines. */
export const accessWorkflow =
  (stateMachineArn: string): StartWorkflow =>
  async (name, input) => {
    const executionArn = await startExecution(stateMachineArn, name, input);
    if (executionArn) correlate({ executionArn });
  };
