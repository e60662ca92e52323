import { machines } from '#infra/manifest';
import { devTemplate, searchDbTemplate } from './template';

// cfn-lint's E3601 reads the `arn:${Partition}:states:::…` Resources of the definitions, which
// DefinitionSubstitutions fill at deploy, as malformed ARNs (38 errors before the suppression).
// The suppression sits on each state machine, with nothing else ignored, so that `npm run
// lint:cfn` reports 0 errors and still gates every other rule.
describe('the template carries its cfn-lint suppressions next to what they excuse', () => {
  const template = devTemplate();

  it('ignores E3601, and only it, on every state machine', () => {
    const found = template.findResources('AWS::StepFunctions::StateMachine') as Record<string, { Metadata?: Record<string, unknown> }>;
    expect(Object.keys(found)).toHaveLength(Object.keys(machines).length);
    for (const resource of Object.values(found)) expect(resource.Metadata?.['cfn-lint']).toEqual({ config: { ignore_checks: ['E3601'] } });
  });

  it('suppresses no cfn-lint rule on any other resource', () => {
    const others = Object.values(template.toJSON()['Resources'] as Record<string, { Type: string; Metadata?: Record<string, unknown> }>).filter((r) => r.Type !== 'AWS::StepFunctions::StateMachine');
    expect(others.filter((r) => r.Metadata?.['cfn-lint'] !== undefined)).toEqual([]);
  });

  it("suppresses no cfn-lint rule in the search database's nested stack", () => {
    const all = Object.values(searchDbTemplate().toJSON()['Resources'] as Record<string, { Metadata?: Record<string, unknown> }>);
    expect(all.filter((r) => r.Metadata?.['cfn-lint'] !== undefined)).toEqual([]);
  });
});
