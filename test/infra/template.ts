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

let devStack: Template | undefined;
/** The default stage's template, synthesized once for the suites that only read it. */
export function devTemplate(): Template {
  devStack ??= Template.fromStack(synthesizeStack());
  return devStack;
}
