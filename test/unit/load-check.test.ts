/**
 * The load and soak check's reading of one access request's audit trail (drive/load.ts): each
 * status change of its path once, in order; a retried password step's reissue accepted only
 * while the request was TEMPORARY_PASSWORD_ISSUED (issue 19's soak). And when the load driver
 * takes a packet to be AVAILABLE: its execution parked in AwaitAdjudication, not just entered.
 */
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import { accessTrailProblems, hasParked, parkedIn, type AccessAuditRecord } from '../../drive/load';

const ID = 'AR-20261130-00000000AA';
const ACTIVE = ['RECEIVED', 'UNDER_REVIEW', 'TRAINING_ASSIGNED', 'TRAINING_VERIFICATION', 'TRAINING_VERIFICATION', 'TEMPORARY_PASSWORD_ISSUED', 'ACTIVE'];

/** Status changes to each of `statuses`, one second apart, with sort keys as the audit trail writes them. */
const changes = (statuses: readonly string[]): AccessAuditRecord[] => statuses.map((to, i) => ({ type: 'AccessRequestStatusChanged', sk: `2026-11-30T12:00:${String(i * 2).padStart(2, '0')}.000Z#1`, to }));
/** A reissue between the status change at index `after` and the next one. */
const reissueAfter = (after: number): AccessAuditRecord => ({ type: 'TemporaryPasswordReissued', sk: `2026-11-30T12:00:${String(after * 2 + 1).padStart(2, '0')}.000Z#1` });

describe('the load check of an access request’s audit trail', () => {
  it('accepts the path’s status changes, in time order whatever order they were read in', () => {
    expect(accessTrailProblems(ID, 'active', changes(ACTIVE).reverse())).toEqual([]);
    expect(accessTrailProblems(ID, 'denied', changes(['RECEIVED', 'UNDER_REVIEW', 'DENIED']))).toEqual([]);
  });

  it('accepts a retried password step’s reissues while the request was TEMPORARY_PASSWORD_ISSUED', () => {
    expect(accessTrailProblems(ID, 'active', [...changes(ACTIVE), reissueAfter(5), { ...reissueAfter(5), sk: `${reissueAfter(5).sk}2` }])).toEqual([]);
  });

  it('fails a status change audited twice: the soak’s duplicate, and a password issue audited as a second change', () => {
    const soak = ['UNDER_REVIEW', 'TRAINING_ASSIGNED', 'TRAINING_VERIFICATION', 'TRAINING_VERIFICATION', 'TRAINING_VERIFICATION', 'TEMPORARY_PASSWORD_ISSUED', 'PASSWORD_EXPIRED'];
    expect(accessTrailProblems(ID, 'expired', changes(soak))).toEqual([`request ${ID} (expired) audited ${soak.join(' → ')}`]);
    const twice = [...ACTIVE.slice(0, 6), 'TEMPORARY_PASSWORD_ISSUED', 'ACTIVE'];
    expect(accessTrailProblems(ID, 'active', changes(twice))).toEqual([`request ${ID} (active) audited ${twice.join(' → ')}`]);
  });

  it('fails a reissue anywhere but after the password was issued, or on a path without one', () => {
    expect(accessTrailProblems(ID, 'active', [...changes(ACTIVE), reissueAfter(6)])).toEqual([`request ${ID} (active) audited a password reissue after ACTIVE, not while TEMPORARY_PASSWORD_ISSUED`]);
    expect(accessTrailProblems(ID, 'active', [...changes(ACTIVE), reissueAfter(4)])).toEqual([`request ${ID} (active) audited a password reissue after TRAINING_VERIFICATION, not while TEMPORARY_PASSWORD_ISSUED`]);
    expect(accessTrailProblems(ID, 'denied', [...changes(['RECEIVED', 'UNDER_REVIEW', 'DENIED']), reissueAfter(2)])).toHaveLength(1);
    expect(accessTrailProblems(ID, 'denied', [{ ...reissueAfter(0), sk: '2026-11-30T11:00:00.000Z#1' }, ...changes(['RECEIVED', 'UNDER_REVIEW', 'DENIED'])])).toEqual([`request ${ID} (denied) audited a password reissue after nothing, not while TEMPORARY_PASSWORD_ISSUED`]);
  });
});

describe('the load driver’s wait for a packet to be AVAILABLE', () => {
  let id = 0;
  const event = (type: HistoryEventType, state?: string): HistoryEvent => ({ id: ++id, type, timestamp: new Date(0), ...(state ? { stateEnteredEventDetails: { name: state } } : {}) });
  /** A history up to AwaitAdjudication's entry, newest first as the driver reads it. */
  const toEntry = (): HistoryEvent[] => [event('TaskStateEntered', 'AwaitAdjudication'), event('TaskStateExited'), event('TaskSucceeded'), event('TaskStateEntered', 'NotifyAgency')];
  const attempt = (ending: HistoryEventType): HistoryEvent[] => [event(ending), event('TaskStarted'), event('TaskScheduled')];

  it('waits while the state’s Lambda, which makes the packet AVAILABLE, has not returned', () => {
    // The CI failure this fixes: entered, and read before the write; the packet was still TRANSMITTED.
    expect(parkedIn(toEntry(), 'AwaitAdjudication')).toBe(false);
    expect(parkedIn([event('TaskStarted'), event('TaskScheduled'), ...toEntry()], 'AwaitAdjudication')).toBe(false);
    // A throttled write failed the attempt; the retry has not run yet.
    expect(parkedIn([...attempt('TaskFailed'), ...toEntry()], 'AwaitAdjudication')).toBe(false);
  });

  it('takes it as parked once the Lambda returned, on the first attempt or a retried one', () => {
    expect(parkedIn([...attempt('TaskSubmitted'), ...toEntry()], 'AwaitAdjudication')).toBe(true);
    const retried = [...attempt('TaskSubmitted'), ...Array.from({ length: 8 }, () => attempt('TaskFailed')).flat(), ...toEntry()];
    expect(parkedIn(retried, 'AwaitAdjudication')).toBe(true);
  });

  it('reads four events when the task ran once, and a page back only when retries hide its entry', async () => {
    const reads: number[] = [];
    const reader = (history: HistoryEvent[]) => async (n: number) => {
      reads.push(n);
      return history.slice(0, n);
    };
    expect(await hasParked(reader([...attempt('TaskSubmitted'), ...toEntry()]), 'AwaitAdjudication')).toBe(true);
    expect(await hasParked(reader([event('TaskStarted'), event('TaskScheduled'), ...toEntry()]), 'AwaitAdjudication')).toBe(false);
    expect(reads).toEqual([4, 4]);
    reads.length = 0;
    const retried = [...attempt('TaskSubmitted'), ...attempt('TaskFailed'), ...attempt('TaskFailed'), ...toEntry()];
    expect(await hasParked(reader(retried), 'AwaitAdjudication')).toBe(true);
    expect(reads).toEqual([4, 100]);
  });

  it('does not take an earlier state’s token hand-off for this one', () => {
    const clerkReview = [...attempt('TaskSubmitted'), event('TaskStateEntered', 'ClerkReview')];
    expect(parkedIn(clerkReview, 'AwaitAdjudication')).toBe(false);
  });
});
