import { email, functions, type EndpointName, type FunctionName, type MachineName, type Ref, type SearchDbAccess, type SecretName, type TableName } from '../manifest';
import { portalHome } from '../../portal/config';
import { LOCAL_USER_POOL_ID } from '../../functions/certification/adapters/grants';

/** The names a stage's resources get locally: `ciss-<stage>-…`, where the CDK stack names them in AWS. */
export function localNames(stage: string) {
  const prefix = `ciss-${stage}`;
  return {
    prefix,
    table: (name: TableName) => `${prefix}-${name}`,
    machine: (name: MachineName) => `${prefix}-${name}`,
    bus: `${prefix}-bus`,
    configurationSet: `${prefix}-email`,
    sfnTable: `${prefix}-local-stepfunctions`,
  };
}
export type LocalNames = ReturnType<typeof localNames>;

/**
 * The local resources a manifest `Ref` can point at: what `RefTargets` (infra/aws/refs.ts) is
 * in AWS, as names, ARNs and URLs of the embedded runtime's services.
 */
export interface LocalRefTargets {
  readonly names: LocalNames;
  /** The local Lambda service's ARN of a function (`LocalLambda.arnOf`). */
  readonly functionArn: (name: FunctionName) => string;
  /** The local Step Functions service's ARN of a machine. */
  readonly machineArn: (name: MachineName) => string;
  /** The local API Gateway's base URL, e.g. `http://127.0.0.1:3000`. */
  readonly apiUrl: string;
  /** The local KMS key (`ref: 'key'`). */
  readonly keyArn: string;
  /** The local Secrets Manager's ARN of a secret: what `GetSecretValue` takes. */
  readonly secretArn: (name: SecretName) => string;
  /** The search database's ARN, as the local Data API knows it (`ref: 'searchDb'`). */
  readonly searchDbArn: string;
  /** The ARN of the search database user's secret for one access, as the local Data API knows it. */
  readonly searchDbSecretArn: (access: SearchDbAccess) => string;
  /** An outside system's base URL: its simulator here, or one given to the runtime. */
  readonly endpoint: (name: EndpointName) => string;
}

/**
 * The one place a `Ref` becomes a local value, for function environments and ASL substitutions
 * alike, as `resolveRef` is in AWS.
 */
export function resolveLocalRef(ref: Ref, targets: LocalRefTargets): string {
  switch (ref.ref) {
    case 'table':
      return targets.names.table(ref.table);
    case 'bus':
      return targets.names.bus;
    case 'sender':
      return email.sender;
    case 'configurationSet':
      return targets.names.configurationSet;
    case 'function':
      return targets.functionArn(ref.function);
    case 'machine':
      return targets.machineArn(ref.machine);
    case 'apiUrl':
      return targets.apiUrl;
    case 'portalUrl':
      return portalHome(targets.apiUrl);
    case 'key':
      return targets.keyArn;
    case 'secret':
      return targets.secretArn(ref.secret);
    case 'endpoint':
      return targets.endpoint(ref.endpoint);
    case 'literal':
      return ref.value;
    case 'searchDb':
      return targets.searchDbArn;
    case 'searchDbSecret':
      return targets.searchDbSecretArn(ref.access);
    case 'searchDropBucket':
      // No drop bucket here: search-poll reads the batch sources' files from the simulator.
      return '';
    case 'userPool':
      // No Cognito here: the grant adapter keeps grants in the main table, which the local issuer reads.
      return LOCAL_USER_POOL_ID;
  }
}

/**
 * The union of every function's environment. Locally the handlers share one process, hence one
 * environment: two functions may not disagree on a name.
 */
export function functionEnvironment(resolve: (ref: Ref) => string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(functions)) {
    for (const [key, ref] of Object.entries(spec.env as Record<string, Ref>)) {
      const value = resolve(ref);
      if (env[key] !== undefined && env[key] !== value) throw new Error(`Function ${name} sets ${key}=${value}, another function ${env[key]}: locally they share one process`);
      env[key] = value;
    }
  }
  return env;
}
