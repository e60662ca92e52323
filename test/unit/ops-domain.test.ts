import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../functions/ops/domain/duration';
import { DEFAULT_TASK_SECONDS, expectedSeconds, GRACE_SECONDS, isStuck, retryBackoffSeconds, statesOf } from '../../functions/ops/domain/expected';
import { REDACTED, redact, redactCause, SECRET } from '../../functions/ops/domain/redact';
import { currentStep, executionFailure, stepsOf, timelineOf, type HistoryEventLike } from '../../functions/ops/domain/timeline';

const t0 = Date.parse('2025-03-01T10:00:00Z');
const at = (s: number) => new Date(t0 + s * 1000);

describe('durations operators type', () => {
  it('reads every unit and combinations of them', () => {
    expect(parseDuration('45s')).toBe(45);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('6h')).toBe(21_600);
    expect(parseDuration('2d')).toBe(172_800);
    expect(parseDuration('1w')).toBe(604_800);
    expect(parseDuration('1d12h')).toBe(129_600);
  });

  it('refuses anything that is not a duration, rather than reading it as "everything"', () => {
    for (const bad of ['', '2', 'd', '2 days', '-2d', '2.5h', '2y', '1d 2h', '2d;drop']) expect(parseDuration(bad)).toBeUndefined();
  });

  it('is the sum of its parts for any combination (property)', () => {
    const units = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 } as const;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom(...(Object.keys(units) as (keyof typeof units)[]))), { minLength: 1, maxLength: 4 }), (parts) => {
        const text = parts.map(([n, u]) => `${n}${u}`).join('');
        expect(parseDuration(text)).toBe(parts.reduce((sum, [n, u]) => sum + n * units[u], 0));
      }),
    );
  });

  it('prints durations briefly', () => {
    expect(formatDuration(12)).toBe('12s');
    expect(formatDuration(2 * 86_400 + 3 * 3600 + 60)).toBe('2d 3h');
    expect(formatDuration(45 * 60)).toBe('45m');
  });
});

describe('redaction of execution data', () => {
  const packet = {
    packetId: 'ap-0123456789abcdef01234567',
    version: 2,
    status: 'ACCEPTED',
    agency: { ori: 'CT0000100', contactEmail: 'records@nhpd.ct.example' },
    arrestee: { fullName: 'Jordan Q. Public', personBirthDate: '1990-04-01', address: { street: '1 Main St' } },
    charges: [{ chargeSequenceID: 1, statuteSection: '53a-125b' }],
    review: { decisionSeconds: 172_800 },
    taskToken: 'AQB-secret-token',
    decision: { choice: 'accept', comment: 'fine by me', decidedBy: 'clerk@jud.ct.example' },
  };

  it('keeps ids, statuses, versions, ORIs and timeouts and masks everything else, personal data included', () => {
    const out = redact(packet, 'redact') as typeof packet;
    expect(out.packetId).toBe(packet.packetId);
    expect(out.version).toBe(2);
    expect(out.status).toBe('ACCEPTED');
    expect(out.agency.ori).toBe('CT0000100');
    expect(out.review.decisionSeconds).toBe(172_800);
    expect(out.charges[0]?.chargeSequenceID).toBe(1);
    expect(out.decision.choice).toBe('accept');
    const text = JSON.stringify(out);
    for (const personal of ['Jordan', '1990-04-01', 'Main St', 'records@nhpd', 'clerk@jud', 'fine by me', '53a-125b']) expect(text).not.toContain(personal);
    expect(out.arrestee.fullName).toBe(REDACTED);
  });

  it('shows personal data on reveal but never secrets', () => {
    const out = redact(packet, 'reveal') as typeof packet;
    expect(out.arrestee.fullName).toBe('Jordan Q. Public');
    expect(out.taskToken).toBe(SECRET);
    expect(JSON.stringify(redact({ nested: [{ password: 'hunter2', sig: 'abc', apiKey: 'k' }] }, 'reveal'))).not.toMatch(/hunter2|"abc"|"k"/);
  });

  it('never lets a string through under a field it does not know (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !/id|arn|status|state|step|version|type|kind|choice|decision|outcome|channel|ori|reminder|next|seconds|count|error|machine|workflow|generation/i.test(k)), fc.string({ minLength: 1 })), (record) => {
        const out = redact(record, 'redact') as Record<string, unknown>;
        for (const value of Object.values(out)) expect([REDACTED, SECRET]).toContain(value);
      }),
    );
  });

  it('masks e-mail addresses in an error cause unless revealed', () => {
    expect(redactCause('No account for jo@x.example', 'redact')).toBe(`No account for ${REDACTED}`);
    expect(redactCause('No account for jo@x.example', 'reveal')).toBe('No account for jo@x.example');
  });
});

describe('the stuck rule: the most a state may take by its definition', () => {
  const definition = JSON.stringify({
    StartAt: 'Transmit',
    States: {
      Transmit: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 60, Retry: [{ ErrorEquals: ['CmsUnavailable'], IntervalSeconds: 5, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 300 }], Next: 'Review' },
      Review: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', TimeoutSecondsPath: '$.review.seconds', Next: 'Plain' },
      Plain: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Beat' },
      Beat: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', HeartbeatSeconds: 600, Next: 'Pause' },
      Pause: { Type: 'Wait', Seconds: 3600, Next: 'Until' },
      Until: { Type: 'Wait', TimestampPath: '$.expiresAt', Next: 'Decide' },
      Decide: { Type: 'Choice', Choices: [], Default: 'Done' },
      Done: { Type: 'Succeed' },
    },
  });
  const states = statesOf(definition);

  it('adds every retry attempt and its capped back-off to the timeout', () => {
    expect(retryBackoffSeconds({ IntervalSeconds: 5, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 100 })).toBe(5 + 10 + 20 + 40 + 80 + 100);
    expect(expectedSeconds(states.get('Transmit'), { enteredAt: at(0) })).toBe(60 * 7 + (5 + 10 + 20 + 40 + 80 + 160) + GRACE_SECONDS);
  });

  it('takes a path timeout from the history, else from the state input', () => {
    expect(expectedSeconds(states.get('Review'), { enteredAt: at(0), scheduledTimeoutSeconds: 7200 })).toBe(7200 + GRACE_SECONDS);
    expect(expectedSeconds(states.get('Review'), { enteredAt: at(0), input: { review: { seconds: 100 } } })).toBe(100 + GRACE_SECONDS);
  });

  it('falls back to the heartbeat, then to a default for a plain Task', () => {
    expect(expectedSeconds(states.get('Beat'), { enteredAt: at(0) })).toBe(600 + GRACE_SECONDS);
    expect(expectedSeconds(states.get('Plain'), { enteredAt: at(0) })).toBe(DEFAULT_TASK_SECONDS + GRACE_SECONDS);
  });

  it('gives a Wait its seconds or its timestamp, and instant states only the grace', () => {
    expect(expectedSeconds(states.get('Pause'), { enteredAt: at(0) })).toBe(3600 + GRACE_SECONDS);
    expect(expectedSeconds(states.get('Until'), { enteredAt: at(0), input: { expiresAt: at(86_400).toISOString() } })).toBe(86_400 + GRACE_SECONDS);
    expect(expectedSeconds(states.get('Decide'), { enteredAt: at(0) })).toBe(GRACE_SECONDS);
    expect(expectedSeconds(undefined, { enteredAt: at(0) })).toBeUndefined();
  });

  it('calls an execution stuck only past the expected time', () => {
    expect(isStuck(100, at(0), at(100))).toBe(false);
    expect(isStuck(100, at(0), at(101))).toBe(true);
    expect(isStuck(undefined, at(0), at(1e6))).toBe(false);
  });
});

describe('the timeline from an execution history', () => {
  const failed: HistoryEventLike[] = [
    { id: 1, type: 'ExecutionStarted', timestamp: at(0) },
    { id: 2, type: 'TaskStateEntered', timestamp: at(0), stateEnteredEventDetails: { name: 'Validate', input: '{"packetId":"ap-1","arrestee":{"fullName":"Jordan Q. Public"}}' } },
    { id: 3, type: 'TaskScheduled', timestamp: at(0), taskScheduledEventDetails: { timeoutInSeconds: 30 } },
    { id: 4, type: 'TaskSucceeded', timestamp: at(2) },
    { id: 5, type: 'TaskStateExited', timestamp: at(2), stateExitedEventDetails: { name: 'Validate', output: '{"packetId":"ap-1","status":"VALIDATED"}' } },
    { id: 6, type: 'TaskStateEntered', timestamp: at(2), stateEnteredEventDetails: { name: 'Transmit', input: '{}' } },
    { id: 7, type: 'TaskScheduled', timestamp: at(2), taskScheduledEventDetails: { timeoutInSeconds: 60 } },
    { id: 8, type: 'TaskFailed', timestamp: at(3), taskFailedEventDetails: { error: 'CmsUnavailable', cause: 'CMS answered 503' } } as HistoryEventLike,
    { id: 9, type: 'TaskScheduled', timestamp: at(8), taskScheduledEventDetails: { timeoutInSeconds: 60 } },
    { id: 10, type: 'TaskFailed', timestamp: at(9), taskFailedEventDetails: { error: 'CmsUnavailable', cause: 'CMS answered 503 again' } } as HistoryEventLike,
    { id: 11, type: 'ExecutionFailed', timestamp: at(9), executionFailedEventDetails: { error: 'CmsUnavailable', cause: 'CMS answered 503 again' } } as HistoryEventLike,
  ];

  it('gives each state its entry, duration, retries and the failure that stands', () => {
    const timeline = timelineOf(stepsOf([...failed].reverse()), 'redact');
    expect(timeline.map((s) => [s.state, s.durationMs, s.retries, s.error, s.cause])).toEqual([
      ['Validate', 2000, 0, undefined, undefined],
      ['Transmit', undefined, 1, 'CmsUnavailable', 'CMS answered 503 again'],
    ]);
    expect(JSON.stringify(timeline)).not.toContain('Jordan');
    expect((timeline[0]?.output as { status: string }).status).toBe('VALIDATED');
  });

  it('names the state the execution stopped in and its failure', () => {
    expect(currentStep(stepsOf(failed))?.state).toBe('Transmit');
    expect(executionFailure(failed)).toEqual({ error: 'CmsUnavailable', cause: 'CMS answered 503 again' });
  });

  it('clears a failure that a later attempt got past', () => {
    const recovered = [...failed.slice(0, 10), { id: 11, type: 'TaskScheduled', timestamp: at(20) }, { id: 12, type: 'TaskSucceeded', timestamp: at(21) }, { id: 13, type: 'TaskStateExited', timestamp: at(21), stateExitedEventDetails: { name: 'Transmit', output: '{}' } }];
    const [, transmit] = timelineOf(stepsOf(recovered), 'reveal');
    expect(transmit).toMatchObject({ state: 'Transmit', retries: 2, durationMs: 19_000 });
    expect(transmit?.error).toBeUndefined();
  });
});
