import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import * as ses from '@aws-sdk/client-ses';
import * as sfn from '@aws-sdk/client-sfn';
import type { LocalLambda } from '../lambda';

/** An error a state machine can Retry or Catch: `name` is its Error, `message` its Cause. */
export class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

export type ResourceKind =
  | { readonly kind: 'lambda'; readonly style: 'arn' | 'invoke'; readonly waitForTaskToken: boolean }
  | { readonly kind: 'sdk'; readonly service: string; readonly action: string; readonly waitForTaskToken: boolean; readonly errorPrefix: string };

const OPTIMIZED_PREFIX: Record<string, string> = { dynamodb: 'DynamoDB', events: 'EventBridge', states: 'StepFunctions', ses: 'SES' };
/** AWS SDK integrations name errors `<Service in PascalCase>.<Exception>`, e.g. `DynamoDb.…`. */
const SDK_PREFIX: Record<string, string> = { dynamodb: 'DynamoDb', eventbridge: 'EventBridge', sfn: 'Sfn', ses: 'Ses', sesv2: 'SesV2' };

/** Reads a Task's Resource the way Step Functions does; unsupported ones fail loudly. */
export function describeResource(resource: string): ResourceKind {
  if (/^arn:aws:lambda:[^:]+:\d+:function:/.test(resource)) return { kind: 'lambda', style: 'arn', waitForTaskToken: false };
  const match = /^arn:aws:states:::(aws-sdk:)?([a-z0-9-]+):([A-Za-z0-9]+)(?:\.(waitForTaskToken|sync(?::2)?))?$/.exec(resource);
  if (!match) throw new TaskError('States.Runtime', `The embedded runtime cannot run Task resource ${resource}`);
  const [, sdk, service = '', action = '', pattern] = match;
  if (pattern?.startsWith('sync')) throw new TaskError('States.Runtime', `The embedded runtime does not run .sync integrations (${resource})`);
  const waitForTaskToken = pattern === 'waitForTaskToken';
  if (service === 'lambda' && action === 'invoke') return { kind: 'lambda', style: 'invoke', waitForTaskToken };
  const errorPrefix = sdk ? (SDK_PREFIX[service] ?? service.charAt(0).toUpperCase() + service.slice(1)) : (OPTIMIZED_PREFIX[service] ?? service);
  return { kind: 'sdk', service, action, waitForTaskToken, errorPrefix };
}

export interface IntegrationDeps {
  readonly lambda: LocalLambda;
  readonly clients: {
    readonly dynamodb: dynamodb.DynamoDBClient;
    readonly eventbridge: eventbridge.EventBridgeClient;
    readonly ses: ses.SESClient;
    readonly sfn: sfn.SFNClient;
  };
}

type Command = new (input: unknown) => unknown;
type Sendable = { send(command: unknown): Promise<unknown> };

/**
 * Calls what a Task names, over the real SDK clients pointed at the local edge endpoint, and
 * returns what Step Functions would hand the state as its result.
 */
export async function invokeResource(resource: string, parameters: unknown, deps: IntegrationDeps): Promise<unknown> {
  const kind = describeResource(resource);
  if (kind.kind === 'lambda') return invokeLambda(resource, kind.style, parameters, deps.lambda);

  const { client, module } = sdkFor(kind.service, deps);
  const action = kind.action.charAt(0).toUpperCase() + kind.action.slice(1);
  const CommandClass = (module as unknown as Record<string, Command | undefined>)[`${action}Command`];
  if (!CommandClass) throw new TaskError('States.Runtime', `The embedded runtime does not know ${kind.service}:${kind.action}`);
  const input = adaptInput(kind.service, action, parameters);
  try {
    const output = (await (client as Sendable).send(new CommandClass(input))) as Record<string, unknown>;
    const { $metadata: _metadata, ...raw } = output;
    // …and answers in camelCase, where Step Functions hands the state PascalCase (ExecutionArn, StartDate).
    const result = kind.service === 'states' || kind.service === 'sfn' ? Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), v])) : raw;
    if (kind.service === 'events' && action === 'PutEvents' && Number(result['FailedEntryCount'] ?? 0) > 0) {
      throw new TaskError('EventBridge.FailedEntry', JSON.stringify(result));
    }
    return result;
  } catch (error) {
    if (error instanceof TaskError) throw error;
    const err = error as Error;
    throw new TaskError(`${kind.errorPrefix}.${awsErrorName(err)}`, err.message);
  }
}

/**
 * The error name Step Functions gives a failed integration call, after the service prefix. AWS
 * names them by the Java SDK's exception classes: a service error's code with `Exception` (the
 * SDK v3 error `InternalServerError` is `DynamoDB.InternalServerErrorException`,
 * `ExecutionAlreadyExists` is `StepFunctions.ExecutionAlreadyExistsException`), and a failure
 * that never got a service answer (network, timeout) `SdkClientException`. Retry matchers
 * written for AWS then match here too.
 */
export function awsErrorName(error: Error): string {
  const answered = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined;
  if (!answered || !error.name || error.name === 'Error') return 'SdkClientException';
  return error.name.endsWith('Exception') ? error.name : `${error.name}Exception`;
}

async function invokeLambda(resource: string, style: 'arn' | 'invoke', parameters: unknown, lambda: LocalLambda): Promise<unknown> {
  const params = (parameters ?? {}) as { FunctionName?: string; Payload?: unknown };
  const target = style === 'arn' ? resource : String(params.FunctionName ?? '');
  const name = lambda.resolve(target);
  if (!name) throw new TaskError('Lambda.ResourceNotFoundException', `Function not found: ${target}`);
  const result = await lambda.invoke(name, style === 'arn' ? parameters : params.Payload);
  if (result.error) {
    throw new TaskError(result.error.errorType, JSON.stringify({ errorMessage: result.error.errorMessage, errorType: result.error.errorType, trace: [] }));
  }
  if (style === 'arn') return result.payload;
  return { ExecutedVersion: '$LATEST', Payload: result.payload, StatusCode: 200, SdkHttpMetadata: { HttpStatusCode: 200 } };
}

function sdkFor(service: string, deps: IntegrationDeps): { client: unknown; module: unknown } {
  switch (service) {
    case 'dynamodb':
      return { client: deps.clients.dynamodb, module: dynamodb };
    case 'events':
    case 'eventbridge':
      return { client: deps.clients.eventbridge, module: eventbridge };
    case 'ses':
      return { client: deps.clients.ses, module: ses };
    case 'states':
    case 'sfn':
      return { client: deps.clients.sfn, module: sfn };
    default:
      throw new TaskError('States.Runtime', `The embedded runtime has no ${service} integration`);
  }
}

/** The optimized integrations accept JSON objects where the API wants strings. */
function adaptInput(service: string, action: string, parameters: unknown): unknown {
  const params = { ...((parameters ?? {}) as Record<string, unknown>) };
  if ((service === 'events' || service === 'eventbridge') && action === 'PutEvents' && Array.isArray(params['Entries'])) {
    params['Entries'] = (params['Entries'] as Record<string, unknown>[]).map((e) => ({
      ...e,
      Detail: typeof e['Detail'] === 'string' ? e['Detail'] : JSON.stringify(e['Detail'] ?? {}),
    }));
  }
  if ((service === 'states' || service === 'sfn') && action === 'StartExecution' && params['Input'] !== undefined && typeof params['Input'] !== 'string') {
    params['Input'] = JSON.stringify(params['Input']);
  }
  if (service === 'states' || service === 'sfn') {
    // Step Functions writes its API's fields in PascalCase (StateMachineArn, Name, Input); the
    // SDK v3 client of Step Functions takes them in camelCase.
    return Object.fromEntries(Object.entries(params).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]));
  }
  return params;
}
