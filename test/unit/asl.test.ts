import fc from 'fast-check';
import { assertProperty } from './property';
import {
  allStates,
  errorMatches,
  firstMatch,
  placeholdersOf,
  replacePlaceholders,
  retryBackoffSeconds,
  retryDelaySeconds,
  StatesRuntimeError,
  timingSeconds,
  waitDeadline,
  wholePlaceholder,
} from '#shared/asl';

describe('placeholders', () => {
  it('lists each ${Name} once, in order of first appearance', () => {
    expect(placeholdersOf('{"a":"${TableName}","b":"arn:${Partition}:x","c":"${TableName}"}')).toEqual(['TableName', 'Partition']);
  });

  it('replaces each placeholder by what the callback gives, leaving other text alone', () => {
    expect(replacePlaceholders('x ${A} y ${B} $A {C}', (name) => name.toLowerCase())).toBe('x a y b $A {C}');
    expect(replacePlaceholders('${Kept}', (_name, whole) => whole)).toBe('${Kept}');
  });

  it('recognizes a value that is one placeholder and nothing else', () => {
    expect(wholePlaceholder('${TableName}')).toBe('TableName');
    expect(wholePlaceholder('arn:${Partition}:x')).toBeUndefined();
  });

  it('finds again every placeholder it is given', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_]{1,20}$/);
    assertProperty(fc.property(fc.array(name, { minLength: 1, maxLength: 5 }), (names) => {
      const found = placeholdersOf(names.map((n) => `-\${${n}}-`).join(''));
      return JSON.stringify(found) === JSON.stringify([...new Set(names)]);
    }));
  });
});

describe('timings', () => {
  it('reads TimeoutSeconds as written, or TimeoutSecondsPath from the state input', () => {
    expect(timingSeconds({ Type: 'Task', TimeoutSeconds: 30 }, 'TimeoutSeconds', {})).toBe(30);
    expect(timingSeconds({ Type: 'Task', HeartbeatSecondsPath: '$.beat' }, 'HeartbeatSeconds', { beat: 600 })).toBe(600);
    expect(timingSeconds({ Type: 'Task' }, 'TimeoutSeconds', {})).toBeUndefined();
  });

  it.each([[0], [-1], [2.5], ['30'], [undefined]])('fails States.Runtime when a *Path gives %p, not a positive integer', (value) => {
    expect(() => timingSeconds({ Type: 'Task', TimeoutSecondsPath: '$.t' }, 'TimeoutSeconds', { t: value })).toThrow(StatesRuntimeError);
  });

  it('ends a Wait after Seconds or SecondsPath from entry, or at Timestamp or TimestampPath', () => {
    const at = Date.parse('2026-11-29T10:00:00Z');
    expect(waitDeadline({ Type: 'Wait', Seconds: 60 }, {}, at)).toBe(at + 60_000);
    expect(waitDeadline({ Type: 'Wait', SecondsPath: '$.s' }, { s: 5 }, at)).toBe(at + 5000);
    expect(waitDeadline({ Type: 'Wait', Timestamp: '2026-12-01T00:00:00Z' }, {}, at)).toBe(Date.parse('2026-12-01T00:00:00Z'));
    expect(waitDeadline({ Type: 'Wait', TimestampPath: '$.until' }, { until: '2026-12-02T00:00:00Z' }, at)).toBe(Date.parse('2026-12-02T00:00:00Z'));
  });

  it('fails States.Runtime for a Wait whose path gives no time', () => {
    expect(() => waitDeadline({ Type: 'Wait', SecondsPath: '$.s' }, { s: -1 }, 0)).toThrow(StatesRuntimeError);
    expect(() => waitDeadline({ Type: 'Wait', TimestampPath: '$.t' }, { t: 'tomorrow' }, 0)).toThrow(StatesRuntimeError);
    expect(() => waitDeadline({ Type: 'Wait' }, {}, 0)).toThrow(StatesRuntimeError);
  });
});

describe('Retry', () => {
  it('backs off IntervalSeconds x BackoffRate^n, capped by MaxDelaySeconds; defaults 1 s and 2.0', () => {
    expect([0, 1, 2, 3].map((n) => retryDelaySeconds({ IntervalSeconds: 5, BackoffRate: 3, MaxDelaySeconds: 100 }, n))).toEqual([5, 15, 45, 100]);
    expect([0, 1, 2].map((n) => retryDelaySeconds({}, n))).toEqual([1, 2, 4]);
  });

  it('adds the back-offs of every retry (3 by default)', () => {
    expect(retryBackoffSeconds({})).toBe(1 + 2 + 4);
    expect(retryBackoffSeconds({ IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 1 })).toBe(4);
  });

  it('matches by name, States.ALL, and States.TaskFailed for every error but a timeout', () => {
    expect(errorMatches(['CmsUnavailable'], 'CmsUnavailable')).toBe(true);
    expect(errorMatches(['States.ALL'], 'States.Timeout')).toBe(true);
    expect(errorMatches(['States.TaskFailed'], 'Lambda.ServiceException')).toBe(true);
    expect(errorMatches(['States.TaskFailed'], 'States.Timeout')).toBe(false);
    expect(errorMatches(['States.TaskFailed'], 'States.HeartbeatTimeout')).toBe(false);
    expect(errorMatches(['Other'], 'CmsUnavailable')).toBe(false);
  });

  it('takes the first retrier or catcher that matches', () => {
    const list = [{ ErrorEquals: ['A'] }, { ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['B'] }];
    expect(firstMatch(list, 'A')).toBe(0);
    expect(firstMatch(list, 'B')).toBe(1);
    expect(firstMatch([{ ErrorEquals: ['A'] }], 'B')).toBe(-1);
    expect(firstMatch(undefined, 'A')).toBe(-1);
  });
});

describe('allStates', () => {
  it('walks Parallel branches and Map processors', () => {
    const definition = {
      States: {
        Fan: { Type: 'Parallel', Branches: [{ States: { Left: { Type: 'Pass' } } }], Next: 'Each' },
        Each: { Type: 'Map', ItemProcessor: { States: { Item: { Type: 'Task' } } }, End: true },
      },
    };
    expect(allStates(definition).map(([name]) => name)).toEqual(['Fan', 'Left', 'Each', 'Item']);
    expect(allStates('not a definition')).toEqual([]);
  });
});
