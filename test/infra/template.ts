import { Template } from 'aws-cdk-lib/assertions';
import { NestedStack, Stack, type App } from 'aws-cdk-lib';
import { synthesizeStack, type CissWorkflowsStack } from '#infra/stack';
import { manifest, type FunctionName } from '#infra/manifest';
import { lockSynthesis, publishSynthesis, synthesisKey } from './synthesis';

/** The slice of a CloudFormation resource these tests read. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

export function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/** Logical id of a manifest function, found by the description the manifest gives it. */
export function functionLogicalId(template: Template, name: FunctionName): string {
  const description = manifest.functions[name].description;
  const found = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).filter(([, r]) => r.Properties['Description'] === description);
  if (found.length !== 1 || !found[0]) throw new Error(`expected one Lambda for manifest function "${name}", found ${found.length}`);
  return found[0][0];
}

/** Logical id of the one resource of a type (the table, the bus, the key…). */
export function onlyLogicalId(template: Template, type: string): string {
  const ids = Object.keys(resourcesOf(template, type));
  if (ids.length !== 1 || !ids[0]) throw new Error(`expected one ${type}, found ${ids.length}`);
  return ids[0];
}

/** Logical id of the application key (`Stateful/DataKey`); the search database has its own. */
export function appKeyId(template: Template): string {
  const ids = Object.keys(resourcesOf(template, 'AWS::KMS::Key')).filter((id) => id.startsWith('StatefulDataKey'));
  if (ids.length !== 1 || !ids[0]) throw new Error(`expected one application key, found ${ids.length}`);
  return ids[0];
}

export const getAttArn = (logicalId: string): unknown => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
export const ref = (logicalId: string): unknown => ({ Ref: logicalId });

/** `hasResourceProperties`, named so the jest lint rule sees the assertion. */
export function expectResourceProperties(template: Template, type: string, properties: unknown): void {
  template.hasResourceProperties(type, properties);
}

/** `hasResource`, named so the jest lint rule sees the assertion. */
export function expectResource(template: Template, type: string, resource: unknown): void {
  template.hasResource(type, resource);
}

/** The slice of an IAM policy statement these tests read. */
export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of the IAM policies attached to a role. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties['Roles']).includes(JSON.stringify(ref(roleLogicalId))))
    .flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement);
}

/** Logical id of the execution role of a manifest function. */
export function functionRoleId(template: Template, name: FunctionName): string {
  const role = resourcesOf(template, 'AWS::Lambda::Function')[functionLogicalId(template, name)]?.Properties['Role'] as
    | { 'Fn::GetAtt'?: [string, string] }
    | undefined;
  const id = role?.['Fn::GetAtt']?.[0];
  if (id === undefined) throw new Error(`function "${name}" has no role of this stack`);
  return id;
}

type Json = unknown;

/** `value` with every `{Ref: name}` / `{'Fn::GetAtt': [id, attribute]}` that `replace` knows replaced, deeply. */
function substitute(value: Json, replace: (node: Record<string, unknown>) => Json | undefined): Json {
  if (Array.isArray(value)) return value.map((v) => substitute(v, replace));
  if (value === null || typeof value !== 'object') return value;
  const node = value as Record<string, unknown>;
  const replaced = replace(node);
  if (replaced !== undefined) return substitute(replaced, replace);
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitute(v, replace)]));
}

/**
 * The stack with its function areas' nested stacks (`stateless.areaStacks`) folded back into
 * the main template, as if it were one: each nested stack's resources, with its parameters
 * replaced by what the main template passes and the main template's reads of its outputs
 * replaced by the outputs' values. The suites check the application's wiring (who may do what
 * to which table), which does not depend on where CloudFormation draws the line between
 * templates; the budget test reads the templates as they are (`Template.fromStack`).
 * CISS Search's database stays nested (see `exportedFromSearchDb`).
 */
export function appTemplate(stack: CissWorkflowsStack): Template {
  const main = Template.fromStack(stack).toJSON() as { Resources: Record<string, Record<string, unknown>> };
  const resources: Record<string, Record<string, unknown>> = { ...main.Resources };
  const outputs = new Map<string, Json>();
  for (const nested of Object.values(stack.stateless.areaStacks)) {
    const resource = nested.nestedStackResource;
    if (!resource) throw new Error(`nested stack ${nested.node.path} has no resource in its parent`);
    const id = Stack.of(resource).resolve(resource.logicalId) as string;
    const parameters = ((resources[id]?.['Properties'] as { Parameters?: Record<string, Json> } | undefined)?.Parameters ?? {});
    const inner = substitute(Template.fromStack(nested).toJSON(), (node) => {
      const name = node['Ref'];
      return typeof name === 'string' && Object.keys(node).length === 1 && name in parameters ? parameters[name] : undefined;
    }) as { Resources: Record<string, Record<string, unknown>>; Outputs?: Record<string, { Value: Json }> };
    for (const [name, output] of Object.entries(inner.Outputs ?? {})) outputs.set(`${id}.${name}`, output.Value);
    for (const [innerId, r] of Object.entries(inner.Resources)) {
      if (innerId in resources) throw new Error(`logical id ${innerId} is in the main template and in ${nested.node.path}`);
      resources[innerId] = r;
    }
    delete resources[id];
  }
  const stackIds = new Set([...outputs.keys()].map((k) => k.split('.')[0]));
  const folded = substitute(resources, (node) => {
    const att = node['Fn::GetAtt'];
    if (!Array.isArray(att) || Object.keys(node).length !== 1) return undefined;
    const [id, attribute] = att as [unknown, unknown];
    if (typeof id !== 'string' || typeof attribute !== 'string' || !attribute.startsWith('Outputs.')) return undefined;
    return outputs.get(`${id}.${attribute.slice('Outputs.'.length)}`);
  }) as Record<string, Record<string, unknown>>;
  for (const r of Object.values(folded)) {
    const dependsOn = r['DependsOn'];
    if (Array.isArray(dependsOn)) r['DependsOn'] = dependsOn.filter((d) => !stackIds.has(String(d)));
  }
  return Template.fromJSON({ ...main, Resources: folded });
}

let devStack: ReturnType<typeof synthesizeStack> | undefined;
let devTemplates: { app: Template; main: Template; searchDb: Template } | undefined;
function dev(): { app: Template; main: Template; searchDb: Template } {
  if (devTemplates) return devTemplates;
  // Others (the parity test, lint:cfn) wait for this synthesis rather than make their own (./synthesis.ts).
  const key = synthesisKey();
  const release = lockSynthesis(key);
  try {
    devStack ??= synthesizeStack();
    devTemplates = { app: appTemplate(devStack), main: Template.fromStack(devStack), searchDb: Template.fromStack(devStack.stateful.searchDbStack) };
    if (release) publishDevSynthesis(key, devStack, devTemplates);
  } finally {
    release?.();
  }
  return devTemplates;
}

/** Leaves the default stage's synthesis in the shared cache (./synthesis.ts). */
export function publishDevSynthesis(key: string, stack: CissWorkflowsStack, templates: { app: Template; searchDb: Template }): void {
  const assembly = (stack.node.root as App).synth();
  publishSynthesis(key, {
    stackName: stack.stackName,
    app: templates.app.toJSON(),
    searchDb: templates.searchDb.toJSON(),
    assemblyDir: assembly.directory,
    mainFile: stack.templateFile,
    nestedFiles: stack.node.findAll().filter((c): c is NestedStack => c instanceof NestedStack).map((n) => n.templateFile),
  });
}
/**
 * The default stage's template with the function areas folded in (`appTemplate`), synthesized
 * once for the suites that only read it.
 */
export function devTemplate(): Template {
  return dev().app;
}
/** The default stage's main template as CloudFormation receives it (its nested stacks unfolded). */
export function devMainTemplate(): Template {
  return dev().main;
}
/** The default stage's stack itself (the construct tree), from the same synthesis. */
export function devSynthesizedStack(): CissWorkflowsStack {
  dev();
  if (!devStack) throw new Error('not synthesized');
  return devStack;
}
/** The default stage's nested stack of CISS Search's database (infra/aws/stateful.ts), from the same synthesis. */
export function searchDbTemplate(): Template {
  return dev().searchDb;
}

/**
 * How the main template reads a value of the search database's nested stack: through the nested
 * stack's output of that exact value (`Fn::GetAtt [<nested stack>, Outputs.<name>]`); undefined
 * when the nested stack does not export it, so that the main template cannot reference it.
 */
export function exportedFromSearchDb(value: unknown): unknown {
  const outputs = (searchDbTemplate().toJSON()['Outputs'] ?? {}) as Record<string, { Value: unknown }>;
  const name = Object.entries(outputs).find(([, o]) => JSON.stringify(o.Value) === JSON.stringify(value))?.[0];
  return name === undefined ? undefined : { 'Fn::GetAtt': [onlyLogicalId(devTemplate(), 'AWS::CloudFormation::Stack'), `Outputs.${name}`] };
}

/** How the search database's nested stack reads a value of the main template: the `Ref` of the parameter it is passed as. */
export function passedToSearchDb(value: unknown): unknown {
  const parameters = (resourcesOf(devTemplate(), 'AWS::CloudFormation::Stack')[onlyLogicalId(devTemplate(), 'AWS::CloudFormation::Stack')]?.Properties['Parameters'] ?? {}) as Record<string, unknown>;
  const name = Object.entries(parameters).find(([, v]) => JSON.stringify(v) === JSON.stringify(value))?.[0];
  if (name === undefined) throw new Error(`the search database's nested stack is not passed ${JSON.stringify(value)}`);
  return ref(name);
}

/** The cluster ARN as a policy builds it from the cluster's `Ref` (in whichever template). */
export const clusterArnOf = (clusterRef: unknown): unknown => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':cluster:', clusterRef]],
});
