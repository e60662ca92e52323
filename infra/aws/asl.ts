import { readFileSync } from 'node:fs';
import { allStates, placeholdersOf, wholePlaceholder } from '../../functions/shared/asl';
import type { FunctionName, MachineName, Ref, TableName } from '../manifest';

/** What a state machine's role must be allowed to do, derived from its ASL. */
export type MachineAccess =
  | { readonly kind: 'invoke'; readonly function: FunctionName }
  | { readonly kind: 'dynamodb'; readonly table: TableName; readonly action: string }
  | { readonly kind: 'putEvents' }
  | { readonly kind: 'sesSend' }
  | { readonly kind: 'startExecution'; readonly machine: MachineName };

/**
 * The placeholder the CDK adds to every machine for the AWS partition (`aws`, `aws-us-gov`…):
 * ASL files are written with `arn:aws:` and `withPartition` rewrites them, so the same file
 * deploys to AWS GovCloud (US). The manifest does not list it.
 */
export const PARTITION_PLACEHOLDER = 'Partition';

/**
 * The ASL text with every `arn:aws:` (service integrations such as `arn:aws:states:::lambda:invoke`
 * and any literal ARN) turned into `arn:${Partition}:`, for `DefinitionSubstitutions` to resolve
 * to the stack's partition at deploy time. ARNs already written for another partition, or with
 * the placeholder, are left alone.
 */
export function withPartition(text: string): string {
  return text.replace(/\barn:aws:/g, `arn:\${${PARTITION_PLACEHOLDER}}:`);
}

/** `arn:<partition>:states:::` for any partition, or the placeholder. */
const STATES = String.raw`^arn:(?:aws|aws-us-gov|aws-cn|\$\{${PARTITION_PLACEHOLDER}\}):states:::`;
const INTEGRATION = {
  lambda: new RegExp(`${STATES}lambda:invoke(\\.waitForTaskToken)?$`),
  dynamodb: new RegExp(`${STATES}(?:aws-sdk:)?dynamodb:([a-zA-Z]+)$`),
  putEvents: new RegExp(`${STATES}events:putEvents(\\.waitForTaskToken)?$`),
  ses: new RegExp(`${STATES}aws-sdk:(?:ses|sesv2):(?:sendEmail|sendRawEmail)$`),
  startExecution: new RegExp(`${STATES}states:startExecution$`),
};

/** Every `${Name}` placeholder in an ASL text, in order of first appearance. */
export function aslPlaceholders(text: string): string[] {
  return placeholdersOf(text);
}

/**
 * Fails synthesis when the ASL and the manifest disagree: a placeholder without a substitution
 * would deploy a literal `${X}`, and an unused substitution is a manifest entry that lies.
 */
export function checkSubstitutions(machine: string, aslText: string, substitutions: Readonly<Record<string, Ref>>): void {
  const used = aslPlaceholders(aslText).filter((p) => p !== PARTITION_PLACEHOLDER);
  if (PARTITION_PLACEHOLDER in substitutions) throw new Error(`Machine "${machine}": \${${PARTITION_PLACEHOLDER}} is substituted by the CDK; remove it from the manifest`);
  const missing = used.filter((p) => !(p in substitutions));
  const unused = Object.keys(substitutions).filter((s) => !used.includes(s));
  if (missing.length > 0) throw new Error(`Machine "${machine}": no substitution for ${missing.map((p) => '${' + p + '}').join(', ')}`);
  if (unused.length > 0) throw new Error(`Machine "${machine}": substitutions not used by the ASL: ${unused.join(', ')}`);
}

export function readAsl(file: string): { text: string; definition: unknown } {
  const text = readFileSync(file, 'utf8');
  return { text, definition: JSON.parse(text) as unknown };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every Task state, however deeply nested in Parallel branches or Map processors. */
function tasks(graph: unknown): [string, Readonly<Record<string, unknown>>][] {
  return allStates(graph).filter(([, state]) => state.Type === 'Task');
}

const READ_ONLY_DYNAMODB = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'DescribeTable']);

/** True when a DynamoDB action only reads, so the KMS grant can stop at Decrypt. */
export function isReadOnlyDynamoDbAction(action: string): boolean {
  return READ_ONLY_DYNAMODB.has(action.replace(/^dynamodb:/, ''));
}

/**
 * Derives the IAM needs of a machine from its Task states and substitutions. Every resource a
 * task touches must be a `${Substitution}` naming a manifest resource, so each grant is scoped
 * to that resource; an integration this function does not know fails synthesis instead of
 * silently deploying a machine that cannot run (or one granted `*`).
 */
export function machineAccess(definition: unknown, substitutions: Readonly<Record<string, Ref>>): MachineAccess[] {
  const needs = new Map<string, MachineAccess>();
  const add = (access: MachineAccess): void => void needs.set(JSON.stringify(access), access);

  for (const [state, task] of tasks(definition)) {
    const resource = task['Resource'];
    const params = isObject(task['Parameters']) ? task['Parameters'] : isObject(task['Arguments']) ? task['Arguments'] : {};
    const refOf = (value: unknown, field: string): Ref => {
      const name = typeof value === 'string' ? wholePlaceholder(value) : undefined;
      const ref = name === undefined ? undefined : substitutions[name];
      if (!ref) throw new Error(`State "${state}": ${field} must be a \${Substitution} from the manifest so its grant can be scoped`);
      return ref;
    };
    const functionOf = (value: unknown, field: string): FunctionName => {
      const ref = refOf(value, field);
      if (ref.ref !== 'function') throw new Error(`State "${state}": ${field} must reference a function`);
      return ref.function;
    };
    if (typeof resource !== 'string') throw new Error(`State "${state}": Resource must be a string`);

    let match: RegExpExecArray | null;
    if (wholePlaceholder(resource) !== undefined) {
      add({ kind: 'invoke', function: functionOf(resource, 'Resource') });
    } else if (INTEGRATION.lambda.test(resource)) {
      add({ kind: 'invoke', function: functionOf(params['FunctionName'], 'FunctionName') });
    } else if ((match = INTEGRATION.dynamodb.exec(resource))) {
      const ref = refOf(params['TableName'], 'TableName');
      if (ref.ref !== 'table') throw new Error(`State "${state}": TableName must reference a table`);
      const api = match[1] ?? '';
      add({ kind: 'dynamodb', table: ref.table, action: `dynamodb:${api.charAt(0).toUpperCase()}${api.slice(1)}` });
    } else if (INTEGRATION.putEvents.test(resource)) {
      const entries = Array.isArray(params['Entries']) ? params['Entries'] : [];
      if (entries.length === 0) throw new Error(`State "${state}": putEvents needs a literal Entries list to scope its grant`);
      for (const entry of entries) {
        if (refOf(isObject(entry) ? entry['EventBusName'] : undefined, 'EventBusName').ref !== 'bus') {
          throw new Error(`State "${state}": EventBusName must reference the bus`);
        }
      }
      add({ kind: 'putEvents' });
    } else if (INTEGRATION.ses.test(resource)) {
      add({ kind: 'sesSend' });
    } else if (INTEGRATION.startExecution.test(resource)) {
      const ref = refOf(params['StateMachineArn'], 'StateMachineArn');
      if (ref.ref !== 'machine') throw new Error(`State "${state}": StateMachineArn must reference a machine`);
      add({ kind: 'startExecution', machine: ref.machine });
    } else {
      throw new Error(`State "${state}": no IAM mapping for Resource "${resource}"; teach infra/aws/asl.ts about it`);
    }
  }
  return [...needs.values()];
}
