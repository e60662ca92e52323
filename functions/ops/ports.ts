import { DescribeExecutionCommand, DescribeStateMachineCommand, GetExecutionHistoryCommand, ListExecutionsCommand, RedriveExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { TaskStore } from '#shared/adapters/task-store';
import { stepFunctions } from '#shared/clients/step-functions';
import { loadEnv, nonEmpty } from '#shared/env';
import { Conflict, NotFound } from '#shared/errors';
import { now } from '#shared/time';
import { DECIDER_ROLES } from '#shared/roles';
import type { ExecutionStatus } from './contract';
import type { ExecutionDescription, ExecutionRef, OpsPorts } from './domain/operations';

export const env = loadEnv({
  TABLE_NAME: nonEmpty,
  ARREST_MACHINE_ARN: nonEmpty,
  ACCESS_MACHINE_ARN: nonEmpty,
  APPROVAL_MACHINE_ARN: nonEmpty,
  DIAGNOSTICS_MACHINE_ARN: nonEmpty,
});

const store = new TaskStore(env.TABLE_NAME);

/** Step Functions answers "no such execution" with these error names (and an ARN of another machine with InvalidArn). */
const MISSING = new Set(['ExecutionDoesNotExist', 'InvalidArn', 'StateMachineDoesNotExist']);
/** A definition does not change for the life of a Lambda container often enough to read it per call. */
const definitions = new Map<string, Promise<string>>();

function ref(e: { executionArn?: string; stateMachineArn?: string; name?: string; status?: string; startDate?: Date; stopDate?: Date }): ExecutionRef {
  return {
    executionArn: e.executionArn ?? '',
    stateMachineArn: e.stateMachineArn ?? '',
    name: e.name ?? '',
    status: (e.status ?? 'RUNNING') as ExecutionStatus,
    startDate: e.startDate ?? new Date(0),
    ...(e.stopDate ? { stopDate: e.stopDate } : {}),
  };
}

async function describe(executionArn: string): Promise<ExecutionDescription | undefined> {
  try {
    const out = await stepFunctions.send(new DescribeExecutionCommand({ executionArn }));
    return { ...ref(out), input: out.input, output: out.output, error: out.error, cause: out.cause };
  } catch (error) {
    if (MISSING.has((error as Error).name)) return undefined;
    throw error;
  }
}

async function history(executionArn: string, stop?: (e: HistoryEvent) => boolean): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const out = await stepFunctions.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: stop ? 100 : 1000, reverseOrder: stop !== undefined, includeExecutionData: true }));
    for (const event of out.events ?? []) {
      events.push(event);
      if (stop?.(event)) return events;
    }
    nextToken = out.nextToken;
  } while (nextToken);
  return events;
}

/** The operations use cases on the SDK clients (AWS, or the runtime `AWS_ENDPOINT_URL` names) and the task table. */
export const ports: OpsPorts = {
  machines: { arrest: env.ARREST_MACHINE_ARN, access: env.ACCESS_MACHINE_ARN, approval: env.APPROVAL_MACHINE_ARN, diagnostics: env.DIAGNOSTICS_MACHINE_ARN },
  async listExecutions(stateMachineArn, { status, nextToken, maxResults }) {
    const out = await stepFunctions.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: status, nextToken, maxResults }));
    return { items: (out.executions ?? []).map(ref), ...(out.nextToken ? { nextToken: out.nextToken } : {}) };
  },
  describeExecution: describe,
  history: (executionArn) => history(executionArn),
  lastStateEvents: (executionArn) => history(executionArn, (e) => /StateEntered$/.test(e.type ?? '')),
  definition(stateMachineArn) {
    let definition = definitions.get(stateMachineArn);
    if (!definition) {
      definition = stepFunctions.send(new DescribeStateMachineCommand({ stateMachineArn })).then((out) => out.definition ?? '{}');
      definition.catch(() => definitions.delete(stateMachineArn));
      definitions.set(stateMachineArn, definition);
    }
    return definition;
  },
  async redrive(executionArn) {
    try {
      const out = await stepFunctions.send(new RedriveExecutionCommand({ executionArn }));
      return out.redriveDate ?? now();
    } catch (error) {
      if (MISSING.has((error as Error).name)) throw new NotFound(`No execution ${executionArn}`);
      // Changed since it was read (redriven by someone else, or past the redrive limit).
      if ((error as Error).name === 'ExecutionNotRedrivable') throw new Conflict(`Step Functions will not redrive it: ${(error as Error).message}`);
      throw error;
    }
  },
  async pendingTasks() {
    return (await Promise.all(DECIDER_ROLES.map((role) => store.pendingFor(role)))).flat();
  },
  async tasksOfExecution(executionArn) {
    const ids = await store.forExecution(executionArn);
    const tasks = await Promise.all(ids.map((id) => store.get(id)));
    return tasks.flatMap((t) => (t ? [t.task] : []));
  },
  now,
};
