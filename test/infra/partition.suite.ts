import type { Template } from 'aws-cdk-lib/assertions';
import { replacePlaceholders } from '#shared/asl';
import { manifest, type MachineName } from '#infra/manifest';
import { synthesizeStack } from '#infra/stack';
import { PARTITION_PLACEHOLDER } from '#infra/aws/asl';
import { appTemplate, resourcesOf } from './template';

const machineNames = Object.keys(manifest.machines) as MachineName[];

/** The definition text of a machine, and what each placeholder resolves to. */
function machine(template: Template, name: MachineName): { definition: string; substitutions: Record<string, unknown> } {
  const found = Object.values(resourcesOf(template, 'AWS::StepFunctions::StateMachine')).find(
    (m) => m.Properties['StateMachineName'] === `ciss-workflows-dev-${name}`,
  );
  return {
    definition: String(found?.Properties['DefinitionString']),
    substitutions: (found?.Properties['DefinitionSubstitutions'] ?? {}) as Record<string, unknown>,
  };
}

/** CloudFormation's substitution of literal values, to see what the service will run. */
function substitute(definition: string, substitutions: Record<string, unknown>): string {
  return replacePlaceholders(definition, (p, whole) => {
    const value = substitutions[p];
    return typeof value === 'string' ? value : whole;
  });
}

describe.each([
  ['AWS GovCloud (US)', 'us-gov-west-1', 'aws-us-gov'],
  ['a commercial region', 'us-east-1', 'aws'],
])('synthesized for %s', (_, region, partition) => {
  const stack = synthesizeStack({ env: { account: '123456789012', region } });
  const template = appTemplate(stack);
  const text = JSON.stringify(template.toJSON());

  test('writes every ARN of every machine with the partition placeholder', () => {
    for (const name of machineNames) {
      const { definition, substitutions } = machine(template, name);
      expect({ name, literal: definition.includes('arn:aws:') }).toEqual({ name, literal: false });
      expect(definition).toContain(`arn:\${${PARTITION_PLACEHOLDER}}:states:::`);
      // The stack's partition: a pseudo-parameter, or the literal CDK knows for the region.
      expect([{ Ref: 'AWS::Partition' }, partition]).toContainEqual(substitutions[PARTITION_PLACEHOLDER]);
    }
  });

  test(`resolves the service integrations to arn:${partition}:`, () => {
    for (const name of machineNames) {
      const { definition, substitutions } = machine(template, name);
      const resolved = substitute(definition, { ...substitutions, [PARTITION_PLACEHOLDER]: partition });
      const resources = [...resolved.matchAll(/"Resource":\s*"(arn:[^"]+)"/g)].map((m) => m[1] ?? '');
      expect(resources.length).toBeGreaterThan(0);
      for (const arn of resources) expect(arn.startsWith(`arn:${partition}:`)).toBe(true);
    }
  });

  test('has no literal commercial-partition ARN anywhere in the template', () => {
    expect(text.match(/arn:aws:[^"]{0,60}/g) ?? []).toEqual([]);
  });
});
