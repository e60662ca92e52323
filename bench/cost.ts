/**
 * The cost model: public us-east-1 list prices (stated in the output and the JSON) applied to
 * what the bench counted per item. Pure, so it is unit-tested (test/unit/bench-cost.test.ts).
 */

export const PRICES = {
  region: 'us-east-1',
  /** Step Functions Standard: $0.025 per 1,000 state transitions. */
  stepFunctionsPerTransition: 0.025 / 1000,
  /** Lambda: $0.20 per 1M requests. */
  lambdaPerRequest: 0.2 / 1_000_000,
  /** Lambda on arm64 (Graviton), first pricing tier: $0.0000133334 per GB-second. */
  lambdaArm64PerGbSecond: 0.0000133334,
  /** DynamoDB on-demand, Standard table class: $0.625 per 1M write request units. */
  dynamoPerWriteUnit: 0.625 / 1_000_000,
  /** DynamoDB on-demand, Standard table class: $0.125 per 1M read request units. */
  dynamoPerReadUnit: 0.125 / 1_000_000,
} as const;

export type Prices = typeof PRICES;

export interface LambdaUse {
  readonly function: string;
  /** Invocations per item. */
  readonly invocations: number;
  /** Measured duration of one invocation, ms (billed rounded up to the next ms). */
  readonly durationMs: number;
  readonly memoryMb: number;
}

export interface CostInput {
  /** State transitions per item. */
  readonly transitions: number;
  readonly lambda: readonly LambdaUse[];
  /** Request units per item (the application's tables; the Step Functions service's own storage is not billed as DynamoDB). */
  readonly dynamo: { readonly readUnits: number; readonly writeUnits: number };
}

export interface Cost {
  readonly stepFunctions: number;
  readonly lambdaRequests: number;
  readonly lambdaDuration: number;
  readonly dynamo: number;
  readonly total: number;
  readonly lambdaGbSeconds: number;
}

/** Lambda bills whole milliseconds, at least 1. */
export function billedMs(measuredMs: number): number {
  return Math.max(1, Math.ceil(measuredMs));
}

/** USD per 1,000 items. */
export function costPer1000(input: CostInput, prices: Prices = PRICES): Cost {
  const gbSeconds = input.lambda.reduce((s, l) => s + l.invocations * (l.memoryMb / 1024) * (billedMs(l.durationMs) / 1000), 0);
  const requests = input.lambda.reduce((s, l) => s + l.invocations, 0);
  const stepFunctions = input.transitions * prices.stepFunctionsPerTransition * 1000;
  const lambdaRequests = requests * prices.lambdaPerRequest * 1000;
  const lambdaDuration = gbSeconds * prices.lambdaArm64PerGbSecond * 1000;
  const dynamo = (input.dynamo.readUnits * prices.dynamoPerReadUnit + input.dynamo.writeUnits * prices.dynamoPerWriteUnit) * 1000;
  return { stepFunctions, lambdaRequests, lambdaDuration, dynamo, total: stepFunctions + lambdaRequests + lambdaDuration + dynamo, lambdaGbSeconds: gbSeconds };
}

/** Issue 19's goal: DynamoDB requests per item at most this many times the minimum below. */
export const REQUESTS_GOAL_RATIO = 1.3;

/**
 * The fewest DynamoDB requests the workflow's recorded facts need: each status change is one
 * TransactWriteItems (the conditional update of the item and its audit event), and each human
 * task one transaction to open it (task + audit) and one to decide it (conditional update +
 * audit). Reads are not needed in the minimum: the execution's state could carry what a step
 * reads.
 */
export function minimumRequests(statusChanges: number, humanTasks: number): { transactions: number; itemWrites: number; reads: number } {
  const transactions = statusChanges + 2 * humanTasks;
  return { transactions, itemWrites: 2 * transactions, reads: 0 };
}
