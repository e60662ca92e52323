import aslValidator from 'asl-validator';
import { firstMatch } from '#shared/asl';
import { allStates, aslFiles, aslSource, placeholdersOf, substitutedDefinition } from './harness';

/**
 * Task states allowed to have no Catch, by file. Narrow on purpose: a state qualifies only if
 * it records a failure that has already been caught and its one next step is a Fail state, so
 * there is nowhere left to route a second failure to.
 */
const FAILURE_RECORDERS: Readonly<Record<string, readonly string[]>> = {
  'diagnostics.asl.json': ['RecordRunFailed'],
};

/**
 * Task states that have no Catch today although the rule wants one: reported, not accepted.
 * The test below fails once one of them gets its Catch, so the entry is removed with the fix.
 */
const KNOWN_MISSING_CATCH: Readonly<Record<string, readonly string[]>> = {};

/**
 * `.waitForTaskToken` Tasks that wait for a person, by file: they have no HeartbeatSeconds (a
 * person does not heartbeat), so they must bound the wait with a timeout and catch States.Timeout
 * (to remind or to end visibly). Every other callback Task needs HeartbeatSeconds.
 */
const HUMAN_WAITS: Readonly<Record<string, readonly string[]>> = {
  'approval.asl.json': ['AwaitDecision'],
  // The clerk's review, and Judicial's adjudication (which may take years: it continues as new).
  'arrest-packet.asl.json': ['AwaitClerkReview', 'AwaitAdjudication'],
  'access-request.asl.json': ['AwaitBusinessNeedReview', 'AwaitTrainingAttestation', 'AwaitTrainingVerification'],
  // The exam result: the training provider's callback, or the unit's entry (issue 17).
  'search-certification.asl.json': ['AwaitExamResult'],
};

/** Whether a Retry or Catch list would take an error, as Step Functions matches (States.TaskFailed is every error but a timeout). */
function handles(list: unknown, error: string): boolean {
  return firstMatch(list as { ErrorEquals: string[] }[] | undefined, error) >= 0;
}

const files = aslFiles();
const tasksOf = (file: string) => allStates(substitutedDefinition(file)).filter(([, s]) => s['Type'] === 'Task');
const isNonEmptyArray = (value: unknown) => Array.isArray(value) && value.length > 0;

describe('state machine definitions', () => {
  it('finds the ASL files to check', () => {
    expect(files).toContain('diagnostics.asl.json');
  });

  describe.each(files)('%s', (file) => {
    it('fills every placeholder with a plausible value and passes asl-validator, ARNs and paths included', () => {
      const definition = substitutedDefinition(file);

      const { isValid, errorsText } = aslValidator(structuredClone(definition), { checkArn: true, checkPaths: true });

      expect(placeholdersOf(JSON.stringify(definition))).toEqual([]);
      expect({ isValid, errors: errorsText('\n') }).toEqual({ isValid: true, errors: expect.any(String) });
    });

    it('is written in JSONPath: no JSONata at the top or in any state', () => {
      const definition = substitutedDefinition(file);

      expect(aslSource(file)).not.toMatch(/"QueryLanguage"\s*:\s*"JSONata"/i);
      expect(definition['QueryLanguage'] ?? 'JSONPath').toBe('JSONPath');
      for (const [name, state] of allStates(definition)) expect([name, state['QueryLanguage'] ?? 'JSONPath']).toEqual([name, 'JSONPath']);
    });

    it('names every state in PascalCase', () => {
      const names = allStates(substitutedDefinition(file)).map(([name]) => name);

      expect(names.filter((n) => !/^[A-Z][A-Za-z0-9]*$/.test(n))).toEqual([]);
    });

    it('bounds every Task with a timeout', () => {
      const unbounded = tasksOf(file).filter(([, s]) => s['TimeoutSeconds'] === undefined && s['TimeoutSecondsPath'] === undefined);

      expect(unbounded.map(([name]) => name)).toEqual([]);
    });

    it('retries every Task', () => {
      const withoutRetry = tasksOf(file).filter(([, s]) => !isNonEmptyArray(s['Retry']));

      expect(withoutRetry.map(([name]) => name)).toEqual([]);
    });

    it('retries a Lambda that timed out (Sandbox.Timedout) in every Lambda Task, and a plain Task’s own timeout (States.Timeout): the handlers are idempotent', () => {
      const lambdas = tasksOf(file).filter(([, s]) => String(s['Resource']).startsWith('arn:aws:states:::lambda:invoke'));
      const plain = lambdas.filter(([, s]) => !String(s['Resource']).endsWith('.waitForTaskToken'));

      expect(lambdas.filter(([, s]) => !handles(s['Retry'], 'Sandbox.Timedout')).map(([name]) => name)).toEqual([]);
      expect(plain.filter(([, s]) => !handles(s['Retry'], 'States.Timeout')).map(([name]) => name)).toEqual([]);
    });

    it('never retries a callback Task’s own deadline (States.Timeout, States.HeartbeatTimeout): it is the designed end of the wait', () => {
      const callbacks = tasksOf(file).filter(([, s]) => String(s['Resource']).endsWith('.waitForTaskToken'));

      const retried = callbacks.filter(([, s]) => handles(s['Retry'], 'States.Timeout') || handles(s['Retry'], 'States.HeartbeatTimeout'));

      expect(retried.map(([name]) => name)).toEqual([]);
    });

    it('catches failures of every Task except the listed failure recorders and known gaps', () => {
      const allowed = [...(FAILURE_RECORDERS[file] ?? []), ...(KNOWN_MISSING_CATCH[file] ?? [])];

      const uncaught = tasksOf(file).filter(([name, s]) => !isNonEmptyArray(s['Catch']) && !allowed.includes(name));

      expect(uncaught.map(([name]) => name)).toEqual([]);
    });

    it('lets a Task go without Catch only when it records a failure and then goes straight to a Fail state', () => {
      const states = Object.fromEntries(allStates(substitutedDefinition(file)));

      for (const name of FAILURE_RECORDERS[file] ?? []) {
        const state = states[name];
        const next = states[String(state?.['Next'])];
        expect({ name, type: state?.['Type'], end: state?.['End'], next: next?.['Type'] }).toEqual({ name, type: 'Task', end: undefined, next: 'Fail' });
        expect(Object.values(states).some((s) => isNonEmptyArray(s['Catch']) && (s['Catch'] as { Next: string }[]).some((c) => c.Next === name))).toBe(true);
      }
    });

    it('gives every callback Task a heartbeat, except the listed human waits', () => {
      const human = HUMAN_WAITS[file] ?? [];
      const callbacks = tasksOf(file).filter(([, s]) => String(s['Resource']).endsWith('.waitForTaskToken'));

      const silent = callbacks.filter(([name, s]) => !human.includes(name) && s['HeartbeatSeconds'] === undefined && s['HeartbeatSecondsPath'] === undefined);

      expect(silent.map(([name]) => name)).toEqual([]);
    });

    it('lets a human wait go without a heartbeat only if it is a timed callback Task that catches States.Timeout', () => {
      const states = Object.fromEntries(tasksOf(file));

      for (const name of HUMAN_WAITS[file] ?? []) {
        const state = states[name] ?? {};
        const catches = ((state['Catch'] as { ErrorEquals: string[] }[] | undefined) ?? []).flatMap((c) => c.ErrorEquals);
        expect({
          name,
          callback: String(state['Resource']).endsWith('.waitForTaskToken'),
          timed: state['TimeoutSeconds'] !== undefined || state['TimeoutSecondsPath'] !== undefined,
          catchesTimeout: catches.includes('States.Timeout'),
        }).toEqual({ name, callback: true, timed: true, catchesTimeout: true });
      }
    });

    it('still lacks the Catch of every known gap (remove the entry once it is fixed)', () => {
      const states = Object.fromEntries(tasksOf(file));

      for (const name of KNOWN_MISSING_CATCH[file] ?? []) expect([name, states[name]?.['Catch']]).toEqual([name, undefined]);
    });
  });

  it('the validator used above rejects a definition whose Next names no state', () => {
    const broken = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } };

    expect(aslValidator(broken).isValid).toBe(false);
  });
});
