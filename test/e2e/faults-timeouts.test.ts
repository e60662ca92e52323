import { testClock } from '../target';
import { runLoad, targetOf, verifyLoad, type LoadResult, type Target } from '../../drive/load';
import { eventually, givenRuntime, history, packetIdFor, scanAll, stopHarness, type Harness } from './steps';

const ORI = 'CT0000100';
const TAG = 'timeouts';
const TRANSMIT_HANG_MS = 1500;
const DYNAMO_HANG_MS = 1000;
const STEP_HANG_MS = 50;

/**
 * Timeouts that take time (issue 8): one packet's `arrests-transmit` does its work (CMS gets the
 * packet, the docket is recorded) and then hangs until Lambda ends it with `Sandbox.Timedout`,
 * and the DynamoDB write that records the docket hangs once and has its connection dropped. The
 * state machine's Retry and the handlers' idempotency must carry the packet through: AVAILABLE,
 * one execution, one CMS record, each status change audited once. Two access requests (one
 * denied, one through to ACTIVE) run beside them, whose steps that write the trail (the
 * verification task's opening, the training round, the unit's verification call, the password)
 * each run to their end and lose their answer once: every status change is still audited once,
 * and the retried password step's new password is audited as a reissue (issue 19's soak).
 */
describe('workflows survive a Lambda timeout and a hung DynamoDB call', () => {
  let h: Harness;
  let target: Target;
  let result: LoadResult;
  let seconds: number;
  /** The second packet the driver sends (`<tag>-00001`): the one whose CMS step times out. */
  let slowPacket: string;

  beforeAll(async () => {
    // Retry back-offs pass at once on the workflow clock; the hangs themselves take wall-clock time.
    h = await givenRuntime({
      clock: testClock({ autoAdvanceMs: 5 * 60_000 }),
      // Nothing here needs the pending-task monitor, whose schedule the auto-advancing clock would keep firing.
      schedules: false,
    });
    // Packet ids are keyed with the runtime's secret, so the fault is set once the runtime runs.
    slowPacket = packetIdFor(h, ORI, `${TAG}-00001`);
    h.runtime.faults.set({
      functions: {
        'arrests-transmit': { timeout: 1, timeoutAfterMs: TRANSMIT_HANG_MS, timeoutAfterHandler: true, match: slowPacket, times: 1 },
        // The access request's steps that write its trail each run to their end, lose their answer and are retried (issue 19's soak).
        'tasks-notify': { timeout: 1, timeoutAfterMs: STEP_HANG_MS, timeoutAfterHandler: true, match: 'training-verification', times: 1 },
        'access-advance': { timeout: 1, timeoutAfterMs: STEP_HANG_MS, timeoutAfterHandler: true, match: 'training-assigned', times: 1 },
        'access-verify-training': { timeout: 1, timeoutAfterMs: STEP_HANG_MS, timeoutAfterHandler: true, times: 1 },
        'access-issue-password': { timeout: 1, timeoutAfterMs: STEP_HANG_MS, timeoutAfterHandler: true, times: 1 },
      },
      services: { dynamodb: { hang: 1, hangMs: DYNAMO_HANG_MS, operations: ['TransactWriteItems'], match: '"TRANSMITTED"', times: 1 } },
    });
    target = await targetOf(h.runtime);
    // The employee's first login waits until the retried password step has reissued: a login
    // that came first (a loaded machine) would find no password to reissue, and the step then
    // hands on the used one (b6697e2), so there would be no reissue to audit. Held, the login
    // tries the first password, is refused with 401, and the driver logs in with the reissued one.
    const login = h.runtime.faults.hold('access-first-login');
    const reissuedFirst = login.reached
      .then(() => eventually(async () => (await scanAll(h, [target.tables.audit])).find((e) => e['type'] === 'TemporaryPasswordReissued'), 'the retried password step’s reissue in the audit trail', 15_000))
      .finally(() => login.release());
    const started = Date.now();
    [result] = await Promise.all([runLoad(target, { packets: 2, accessRequests: 2, concurrency: 4, tag: TAG, stepTimeoutMs: 15_000 }), reissuedFirst]);
    seconds = (Date.now() - started) / 1000;
  }, 60_000);

  afterAll(() => stopHarness(h));

  it('injected one Lambda timeout and one hung DynamoDB write, each taking its time', () => {
    expect(result.packetIds).toContain(slowPacket);
    expect(h.runtime.faults.counts()).toEqual({
      'lambda:arrests-transmit:timeout': 1,
      'dynamodb:TransactWriteItems:hang': 1,
      'lambda:tasks-notify:timeout': 1,
      'lambda:access-advance:timeout': 1,
      'lambda:access-verify-training:timeout': 1,
      'lambda:access-issue-password:timeout': 1,
      'lambda:access-first-login:hold': 1,
    });
    expect(seconds).toBeGreaterThanOrEqual(TRANSMIT_HANG_MS / 1000);
  });

  it('retried the timed-out step: TransmitToCms failed once with Sandbox.Timedout and then succeeded', async () => {
    const events = await history(h.sfn, `${h.runtime.names.machines['arrest-packet'].replace(':stateMachine:', ':execution:')}:${slowPacket}-v1`);
    const failures = events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails);
    const entered = events.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name);

    expect(failures).toEqual([expect.objectContaining({ error: 'Sandbox.Timedout', cause: expect.stringContaining(`Task timed out after ${(TRANSMIT_HANG_MS / 1000).toFixed(2)} seconds`) })]);
    expect(entered.filter((name) => name === 'TransmitToCms')).toHaveLength(1);
    expect(entered).toContain('AwaitAdjudication');
  });

  it('audits a password step retried after it issued as a reissue, never as a second status change', async () => {
    const active = result.requests.find((r) => r.path === 'active')?.requestId ?? '';
    const trail = (await scanAll(h, [target.tables.audit])).filter((e) => (e['subject'] as { id?: string }).id === active);
    const types = trail.map((e) => String(e['type']));

    expect(types.filter((t) => t === 'TemporaryPasswordReissued')).toHaveLength(1);
    expect(trail.find((e) => e['type'] === 'TemporaryPasswordReissued')).toMatchObject({ actor: 'workflow', details: { issue: 1 } });
    expect(trail.filter((e) => e['type'] === 'AccessRequestStatusChanged' && (e['details'] as { to?: string }).to === 'TEMPORARY_PASSWORD_ISSUED')).toHaveLength(1);
  });

  it('still delivers every packet exactly once: AVAILABLE, one execution, one CMS record, each status change audited once', async () => {
    const verification = await verifyLoad(target, result);

    expect(verification.problems).toEqual([]);
    expect(h.runtime.cms.records.filter((r) => (r.body as { packetId?: string }).packetId === slowPacket)).toHaveLength(1);
    expect(h.runtime.cms.records).toHaveLength(2);
  });
});
