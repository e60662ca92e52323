import { Template } from 'aws-cdk-lib/assertions';
import { synthesizeStack } from '#infra/stack';
import { manifest, type FunctionName } from '#infra/manifest';

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

let devStack: ReturnType<typeof synthesizeStack> | undefined;
let devTemplates: { main: Template; searchDb: Template } | undefined;
function dev(): { main: Template; searchDb: Template } {
  devStack ??= synthesizeStack();
  devTemplates ??= { main: Template.fromStack(devStack), searchDb: Template.fromStack(devStack.stateful.searchDbStack) };
  return devTemplates;
}
/** The default stage's main template, synthesized once for the suites that only read it. */
export function devTemplate(): Template {
  return dev().main;
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
