import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { manifest, type FunctionName, type MachineName, type Ref, type TableName } from '../manifest';

/** The AWS resources a manifest `Ref` can point at. */
export interface RefTargets {
  readonly tables: Readonly<Record<TableName, dynamodb.ITable>>;
  readonly bus: events.IEventBus;
  readonly configurationSetName: string;
  /** Filled in as functions are created; a `function` ref to a missing one is an ordering bug. */
  readonly functions: Readonly<Partial<Record<FunctionName, lambda.IFunction>>>;
  /**
   * Machine ARNs are computed from their fixed names rather than read from the resource, so a
   * function can name a machine that invokes that same function without a dependency cycle.
   */
  readonly machineArns: Readonly<Record<MachineName, string>>;
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
    case 'literal':
      return ref.value;
  }
}

/**
 * Refs to compute resources are bound after every function exists, because functions and
 * machines may name each other; everything else is known when a function is created.
 */
export function isDeferredRef(ref: Ref): boolean {
  return ref.ref === 'function' || ref.ref === 'machine';
}

/** `Object.entries` that keeps the manifest's key type. */
export function entriesOf<K extends string, V>(record: Readonly<Record<K, V>>): [K, V][] {
  return Object.entries(record) as [K, V][];
}
