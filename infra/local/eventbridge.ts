import { randomUUID } from 'node:crypto';
import { eventRules, type EventRuleSpec, type FunctionName } from '../manifest';
import { EventBridgeCatalogue, EventBridgeError } from './eventbridge-api';
import type { Clock } from './clock';
import { matchesPattern } from './event-pattern';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalLambda } from './lambda';
import { mayPutEventSource, type LocalCaller } from './search/names';

export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

export interface Delivery {
  readonly rule: string;
  readonly target: FunctionName;
  readonly eventId: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** How often a failed delivery is tried in all (EventBridge keeps trying for up to 24 hours). */
const DELIVERY_ATTEMPTS = 3;

/**
 * EventBridge, local: PutEvents onto the application's bus (and AWS services' events onto the
 * default bus), the manifest's rules matched per the
 * event-pattern rules, and matching events delivered asynchronously to their target functions.
 */
export class LocalEventBridge {
  readonly published: BusEvent[] = [];
  readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  /**
   * @param disabled rules that match nothing, as a rule in state DISABLED in AWS (the runtime
   *   turns CISS Search's ingestion rules and dissemination's off when it is not asked to ingest).
   */
  constructor(
    private readonly busName: string,
    private readonly lambda: LocalLambda,
    private readonly clock: Clock,
    private readonly disabled: ReadonlySet<string> = new Set(),
  ) {}

  get busArn(): string {
    return `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${this.busName}`;
  }

  /**
   * The public API (through the edge). As in AWS, nobody may put an event in an AWS service's
   * name (`aws.*` sources): those come only from the services themselves (`publishAwsEvent`);
   * and, as the bus policy says in AWS, a CISS Search source's events (`ciss.search.<id>`) come
   * only from that source's own principal, which may put nothing else (`mayPutEventSource`).
   */
  async handle(operation: string, body: Record<string, unknown>, caller: LocalCaller = {}): Promise<unknown> {
    switch (operation) {
      case 'PutEvents':
        return this.putEvents(body, caller);
      case 'ListEventBuses':
      case 'DescribeEventBus':
      case 'ListRules':
      case 'DescribeRule':
      case 'ListTargetsByRule':
        return this.catalogue.handle(operation, body);
      default:
        throw new EventBridgeError('UnknownOperationException', `The embedded runtime does not implement EventBridge ${operation}`);
    }
  }

  /** The buses and rules as `ListRules`, `DescribeRule`, … show them: the manifest's, named as the runtime names them. */
  get catalogue(): EventBridgeCatalogue {
    return new EventBridgeCatalogue(this.busName, this.lambda);
  }

  private putEvents(body: Record<string, unknown>, caller: LocalCaller): unknown {
    const entries = Array.isArray(body['Entries']) ? (body['Entries'] as Record<string, unknown>[]) : [];
    const results = entries.map((entry) =>
      typeof entry['Source'] === 'string' && (entry['Source'].startsWith('aws.') || !mayPutEventSource(caller, entry['Source']))
        ? { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'You do not have permissions to publish events with this source onto this event bus.' }
        : this.put(entry),
    );
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /** Resolves when every delivery started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Events AWS services put on the account's default bus (Step Functions status changes,
   * CloudTrail's records of Cognito calls): the runtime's own, never reachable through `handle`.
   */
  publishAwsEvent(source: string, detailType: string, detail: unknown, resources: readonly string[] = []): void {
    this.put({ EventBusName: 'default', Source: source, DetailType: detailType, Detail: JSON.stringify(detail), Resources: resources });
  }

  private put(entry: Record<string, unknown>): { EventId: string } | { ErrorCode: string; ErrorMessage: string } {
    const busName = String(entry['EventBusName'] ?? 'default');
    const bus = busName === 'default' || busName.endsWith(':event-bus/default') ? 'default' : busName === this.busName || busName === this.busArn ? 'app' : undefined;
    if (!bus) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
    const source = entry['Source'];
    const detailType = entry['DetailType'];
    if (typeof source !== 'string' || typeof detailType !== 'string') return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Source and DetailType are required' };
    let detail: unknown;
    try {
      detail = JSON.parse(String(entry['Detail'] ?? '{}'));
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source,
      account: LOCAL_ACCOUNT,
      time: new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: LOCAL_REGION,
      resources: Array.isArray(entry['Resources']) ? (entry['Resources'] as string[]) : [],
      detail,
    };
    this.published.push(event);
    for (const [rule, spec] of Object.entries(eventRules) as [string, EventRuleSpec][]) {
      if ((spec.bus ?? 'app') !== bus || this.disabled.has(rule) || !matchesPattern(spec.pattern, event)) continue;
      const delivery = this.deliver(rule, spec.target.function, event);
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    }
    return { EventId: event.id };
  }

  private async deliver(rule: string, target: FunctionName, event: BusEvent): Promise<void> {
    let error: string | undefined;
    for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
      const result = await this.lambda.invoke(target, event);
      if (!result.error) {
        this.deliveries.push({ rule, target, eventId: event.id, ok: true });
        return;
      }
      error = `${result.error.errorType}: ${result.error.errorMessage}`;
    }
    this.deliveries.push({ rule, target, eventId: event.id, ok: false, error });
    console.error(`[eventbridge] rule ${rule} could not deliver event ${event.id} to ${target}: ${error}`);
  }
}
