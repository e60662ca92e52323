/**
 * The load and soak check's reading of one access request's audit trail (drive/load.ts): each
 * status change of its path once, in order; a retried password step's reissue accepted only
 * while the request was TEMPORARY_PASSWORD_ISSUED (issue 19's soak).
 */
import { accessTrailProblems, type AccessAuditRecord } from '../../drive/load';

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
