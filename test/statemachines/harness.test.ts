import { runMachine } from './harness';

/** The harness works around two engine differences from AWS; these pin that it does. */
describe('state machine harness', () => {
  it.each([0, false, '', null])('gives a Pass state its falsy Result %j (the engine alone would pass the input on)', async (result) => {
    const definition = { StartAt: 'P', States: { P: { Type: 'Pass', Result: result, ResultPath: '$.r', End: true } } } as unknown as Parameters<typeof runMachine>[0];

    const outcome = await runMachine(definition, { a: 1 }, { tasks: {} });

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { a: 1, r: result } });
    expect(outcome.calls).toEqual([]);
  });

  it('reads TimeoutSecondsPath from the state input and hands the stub the evaluated Parameters', async () => {
    const definition = {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'x.$': '$.x' }, TimeoutSecondsPath: '$.wait', ResultPath: '$.out', End: true } },
    } as unknown as Parameters<typeof runMachine>[0];

    const outcome = await runMachine(definition, { x: 'hello', wait: 30 }, { tasks: { T: (input) => input } });

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { x: 'hello', wait: 30, out: { x: 'hello' } } });
    expect(outcome.calls).toEqual([{ state: 'T', input: { x: 'hello' }, attempt: 1, timeoutSeconds: 30 }]);
  });

  it('fails States.Runtime, past any Catch, when TimeoutSecondsPath does not give a positive integer', async () => {
    const definition = {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSecondsPath: '$.wait', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
        Caught: { Type: 'Succeed' },
      },
    } as unknown as Parameters<typeof runMachine>[0];

    const outcome = await runMachine(definition, { wait: 'soon' }, { tasks: { T: () => ({}) } });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });
});
