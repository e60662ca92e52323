import { machines, type Ref } from '#infra/manifest';
import { aslPlaceholders, checkSubstitutions, machineAccess, readAsl } from '#infra/aws/asl';
import { onlyMachinesOf, toEventPattern } from '#infra/aws/stateless';
import { PROJECT_ROOT } from '#infra/stack';
import * as path from 'node:path';

const fn = (name: 'diagnostics-check' | 'diagnostics-park'): Ref => ({ ref: 'function', function: name });
const task = (Resource: string, Parameters: Record<string, unknown> = {}) => ({
  StartAt: 'Only',
  States: { Only: { Type: 'Task', Resource, Parameters, End: true } },
});

describe('machineAccess', () => {
  test('derives the diagnostics grants from its ASL: three invokes, two table writes, the bus', () => {
    const { definition } = readAsl(path.join(PROJECT_ROOT, machines.diagnostics.file));

    const access = machineAccess(definition, machines.diagnostics.substitutions);

    expect(access).toEqual(
      expect.arrayContaining([
        { kind: 'dynamodb', table: 'main', action: 'dynamodb:PutItem' },
        { kind: 'dynamodb', table: 'main', action: 'dynamodb:UpdateItem' },
        { kind: 'invoke', function: 'diagnostics-check' },
        { kind: 'invoke', function: 'diagnostics-park' },
        { kind: 'invoke', function: 'diagnostics-notify' },
        { kind: 'putEvents' },
      ]),
    );
    expect(access).toHaveLength(6);
  });

  test('finds tasks nested in Parallel branches and Map processors', () => {
    const definition = {
      StartAt: 'Fan',
      States: {
        Fan: { Type: 'Parallel', End: true, Branches: [task('arn:aws:states:::lambda:invoke', { FunctionName: '${A}' })] },
        Each: { Type: 'Map', End: true, ItemProcessor: task('${B}') },
      },
    };

    const access = machineAccess(definition, { A: fn('diagnostics-check'), B: fn('diagnostics-park') });

    expect(access).toEqual([
      { kind: 'invoke', function: 'diagnostics-check' },
      { kind: 'invoke', function: 'diagnostics-park' },
    ]);
  });

  test('maps SDK integrations to their IAM action on the referenced table', () => {
    const definition = task('arn:aws:states:::aws-sdk:dynamodb:query', { TableName: '${T}' });

    expect(machineAccess(definition, { T: { ref: 'table', table: 'main' } })).toEqual([{ kind: 'dynamodb', table: 'main', action: 'dynamodb:Query' }]);
  });

  test('refuses a function named literally, whose grant could not be scoped', () => {
    const definition = task('arn:aws:states:::lambda:invoke', { FunctionName: 'arn:aws:lambda:us-east-1:1:function:x' });

    expect(() => machineAccess(definition, {})).toThrow(/FunctionName must be a \$\{Substitution\}/);
  });

  test('refuses an integration it has no IAM mapping for', () => {
    expect(() => machineAccess(task('arn:aws:states:::sqs:sendMessage'), {})).toThrow(/no IAM mapping/);
  });

  test('refuses a substitution of the wrong kind', () => {
    const definition = task('arn:aws:states:::dynamodb:putItem', { TableName: '${T}' });

    expect(() => machineAccess(definition, { T: { ref: 'bus' } })).toThrow(/must reference a table/);
  });
});

describe('checkSubstitutions', () => {
  test('lists placeholders once, in order', () => {
    expect(aslPlaceholders('{"a":"${X}","b":"${Y}","c":"${X}"}')).toEqual(['X', 'Y']);
  });

  test('fails on a placeholder the manifest does not substitute', () => {
    expect(() => checkSubstitutions('m', '{"a":"${X}"}', {})).toThrow(/no substitution for \$\{X\}/);
  });

  test('fails on a substitution the ASL does not use', () => {
    expect(() => checkSubstitutions('m', '{}', { X: { ref: 'bus' } })).toThrow(/not used by the ASL: X/);
  });
});

describe('toEventPattern', () => {
  test('renames raw EventBridge keys to the CDK ones', () => {
    expect(toEventPattern({ source: ['a'], 'detail-type': ['B'], detail: { x: [1] } })).toEqual({
      source: ['a'],
      detailType: ['B'],
      detail: { x: [1] },
    });
  });

  test('refuses a key EventBridge does not match on', () => {
    expect(() => toEventPattern({ detailType: ['B'] })).toThrow(/not an EventBridge event field/);
  });

  test('passes nested detail patterns through untouched, operators included', () => {
    const detail = { status: ['FAILED'], input: { ori: [{ prefix: 'CT' }] }, 'kebab-key': [{ exists: true }] };

    expect(toEventPattern({ source: ['aws.states'], detail })).toEqual({ source: ['aws.states'], detail });
  });
});

describe('onlyMachinesOf', () => {
  const arns = ['arn:m1', 'arn:m2'];

  test('narrows a Step Functions pattern to the given machines, keeping its detail', () => {
    const pattern = { source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { status: ['FAILED'] } };

    expect(onlyMachinesOf(pattern, arns)).toEqual({ ...pattern, detail: { status: ['FAILED'], stateMachineArn: arns } });
  });

  test('adds a detail when the pattern has none', () => {
    expect(onlyMachinesOf({ source: ['aws.states'] }, arns)).toEqual({ source: ['aws.states'], detail: { stateMachineArn: arns } });
  });

  test('leaves patterns on other sources, and ones naming machines already, as written', () => {
    const other = { source: ['aws.states', 'aws.ec2'], detail: {} };
    const named = { source: ['aws.states'], detail: { stateMachineArn: ['arn:x'] } };

    expect(onlyMachinesOf(other, arns)).toBe(other);
    expect(onlyMachinesOf(named, arns)).toBe(named);
  });
});
