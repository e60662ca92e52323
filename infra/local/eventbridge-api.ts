import { eventRules, schedules, type EventRuleSpec, type ScheduleSpec } from '../manifest';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalLambda } from './lambda';

/** An EventBridge error: `type` is the exception name the SDK turns into its class. */
export class EventBridgeError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

interface LocalRule {
  readonly name: string;
  readonly bus: string;
  readonly description: string;
  readonly eventPattern?: string;
  readonly scheduleExpression?: string;
  readonly targetArn: string;
}

const DEFAULT_BUS = 'default';

/**
 * The read side of EventBridge for the local set-up: the account's default bus and the
 * application's bus, the manifest's event rules and schedules (schedule rules live on the default
 * bus, as in AWS), each with its one Lambda target. Rules are named `<prefix>-<manifest name>`
 * (schedules `<prefix>-schedule-<name>`); in AWS, CloudFormation names them.
 */
export class EventBridgeCatalogue {
  private readonly prefix: string;

  constructor(private readonly busName: string, private readonly lambda: LocalLambda) {
    this.prefix = busName.replace(/-bus$/, '');
  }

  busArn(name: string): string {
    return `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${name}`;
  }

  /** A rule's ARN: `rule/<name>` on the default bus, `rule/<bus>/<name>` on another. */
  ruleArn(rule: LocalRule): string {
    return `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${rule.bus === DEFAULT_BUS ? '' : `${rule.bus}/`}${rule.name}`;
  }

  rules(): LocalRule[] {
    const fromEvents = (Object.entries(eventRules) as [string, EventRuleSpec][]).map(([name, spec]) => ({
      name: `${this.prefix}-${name}`,
      bus: (spec.bus ?? 'app') === 'app' ? this.busName : DEFAULT_BUS,
      description: spec.description,
      eventPattern: JSON.stringify(spec.pattern),
      targetArn: this.lambda.arnOf(spec.target.function),
    }));
    const fromSchedules = (Object.entries(schedules) as [string, ScheduleSpec][]).map(([name, spec]) => ({
      name: `${this.prefix}-schedule-${name}`,
      bus: DEFAULT_BUS,
      description: spec.description,
      scheduleExpression: `rate(${spec.everyMinutes} ${spec.everyMinutes === 1 ? 'minute' : 'minutes'})`,
      targetArn: this.lambda.arnOf(spec.target.function),
    }));
    return [...fromEvents, ...fromSchedules];
  }

  handle(operation: string, body: Record<string, unknown>): unknown {
    switch (operation) {
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListEventBuses.html
      case 'ListEventBuses': {
        const prefix = optionalString(body, 'NamePrefix');
        const buses = [DEFAULT_BUS, this.busName].filter((n) => !prefix || n.startsWith(prefix)).map((Name) => ({ Name, Arn: this.busArn(Name) }));
        const { items, next } = page(buses, body);
        return { EventBuses: items, ...next };
      }
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeEventBus.html
      case 'DescribeEventBus': {
        const name = this.bus(optionalString(body, 'Name'));
        return { Name: name, Arn: this.busArn(name) };
      }
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html: the default bus when EventBusName is absent.
      case 'ListRules': {
        const bus = this.bus(optionalString(body, 'EventBusName'));
        const prefix = optionalString(body, 'NamePrefix');
        const rules = this.rules().filter((r) => r.bus === bus && (!prefix || r.name.startsWith(prefix)));
        const { items, next } = page(rules, body);
        return { Rules: items.map((r) => this.describe(r)), ...next };
      }
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeRule.html: ResourceNotFoundException for a rule that does not exist.
      case 'DescribeRule':
        return { ...this.describe(this.rule(body)), CreatedBy: LOCAL_ACCOUNT };
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListTargetsByRule.html
      case 'ListTargetsByRule': {
        const rule = this.rule(body, 'Rule');
        return { Targets: [{ Id: 'Target0', Arn: rule.targetArn }] };
      }
      default:
        throw new EventBridgeError('UnknownOperationException', `The embedded runtime does not implement EventBridge ${operation}`);
    }
  }

  private describe(rule: LocalRule): Record<string, string> {
    return {
      Name: rule.name,
      Arn: this.ruleArn(rule),
      ...(rule.eventPattern ? { EventPattern: rule.eventPattern } : {}),
      ...(rule.scheduleExpression ? { ScheduleExpression: rule.scheduleExpression } : {}),
      State: 'ENABLED',
      Description: rule.description,
      EventBusName: rule.bus,
    };
  }

  /** A bus by name or ARN (the default bus when none is given), or ResourceNotFoundException. */
  private bus(nameOrArn: string | undefined): string {
    if (!nameOrArn) return DEFAULT_BUS;
    const name = nameOrArn.startsWith('arn:') ? (nameOrArn.split(':event-bus/')[1] ?? '') : nameOrArn;
    if (name !== DEFAULT_BUS && name !== this.busName) throw new EventBridgeError('ResourceNotFoundException', `Event bus ${nameOrArn} does not exist.`);
    return name;
  }

  private rule(body: Record<string, unknown>, field = 'Name'): LocalRule {
    const name = optionalString(body, field);
    if (!name) throw new EventBridgeError('ValidationException', `1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`);
    const bus = this.bus(optionalString(body, 'EventBusName'));
    const rule = this.rules().find((r) => r.name === name && r.bus === bus);
    if (!rule) throw new EventBridgeError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus}.`);
    return rule;
  }
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new EventBridgeError('ValidationException', `${field} must be a string`);
  return value;
}

/** `Limit` (1–100) and an opaque `NextToken`, as the List operations page. */
function page<T>(items: readonly T[], body: Record<string, unknown>): { items: T[]; next: { NextToken?: string } } {
  const limit = body['Limit'] === undefined ? 100 : Number(body['Limit']);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new EventBridgeError('ValidationException', `1 validation error detected: Value '${String(body['Limit'])}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100`);
  let start = 0;
  if (body['NextToken'] !== undefined) {
    start = Number(Buffer.from(String(body['NextToken']), 'base64url').toString('utf8').replace(/^offset:/, ''));
    if (!Number.isInteger(start) || start < 0 || start > items.length) throw new EventBridgeError('ValidationException', 'The NextToken is not valid.');
  }
  const end = start + limit;
  return { items: items.slice(start, end), next: end < items.length ? { NextToken: Buffer.from(`offset:${end}`).toString('base64url') } : {} };
}
