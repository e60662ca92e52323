import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { manifest, type EndpointName, type FunctionName, type MachineName, type Ref, type SearchDbAccess, type SecretName, type TableName } from '../manifest';

/** The AWS resources a manifest `Ref` can point at. */
export interface RefTargets {
  readonly tables: Readonly<Record<TableName, dynamodb.ITable>>;
  readonly bus: events.IEventBus;
  readonly configurationSetName: string;
  /** The application key (`ref: 'key'` resolves to its ARN). */
  readonly key: kms.IKey;
  /** `ref: 'secret'` resolves to the secret's ARN: what `GetSecretValue` takes. */
  readonly secrets: Readonly<Record<SecretName, secretsmanager.ISecret>>;
  /** An outside system's base URL, read from SSM at deploy time (`/ciss/<stage>/<parameter>`). */
  readonly endpoint: (name: EndpointName) => string;
  /** Filled in as functions are created; a `function` ref to a missing one is an ordering bug. */
  readonly functions: Readonly<Partial<Record<FunctionName, lambda.IFunction>>>;
  /**
   * Machine ARNs are computed from their fixed names rather than read from the resource, so a
   * function can name a machine that invokes that same function without a dependency cycle.
   */
  readonly machineArns: Readonly<Record<MachineName, string>>;
  /**
   * The API's public base URL, built from the RestApi id and the stage name rather than from
   * the deployment: functions behind the API may need it, and the deployment depends on them.
   * Set once the API exists; an `apiUrl` ref resolved before that is an ordering bug.
   */
  readonly apiUrl?: string;
  /**
   * The portal's address (`https://<domain>/portal/`), made of the distribution's domain name:
   * the distribution depends on the RestApi id only, never on the functions. Set once the
   * portal's distribution exists, like `apiUrl`.
   */
  readonly portalUrl?: string;
  /** CISS Search's database: the cluster's ARN (the Data API's `resourceArn`) and each access's secret. */
  readonly searchDb?: { readonly clusterArn: string; readonly secretArn: (access: SearchDbAccess) => string };
  /** The people's user pool id: set once the API (which makes the pool) exists, like `apiUrl`. */
  readonly userPoolId?: string;
  /** CISS Search's drop bucket's name (infra/aws/search-sources.ts). */
  readonly searchDropBucket?: string;
}

/** The search database, which a `searchDb` ref needs: created before any function that uses it. */
function searchDbOf(targets: RefTargets): NonNullable<RefTargets['searchDb']> {
  if (!targets.searchDb) throw new Error('A searchDb ref was resolved before the search database was created');
  return targets.searchDb;
}

/**
 * The one place a `Ref` becomes a CloudFormation value, for function environments and ASL
 * substitutions alike, so the two can never disagree about what "the table" is.
 */
export function resolveRef(ref: Ref, targets: RefTargets): string {
  switch (ref.ref) {
    case 'table':
      return targets.tables[ref.table].tableName;
    case 'bus':
      return targets.bus.eventBusName;
    case 'sender':
      return manifest.email.sender;
    case 'configurationSet':
      return targets.configurationSetName;
    case 'function': {
      const fn = targets.functions[ref.function];
      if (!fn) throw new Error(`Ref to function "${ref.function}" resolved before the function was created`);
      return fn.functionArn;
    }
    case 'machine':
      return targets.machineArns[ref.machine];
    case 'apiUrl':
      if (targets.apiUrl === undefined) throw new Error('Ref to the API URL resolved before the API was created');
      return targets.apiUrl;
    case 'portalUrl':
      if (targets.portalUrl === undefined) throw new Error('Ref to the portal URL resolved before the portal was created');
      return targets.portalUrl;
    case 'key':
      return targets.key.keyArn;
    case 'secret':
      return targets.secrets[ref.secret].secretArn;
    case 'endpoint':
      return targets.endpoint(ref.endpoint);
    case 'literal':
      return ref.value;
    case 'searchDb':
      return searchDbOf(targets).clusterArn;
    case 'searchDbSecret':
      return searchDbOf(targets).secretArn(ref.access);
    case 'searchDropBucket':
      if (targets.searchDropBucket === undefined) throw new Error('A searchDropBucket ref was resolved before the drop bucket was created');
      return targets.searchDropBucket;
    case 'userPool':
      if (targets.userPoolId === undefined) throw new Error('Ref to the user pool resolved before the API (which makes it) was created');
      return targets.userPoolId;
  }
}

/**
 * Refs to compute resources are bound after every function and the API exist, because
 * functions, machines and the API may name each other; everything else is known when a
 * function is created.
 */
export function isDeferredRef(ref: Ref): boolean {
  return ref.ref === 'function' || ref.ref === 'machine' || ref.ref === 'apiUrl' || ref.ref === 'portalUrl' || ref.ref === 'userPool';
}

/** `Object.entries` that keeps the manifest's key type. */
export function entriesOf<K extends string, V>(record: Readonly<Record<K, V>>): [K, V][] {
  return Object.entries(record) as [K, V][];
}
