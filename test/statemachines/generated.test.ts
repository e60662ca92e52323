import { readFileSync } from 'node:fs';
import { machine, states, type Machine } from '../../statemachines/asl';
import { definitions, fileOf, render } from '../../statemachines/machines';
import { humanStep, lambdaStep, onAnyError, remindersAt, humanStepStates, type Workflow } from '../../statemachines/parts';
import { aslFiles } from './harness';

const RUN = 'run `npm run asl` and commit the result';

describe('generated workflow definitions', () => {
  it('generates every ASL file under statemachines/ (none is written by hand)', () => {
    expect(Object.keys(definitions).sort()).toEqual(aslFiles());
  });

  it.each(Object.keys(definitions))('%s is exactly its generation from the TypeScript definition', (name) => {
    const committed = readFileSync(fileOf(name), 'utf8');
    const generated = render(definitions[name] as Machine);

    // A readable failure first: which file, and the fix.
    expect(committed === generated ? 'up to date' : `statemachines/${name} differs from its definition in statemachines/*.ts: ${RUN}`).toBe('up to date');
  });
});

describe('machine() and states()', () => {
  const end = { Type: 'Succeed' } as const;

  it('refuses a transition to a state that does not exist, naming both', () => {
    expect(() => machine({ Comment: 'c', StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } })).toThrow('A leads to B, which is not a state');
  });

  it('refuses a Catch that leads nowhere', () => {
    const workflow: Workflow = { name: 'w', subjectId: '$.id', onError: [onAnyError('Missing')] };

    expect(() => machine({ Comment: 'c', StartAt: 'A', States: { A: lambdaStep(workflow, { fn: 'F', payload: {}, next: 'Done' }), Done: end } })).toThrow(
      'A leads to Missing, which is not a state',
    );
  });

  it('refuses two states of one name, where a spread would silently keep the later one', () => {
    expect(() => states({ AnyRemindersLeft: end }, { AnyRemindersLeft: end })).toThrow('Two states are named AnyRemindersLeft');
  });

  it('refuses a state nothing leads to', () => {
    expect(() => machine({ Comment: 'c', StartAt: 'A', States: { A: end, Orphan: end } })).toThrow('No transition leads to Orphan');
  });
});

describe('humanStep', () => {
  const workflow: Workflow = { name: 'w', subjectId: '$.id', onError: [onAnyError('Failed')] };
  const states = humanStep(workflow, {
    states: humanStepStates('Review'),
    comment: 'c',
    step: 'review',
    title: '$.title',
    facts: '$.facts',
    assignee: { role: 'unit' },
    question: 'Q?',
    choices: [{ id: 'ok', label: 'OK' }],
    reminders: remindersAt('$.reminder', '$.seconds', '$.max'),
    decided: 'Decided',
    timedOut: 'TimedOut',
  });

  it('is the reminder loop: start, await, any left, count, close', () => {
    expect(Object.keys(states)).toEqual(['StartReviewReminders', 'AwaitReview', 'AnyReviewRemindersLeft', 'CountReviewReminder', 'CloseReviewTask']);
    expect(states['AwaitReview']).toMatchObject({ TimeoutSecondsPath: '$.seconds', Next: 'Decided', Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'AnyReviewRemindersLeft' }, { Next: 'Failed' }] });
    expect(states['CountReviewReminder']).toMatchObject({ Next: 'AwaitReview' });
    expect(states['CloseReviewTask']).toMatchObject({ Next: 'TimedOut', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'TimedOut' }] });
  });

  it('never retries the wait’s own deadline, which is the reminder', () => {
    const wait = states['AwaitReview'];
    const retried = wait?.Type === 'Task' ? wait.Retry.flatMap((r) => r.ErrorEquals) : [];

    expect(retried).toContain('Sandbox.Timedout');
    expect(retried).not.toContain('States.Timeout');
  });
});
