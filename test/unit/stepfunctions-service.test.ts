import fc from 'fast-check';
import { assertProperty } from './property';
import { aslText, substitute } from '#infra/asl';
import { machines } from '#infra/manifest';
import { hashToken, splitExecutionArn, validateDefinition } from '../../infra/local/stepfunctions/service';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function';
const dummies: Record<string, string> = {
  TableName: 'ciss-main',
  EventBusName: 'ciss-bus',
  CheckFunctionArn: `${ARN}:diagnostics-check`,
  ParkFunctionArn: `${ARN}:diagnostics-park`,
  NotifyFunctionArn: `${ARN}:diagnostics-notify`,
};

const minimal = (extra: Record<string, unknown> = {}) => JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } }, ...extra });

describe('validateDefinition', () => {
  it('accepts the diagnostics machine once its placeholders are filled', () => {
    expect(Object.keys(dummies).sort()).toEqual(Object.keys(machines.diagnostics.substitutions).sort());

    const definition = validateDefinition(substitute(aslText('diagnostics'), dummies));

    expect(definition.StartAt).toBe('RecordRunStarted');
  });

  it('accepts a minimal definition and returns it parsed', () => {
    // toMatchObject: the engine's validator writes a default QueryLanguage into each state.
    expect(validateDefinition(minimal())).toMatchObject({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
  });

  it('refuses text that is not JSON', () => {
    expect(() => validateDefinition('{ StartAt: ')).toThrow(expect.objectContaining({ type: 'InvalidDefinition', message: expect.stringContaining('not JSON') }));
  });

  it('refuses a JSONata definition', () => {
    expect(() => validateDefinition(minimal({ QueryLanguage: 'JSONata' }))).toThrow(expect.objectContaining({ type: 'InvalidDefinition', message: expect.stringContaining('JSONata') }));
  });

  it('refuses a definition whose StartAt names no state', () => {
    expect(() => validateDefinition(JSON.stringify({ StartAt: 'Missing', States: { Done: { Type: 'Succeed' } } }))).toThrow(expect.objectContaining({ type: 'InvalidDefinition' }));
  });

  it('refuses a definition whose Next names no state', () => {
    const text = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } });

    expect(() => validateDefinition(text)).toThrow(expect.objectContaining({ type: 'InvalidDefinition' }));
  });

  it('without the schema check (the runtime’s own machines at start) still parses and refuses JSONata, but no longer walks the states', () => {
    const text = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } });

    expect(validateDefinition(text, { schema: false })).toEqual(JSON.parse(text));
    expect(() => validateDefinition('{ StartAt: ', { schema: false })).toThrow(expect.objectContaining({ type: 'InvalidDefinition', message: expect.stringContaining('not JSON') }));
    expect(() => validateDefinition(minimal({ QueryLanguage: 'JSONata' }), { schema: false })).toThrow(expect.objectContaining({ type: 'InvalidDefinition', message: expect.stringContaining('JSONata') }));
  });
});

describe('splitExecutionArn', () => {
  it('splits an execution ARN into its machine ARN and execution name', () => {
    expect(splitExecutionArn('arn:aws:states:us-east-1:123456789012:execution:diagnostics:run-1')).toEqual({
      machineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:diagnostics',
      name: 'run-1',
    });
  });

  it.each([
    'arn:aws:states:us-east-1:123456789012:stateMachine:diagnostics',
    'arn:aws:states:us-east-1:123456789012:execution:diagnostics',
    'arn:aws:states:us-east-1:123456789012:execution:diagnostics:run-1:extra',
    'run-1',
  ])('refuses %p as InvalidArn', (arn) => {
    expect(() => splitExecutionArn(arn)).toThrow(expect.objectContaining({ type: 'InvalidArn' }));
  });

  it('round-trips any machine and execution name without colons', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
    assertProperty(
      fc.property(name, name, (machine, execution) => {
        const parts = splitExecutionArn(`arn:aws:states:us-east-1:123456789012:execution:${machine}:${execution}`);
        return parts.name === execution && parts.machineArn === `arn:aws:states:us-east-1:123456789012:stateMachine:${machine}`;
      }),
    );
  });
});

describe('hashToken', () => {
  it('gives the same hash for the same token', () => {
    assertProperty(fc.property(fc.string(), (token) => hashToken(token) === hashToken(token)));
  });

  it('never returns the token itself', () => {
    assertProperty(fc.property(fc.string(), (token) => hashToken(token) !== token));
  });

  it('gives different tokens different hashes', () => {
    assertProperty(fc.property(fc.string(), fc.string(), (a, b) => a === b || hashToken(a) !== hashToken(b)));
  });

  it('is a 64-character hex digest', () => {
    expect(hashToken('tok')).toMatch(/^[0-9a-f]{64}$/);
  });
});
