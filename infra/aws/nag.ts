import { Names, Stack, Validations, type App, type CfnResource } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag packs the stack is held to (issue 6): AWS Solutions and NIST 800-53 rev 5, the
 * control catalogue the FBI CJIS Security Policy v6.0 is built on.
 */
export function nagPacks(scope: IConstruct): NagPack[] {
  return [new AwsSolutionsChecks(scope), new NIST80053R5Checks(scope)];
}

/**
 * Registers the packs as CDK validation plugins: `cdk synth` then stops, and prints the
 * `policy-validation-report`, on any finding that is not acknowledged in code.
 */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(...nagPacks(app));
}

/** One unacknowledged finding: rule id (with its `[finding]` suffix) and the construct path. */
export interface NagFinding {
  readonly rule: string;
  readonly path: string;
  readonly description: string;
}

/** Runs the packs over a stack directly (no synthesis), as the infra test does. */
export function nagFindings(stack: Stack): NagFinding[] {
  return nagPacks(stack).flatMap((pack) =>
    pack
      .validateScope(stack)
      .violations.flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '', description: v.description }))),
  );
}

/**
 * Acknowledges one cdk-nag finding on a construct and everything below it, with the reason an
 * auditor will read. cdk-nag 3 matches ids exactly: a finding with a suffix
 * (`AwsSolutions-IAM5[Resource::*]`) needs that suffix here, which keeps every acknowledgement
 * to the one action or resource it was written for.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * How cdk-nag spells a CloudFormation value in a finding id: `Ref`s and `GetAtt`s become
 * `<LogicalId>` / `<LogicalId.Attr>`, pseudo parameters `<AWS::Region>`, joins are concatenated.
 * Lets an acknowledgement name the exact resource a wildcard is scoped to.
 */
export function nagSpelling(resolved: unknown): string {
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved !== 'object' || resolved === null) return String(resolved);
  const value = resolved as Record<string, unknown>;
  if (typeof value['Ref'] === 'string') return `<${value['Ref']}>`;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `<${getAtt.join('.')}>`;
  const join = value['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) return (join[1] as unknown[]).map(nagSpelling).join(String(join[0]));
  return JSON.stringify(resolved);
}

/**
 * How cdk-nag spells `resource`'s ARN (its `Arn` attribute) in a finding on `holder`: in the
 * resource's own stack `<LogicalId.Arn>`; in another stack (a function area's nested stack) the
 * parameter CloudFormation passes it in, `<referenceto<the resource's unique id>Arn>`.
 */
export function nagArnOf(holder: IConstruct, resource: CfnResource): string {
  return Stack.of(holder) === Stack.of(resource) ? `<${Stack.of(resource).getLogicalId(resource)}.Arn>` : `<referenceto${Names.uniqueId(resource)}Arn>`;
}
