import { DescribeEventBusCommand, DescribeRuleCommand, EventBridgeClient, ListArchivesCommand, ListEventBusesCommand, ListRulesCommand, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventRules, schedules, type EventRuleSpec } from '../../infra/manifest';
import { cli, cliError, describeWithCli, failure, givenEdge, json, stopEdge, type Edge } from './harness';

/** EventBridge (JSON 1.1) through the edge. */
describe('EventBridge on the edge answers as EventBridge does', () => {
  let edge: Edge;
  let events: EventBridgeClient;
  let prefix: string;
  let bus: string;

  beforeAll(async () => {
    edge = await givenEdge();
    events = new EventBridgeClient(edge.client);
    prefix = `ciss-${edge.h.stage}`;
    bus = edge.h.runtime.names.bus;
  });
  afterAll(async () => {
    events.destroy();
    await stopEdge(edge);
  });

  // API_ListEventBuses: EventBuses [{Name, Arn}], narrowed by NamePrefix; every account has `default`.
  it('lists the default bus and the application bus, by prefix too', async () => {
    const out = await events.send(new ListEventBusesCommand({}));
    expect(out.EventBuses?.map((b) => b.Name)).toEqual(['default', bus]);
    expect(out.EventBuses?.[1]?.Arn).toBe(`arn:aws:events:us-east-1:000000000000:event-bus/${bus}`);
    await expect(events.send(new ListEventBusesCommand({ NamePrefix: prefix }))).resolves.toMatchObject({ EventBuses: [{ Name: bus }] });
    await expect(events.send(new DescribeEventBusCommand({ Name: bus }))).resolves.toMatchObject({ Name: bus });
  });

  // API_ListRules: "Lists your Amazon EventBridge rules. You can either list all the rules or you
  // can provide a prefix to match to the rule names"; EventBusName "If you omit this, the default
  // event bus is used"; Limit pages with NextToken.
  it('lists the rules of a bus, by prefix, a page at a time', async () => {
    const appRules = (Object.entries(eventRules) as [string, EventRuleSpec][]).filter(([, spec]) => (spec.bus ?? 'app') === 'app');
    const all = await events.send(new ListRulesCommand({ EventBusName: bus }));
    expect(all.Rules?.map((r) => r.Name).sort()).toEqual(appRules.map(([name]) => `${prefix}-${name}`).sort());
    expect(all.Rules?.every((r) => r.State === 'ENABLED' && r.EventBusName === bus && r.Arn?.startsWith(`arn:aws:events:us-east-1:000000000000:rule/${bus}/`))).toBe(true);

    const diagnostics = await events.send(new ListRulesCommand({ EventBusName: bus, NamePrefix: `${prefix}-diagnostics` }));
    expect(diagnostics.Rules).toEqual([expect.objectContaining({ Name: `${prefix}-diagnostics-completed`, EventPattern: JSON.stringify(eventRules['diagnostics-completed'].pattern) })]);

    // The default bus holds several rules: a page of one, then the next.
    const first = await events.send(new ListRulesCommand({ Limit: 1 }));
    expect(first.Rules).toHaveLength(1);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await events.send(new ListRulesCommand({ Limit: 1, NextToken: first.NextToken }));
    expect(second.Rules).toHaveLength(1);
    expect(second.Rules?.[0]?.Name).not.toBe(first.Rules?.[0]?.Name);
  });

  it('lists the default bus rules, schedules among them, when no bus is named', async () => {
    const out = await events.send(new ListRulesCommand({}));
    const names = out.Rules?.map((r) => r.Name) ?? [];
    expect(names).toContain(`${prefix}-tasks-execution-ended`);
    for (const [name, spec] of Object.entries(schedules)) {
      expect(out.Rules).toContainEqual(expect.objectContaining({ Name: `${prefix}-schedule-${name}`, ScheduleExpression: `rate(${spec.everyMinutes} minutes)` }));
    }
  });

  // API_DescribeRule: Name, Arn, EventPattern, State, Description, EventBusName; ResourceNotFoundException
  // "An entity that you specified does not exist" — for a missing rule, and for a missing bus.
  it('describes a rule, and answers ResourceNotFoundException for a missing one', async () => {
    const out = await events.send(new DescribeRuleCommand({ Name: `${prefix}-diagnostics-completed`, EventBusName: bus }));
    expect(out).toMatchObject({ Name: `${prefix}-diagnostics-completed`, State: 'ENABLED', EventBusName: bus, Description: eventRules['diagnostics-completed'].description });
    await expect(failure(events.send(new DescribeRuleCommand({ Name: 'no-such-rule' })))).resolves.toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    // The rule is on the application bus, not on the default one DescribeRule looks at without EventBusName.
    await expect(failure(events.send(new DescribeRuleCommand({ Name: `${prefix}-diagnostics-completed` })))).resolves.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(failure(events.send(new ListRulesCommand({ EventBusName: 'no-such-bus' })))).resolves.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  // API_ListTargetsByRule: Targets [{Id, Arn, …}]; the rule's one Lambda target.
  it('lists the target of a rule', async () => {
    const out = await events.send(new ListTargetsByRuleCommand({ Rule: `${prefix}-diagnostics-completed`, EventBusName: bus }));
    expect(out.Targets).toEqual([{ Id: 'Target0', Arn: edge.h.runtime.names.functions['diagnostics-event-sink'] }]);
    await expect(failure(events.send(new ListTargetsByRuleCommand({ Rule: 'no-such-rule' })))).resolves.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  // API_PutEvents: an entry per event, EventId or ErrorCode; aws.* sources are refused per entry.
  it('puts events, refusing aws.* sources per entry', async () => {
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: bus, Source: 'ciss.conformance', DetailType: 'Probe', Detail: '{}' },
          { EventBusName: bus, Source: 'aws.states', DetailType: 'Probe', Detail: '{}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[0]?.EventId).toEqual(expect.any(String));
    expect(out.Entries?.[1]?.ErrorCode).toBe('NotAuthorizedForSourceException');
  });

  // JSON 1.1: an operation the service does not have is UnknownOperationException (400), at once.
  it('answers an operation it does not implement with UnknownOperationException', async () => {
    await expect(failure(events.send(new ListArchivesCommand({})))).resolves.toMatchObject({ name: 'UnknownOperationException', status: 400 });
  });

  describeWithCli('with the AWS CLI', () => {
    it('aws events list-event-buses and list-rules --event-bus-name --name-prefix answer with data', async () => {
      expect(json(await cli(edge, ['events', 'list-event-buses']))).toMatchObject({ EventBuses: [{ Name: 'default' }, { Name: bus }] });
      const rules = json<{ Rules: { Name: string }[] }>(await cli(edge, ['events', 'list-rules', '--event-bus-name', bus, '--name-prefix', `${prefix}-diagnostics`]));
      expect(rules.Rules.map((r) => r.Name)).toEqual([`${prefix}-diagnostics-completed`]);
    });

    it('aws events describe-rule for a missing rule fails with ResourceNotFoundException', async () => {
      expect(cliError(await cli(edge, ['events', 'describe-rule', '--name', 'no-such-rule']))).toBe('ResourceNotFoundException');
    });
  });
});
