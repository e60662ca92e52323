import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { functions, machines, routes, schedules, type FunctionName } from '../../infra/manifest';
import { loadSynthesis } from '../infra/synthesis';
import { givenRuntime, stopHarness, type Harness } from './steps';

interface CfnResource {
  readonly Properties: Record<string, unknown>;
}

/**
 * The two back-ends must offer the same application: every function, route and state machine
 * in the manifest exists in the CDK template and in the running embedded runtime, and neither
 * has one the other lacks.
 */
describe('AWS and local back-ends built from one manifest', () => {
  let h: Harness;
  // The function areas' nested stacks folded into the main template: one application either way.
  // The default stage's synthesis, shared with test/infra/cdk.test.ts and lint:cfn (test/infra/synthesis.ts).
  let resources: Record<string, CfnResource & { readonly Type: string }>;
  const byType = (type: string) => Object.fromEntries(Object.entries(resources).filter(([, r]) => r.Type === type));

  // Waits for cdk.test.ts's synthesis when it is under way, or makes it (a minute or more on a busy machine).
  beforeAll(async () => {
    [h, resources] = await Promise.all([givenRuntime(), loadSynthesis().then((s) => s.app['Resources'] as typeof resources)]);
  }, 300_000);
  afterAll(() => stopHarness(h));

  /** Functions of the infrastructure itself, not of the application: only AWS has them. */
  const INFRASTRUCTURE_ONLY = ['Rotates generated ciss-workflows secrets to a new random value'];
  /** CDK's bucket deployment, which copies the portal's bundle to its bucket (no description of ours to go by). */
  const INFRASTRUCTURE_ONLY_IDS = /^CustomCDKBucketDeployment/;

  function awsFunctions(): Map<string, FunctionName | undefined> {
    const byDescription = new Map<string, FunctionName>(Object.entries(functions).map(([name, spec]) => [spec.description, name as FunctionName]));
    const found = new Map<string, FunctionName | undefined>();
    for (const [id, r] of Object.entries(byType('AWS::Lambda::Function'))) {
      const description = String(r.Properties['Description']);
      if (!INFRASTRUCTURE_ONLY.includes(description) && !INFRASTRUCTURE_ONLY_IDS.test(id)) found.set(id, byDescription.get(description));
    }
    return found;
  }

  it('has the same functions', async () => {
    const aws = [...awsFunctions().values()];
    expect(aws.filter((f) => f === undefined)).toEqual([]);
    expect(new Set(aws)).toEqual(new Set(Object.keys(functions)));
    expect(Object.keys(h.runtime.names.functions).sort()).toEqual(Object.keys(functions).sort());
    for (const name of Object.keys(functions) as FunctionName[]) await expect(h.runtime.lambda.load(name)).resolves.toBeInstanceOf(Function);
  });

  it('has the same routes, each to the same function', () => {
    const ids = awsFunctions();
    const resources = byType('AWS::ApiGateway::Resource');
    const pathOf = (ref: unknown): string => {
      const id = (ref as { Ref?: string }).Ref;
      const resource = id === undefined ? undefined : resources[id];
      return resource ? `${pathOf(resource.Properties['ParentId'])}/${String(resource.Properties['PathPart'])}` : '';
    };
    const aws = Object.values(byType('AWS::ApiGateway::Method')).map((m) => {
      const integration = JSON.stringify(m.Properties['Integration']);
      const target = [...ids.entries()].find(([id]) => integration.includes(`"${id}"`))?.[1];
      return `${String(m.Properties['HttpMethod'])} ${pathOf(m.Properties['ResourceId'])} -> ${target}`;
    });
    const local = h.runtime.api.routeTable();
    expect(aws.sort()).toEqual(local.sort());
    expect(local).toHaveLength(routes.length);
  });

  /** The period of a rate expression in minutes: CDK writes 60 minutes as `rate(1 hour)`, the local runtime as `rate(60 minutes)`. */
  function minutesOf(expression: string): number | string {
    const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
    if (!rate) return expression;
    return Number(rate[1]) * { minute: 1, hour: 60, day: 1440 }[rate[2] as 'minute' | 'hour' | 'day'];
  }

  it('has the same schedules, each running the same function', () => {
    const ids = awsFunctions();
    const aws = Object.values(byType('AWS::Events::Rule'))
      .filter((r) => 'ScheduleExpression' in r.Properties)
      .map((r) => {
        const targets = JSON.stringify(r.Properties['Targets']);
        return `${minutesOf(String(r.Properties['ScheduleExpression']))} min -> ${[...ids.entries()].find(([id]) => targets.includes(`"${id}"`))?.[1]}`;
      });
    const local = h.runtime.scheduler.table().map((s) => `${minutesOf(s.expression)} min -> ${s.target}`);
    expect(aws.sort()).toEqual(local.sort());
    expect(local).toHaveLength(Object.keys(schedules).length);
  });

  it('has the same state machines', async () => {
    const aws = Object.values(byType('AWS::StepFunctions::StateMachine')).map((m) => String(m.Properties['StateMachineName']).replace(/^ciss-workflows-dev-/, ''));
    const listed = (await h.sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
    const local = listed.map((m) => String(m.name)).filter((n) => n.startsWith(`ciss-${h.stage}-`)).map((n) => n.replace(`ciss-${h.stage}-`, ''));
    expect(aws.sort()).toEqual(Object.keys(machines).sort());
    expect(local.sort()).toEqual(Object.keys(machines).sort());
  });
});
