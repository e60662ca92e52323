import { hash, randomBytes } from 'node:crypto';
import { firstMatch, maxAttempts, retryDelaySeconds, StatesRuntimeError, timingSeconds, waitDeadline, type Retrier } from '../../../functions/shared/asl';
import type { Clock } from '../clock';
import { LOCAL_REGION } from '../lambda';
import type { Json, StateDef } from './definition';
import { SfnError, splitExecutionArn } from './errors';
import type { Running } from './running';
import { describeResource, invokeResource, TaskError, type IntegrationDeps } from './integrations';
import type { Parked, SfnStore } from './store';

/** What stored history shows in place of a task token. */
export const REDACTED_TOKEN = '[task token]';

/** Step Functions has no task timeout unless the state sets one. */
const AWS_DEFAULT_TASK_TIMEOUT_S = 99_999_999;
/** setTimeout's limit; a compute step longer than ~24 days is not one this runtime will see. */
const MAX_REAL_TIMEOUT_MS = 2_147_483_647;

export function hashToken(token: string): string {
  return hash('sha256', token);
}

/**
 * The reason this module's own controllers are aborted with: a wait or a timeout no longer
 * wanted. Nothing reads it; given, `abort` makes no DOMException (and no stack trace) per task.
 */
export const NO_LONGER_WANTED: Error = new Error('no longer wanted');

type Outcome = { output: unknown } | { error: string; cause: string };

interface Waiter {
  readonly tokenHash: string;
  readonly executionArn: string;
  settle(outcome: Outcome): void;
  heartbeat(): void;
}

export interface TaskDeps extends IntegrationDeps {
  readonly store: SfnStore;
  readonly clock: Clock;
}

function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** A rule of the States Language broken at run time: the state fails with States.Runtime. */
function runtimeRule<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof StatesRuntimeError) throw new TaskError('States.Runtime', error.message);
    throw error;
  }
}

/**
 * Task and Wait states, as the engine hands them over: Retry with back-off on the runtime's
 * clock, task timeouts (wall clock for compute, runtime clock for callbacks), heartbeats, task
 * tokens and the callbacks that complete them (SendTaskSuccess, SendTaskFailure,
 * SendTaskHeartbeat), and the task events of the history.
 */
export class Tasks {
  /** Callback tasks parked now, by token hash. */
  private readonly waiters = new Map<string, Waiter>();

  constructor(private readonly deps: TaskDeps) {}

  /** A new task token, remembered as the run's latest (the Task whose Parameters carry it is the one it belongs to). */
  mintToken(run: Running): string {
    const token = `${randomBytes(8).toString('hex')}.${randomBytes(48).toString('base64url')}`;
    run.lastMintedToken = token;
    return token;
  }

  /** A Task (or a Wait, which the engine sees as a Task): Retry, timeouts and the resource. */
  async run(run: Running, stateName: string, state: StateDef, effective: Json, raw: Json): Promise<Json> {
    if (state.Type === 'Wait') return this.wait(run, stateName, state, raw);
    // The resource's effects happen only once this state's entry is stored: `attempt` stores it
    // with the task's first events, in one write, before it calls the resource.
    await run.history.entry(stateName);
    const retriers = (state['Retry'] as Retrier[] | undefined) ?? [];
    const attempts = retriers.map(() => 0);
    let input = effective;
    // On a resume the engine evaluated Parameters again: the input carries a token minted now.
    let token = run.lastMintedToken && JSON.stringify(input).includes(run.lastMintedToken) ? run.lastMintedToken : undefined;
    const taken = takeResume(run, stateName);
    let resumed = taken?.parked ? { parked: taken.parked, submitted: taken.submitted ?? false } : undefined;
    for (;;) {
      try {
        return await this.attempt(run, stateName, state, input, raw, token, resumed);
      } catch (error) {
        if (run.abort.signal.aborted) throw error;
        const index = firstMatch(retriers, (error as Error).name);
        const retrier = retriers[index];
        const retries = attempts[index] ?? 0;
        if (!retrier || retries >= maxAttempts(retrier)) throw error;
        const delaySeconds = retryDelaySeconds(retrier, retries);
        attempts[index] = retries + 1;
        resumed = undefined;
        await this.deps.clock.sleep((retrier.JitterStrategy === 'FULL' ? Math.random() * delaySeconds : delaySeconds) * 1000, run.abort.signal);
        if (run.abort.signal.aborted) throw error;
        if (token) {
          // A retried callback task gets a new token, as in AWS; the old one is dead.
          const fresh = this.mintToken(run);
          input = JSON.parse(JSON.stringify(input).split(token).join(fresh)) as Json;
          token = fresh;
        }
      }
    }
  }

  /**
   * One attempt of a Task. `resumed`: the callback task a restart (or a re-arm) found parked, and
   * whether its resource was known to have finished (TaskSubmitted stored after its TaskScheduled).
   */
  private async attempt(run: Running, stateName: string, state: StateDef, input: Json, raw: Json, token: string | undefined, resumed: Resumed | undefined): Promise<Json> {
    const resource = String(state['Resource']);
    const kind = describeResource(resource);
    const resourceType = kind.kind === 'lambda' ? 'lambda' : kind.service;
    const resourceName = kind.kind === 'lambda' ? (kind.style === 'arn' ? resource : 'invoke') : kind.action;
    const short = `${resourceName}${kind.waitForTaskToken ? '.waitForTaskToken' : ''}`;
    const timeoutS = runtimeRule(() => timingSeconds(state, 'TimeoutSeconds', raw)) ?? AWS_DEFAULT_TASK_TIMEOUT_S;
    const heartbeatS = runtimeRule(() => timingSeconds(state, 'HeartbeatSeconds', raw));
    const h = run.history;

    if (kind.waitForTaskToken) {
      if (!token) throw new TaskError('States.Runtime', `${stateName} waits for a task token but does not pass $$.Task.Token`);
      let outcome = resumed ? await this.carryOnParked(run, resumed) : undefined;
      if (!outcome) {
        // A run that ended meanwhile (a shutdown while a restart looked at its parked task) stores nothing more.
        if (run.abort.signal.aborted) throw new TaskError('States.Runtime', 'Execution ended');
        // The token is valid from the moment the task is scheduled, as in AWS: it is registered
        // (and waited for) before the Lambda runs, so a decision that arrives while the Lambda
        // is still returning is not lost.
        const now = this.deps.clock.now();
        const parked: Parked = { stateName, tokenHash: hashToken(token), deadline: now + timeoutS * 1000, heartbeatSeconds: heartbeatS, heartbeatDeadline: heartbeatS === undefined ? undefined : now + heartbeatS * 1000 };
        h.token(parked.tokenHash, stateName);
        const cancel = new AbortController();
        const waiting = this.park(run, parked, cancel.signal);
        waiting.catch(() => undefined);
        // AWS shows the token in this event; here it is kept out of stored history (DESIGN 2.2:
        // no task token stored in clear). Whoever needs it gets it as the Lambda does.
        const parameters = JSON.stringify(input).split(token).join(REDACTED_TOKEN);
        h.task(stateName, 'TaskScheduled', { taskScheduledEventDetails: { resourceType, resource: short, region: LOCAL_REGION, parameters, timeoutInSeconds: timeoutS, heartbeatInSeconds: heartbeatS } });
        h.task(stateName, 'TaskStarted', { taskStartedEventDetails: { resourceType, resource: short } });
        // The state's entry, the token, these events and the record's `parked`: one write, stored
        // before the resource runs. A stored PARKED token is then always the one `parked` names,
        // and a restart that finds `parked` without a TaskSubmitted after this TaskScheduled knows
        // the resource may have been cut off (`carryOnParked`).
        h.record({ parked });
        await h.flush();
        if (run.abort.signal.aborted) {
          // Ended (stopped, shut down, re-armed) while this was being stored: the resource is not
          // called; a run carried on calls it with a token of its own.
          cancel.abort(NO_LONGER_WANTED);
          throw new TaskError('States.Runtime', 'Execution ended');
        }
        let submitted: unknown;
        run.calling++;
        try {
          submitted = await invokeResource(resource, input, this.deps);
        } catch (error) {
          // A decision taken on the token while the resource still ran (it had handed the token
          // out, then failed: a Lambda that ran out of time sending its e-mail) closed the task
          // first, as in AWS: the task is decided, not failed and retried behind the decider's back.
          const decided = await this.closeUnlessDecided(parked.tokenHash);
          if (!decided) {
            cancel.abort(NO_LONGER_WANTED);
            h.record({ parked: undefined });
            const err = error as Error;
            h.task(stateName, 'TaskFailed', { taskFailedEventDetails: { resourceType, resource: short, error: err.name, cause: err.message } });
            throw error;
          }
          outcome = decided;
        } finally {
          run.calling--;
        }
        if (!outcome) {
          h.task(stateName, 'TaskSubmitted', { taskSubmittedEventDetails: { resourceType, resource: short, output: JSON.stringify(submitted ?? null) } });
          outcome = await waiting;
        }
      }
      h.record({ parked: undefined });
      if ('output' in outcome) {
        h.task(stateName, 'TaskSucceeded', { taskSucceededEventDetails: { resourceType, resource: short, output: JSON.stringify(outcome.output) } });
        return outcome.output as Json;
      }
      if ('timedOut' in outcome) {
        h.task(stateName, 'TaskTimedOut', { taskTimedOutEventDetails: { resourceType, resource: short, error: outcome.timedOut, cause: '' } });
        throw new TaskError(outcome.timedOut, `${stateName} timed out`);
      }
      h.task(stateName, 'TaskFailed', { taskFailedEventDetails: { resourceType, resource: short, error: outcome.error, cause: outcome.cause } });
      throw new TaskError(outcome.error, outcome.cause);
    }

    h.task(stateName, 'TaskScheduled', { taskScheduledEventDetails: { resourceType, resource: short, region: LOCAL_REGION, parameters: JSON.stringify(input), timeoutInSeconds: timeoutS } });
    h.task(stateName, 'TaskStarted', { taskStartedEventDetails: { resourceType, resource: short } });
    await h.flush();
    const timeout = new AbortController();
    const abortTimeout = (): void => timeout.abort(NO_LONGER_WANTED);
    run.abort.signal.addEventListener('abort', abortTimeout, { once: true });
    try {
      // A compute step's timeout bounds work, not workflow time: it runs on the wall clock, so a
      // test that moves the workflow clock by a year does not time out a Lambda mid-call.
      const result = await Promise.race([
        invokeResource(resource, input, this.deps),
        realSleep(Math.min(timeoutS * 1000, MAX_REAL_TIMEOUT_MS), timeout.signal).then(() => {
          if (timeout.signal.aborted) return new Promise<never>(() => undefined);
          throw new TaskError('States.Timeout', `${stateName} did not finish within ${timeoutS} seconds`);
        }),
      ]);
      h.task(stateName, 'TaskSucceeded', { taskSucceededEventDetails: { resourceType, resource: short, output: JSON.stringify(result ?? null) } });
      return result as Json;
    } catch (error) {
      const err = error as Error;
      const type = err.name === 'States.Timeout' ? 'TaskTimedOut' : 'TaskFailed';
      h.task(stateName, type, { [type === 'TaskTimedOut' ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails']: { resourceType, resource: short, error: err.name, cause: err.message } });
      throw error;
    } finally {
      timeout.abort(NO_LONGER_WANTED);
      run.abort.signal.removeEventListener('abort', abortTimeout);
    }
  }

  /**
   * A callback task a restart (or a re-arm) found parked: the decision already accepted (token
   * DONE), else the wait carried on when its resource had finished (TaskSubmitted stored), else
   * undefined: the resource was cut off before it finished handing the token out (the runtime was
   * killed while it ran), so nobody may hold that token. It is closed, as after a Retry (a late
   * SendTaskSuccess on it is refused TaskTimedOut), and the attempt runs afresh: the resource is
   * called again with the token the state's Parameters were given now.
   */
  private async carryOnParked(run: Running, { parked, submitted }: Resumed): Promise<Outcome | { timedOut: string } | undefined> {
    const outcome = await this.storedOutcome(parked.tokenHash);
    if (outcome) return outcome;
    if (submitted) return this.park(run, parked);
    // A decision that came in first (the resource had handed the token out before it was cut off)
    // is taken; a token closed now, or before (a failed call), leaves the re-run.
    return this.closeUnlessDecided(parked.tokenHash);
  }

  /**
   * Closes a parked token whose wait or resource is over. Undefined when it was closed now or
   * before; the decision stored with it when one came in first (SendTaskSuccess/Failure).
   */
  private async closeUnlessDecided(tokenHash: string): Promise<Outcome | undefined> {
    if (await this.deps.store.closeToken(tokenHash, 'CLOSED')) return undefined;
    return this.storedOutcome(tokenHash);
  }

  /** The decision accepted on a token and stored with it (SendTaskSuccess/Failure), if any. */
  private async storedOutcome(tokenHash: string): Promise<Outcome | undefined> {
    const stored = await this.deps.store.getToken(tokenHash);
    return stored?.status === 'DONE' && stored.outcome ? (JSON.parse(stored.outcome) as Outcome) : undefined;
  }

  /** Waits for SendTask*, a heartbeat timeout, the task timeout or the end of the execution. */
  private park(run: Running, parked: Parked, cancel?: AbortSignal): Promise<Outcome | { timedOut: string }> {
    return new Promise((resolve, reject) => {
      let heartbeatDeadline = parked.heartbeatDeadline;
      let tick = new AbortController();
      let settled = false;
      const done = (value: Parameters<typeof resolve>[0] | Error): void => {
        if (settled) return;
        settled = true;
        tick.abort(NO_LONGER_WANTED);
        this.waiters.delete(parked.tokenHash);
        run.abort.signal.removeEventListener('abort', onAbort);
        if (value instanceof Error) reject(value);
        else resolve(value);
      };
      const onAbort = (): void => done(new TaskError('States.Runtime', 'Execution ended'));
      run.abort.signal.addEventListener('abort', onAbort, { once: true });
      cancel?.addEventListener('abort', () => done(new TaskError('States.Runtime', 'Task not submitted')), { once: true });
      const schedule = (): void => {
        // This sleep's own controller: a heartbeat aborts it and schedules the next, whose
        // controller the shared `tick` then holds.
        const mine = new AbortController();
        tick = mine;
        const deadline = Math.min(parked.deadline, heartbeatDeadline ?? Number.POSITIVE_INFINITY);
        void this.deps.clock
          .sleepUntil(deadline, mine.signal)
          .then(async () => {
            if (settled || mine.signal.aborted) return;
            const which = heartbeatDeadline !== undefined && heartbeatDeadline < parked.deadline ? 'States.HeartbeatTimeout' : 'States.Timeout';
            // Closed already by a decision no waiter was here to take, that decision; else (closed
            // now, or by a timeout before a restart) timed out. Either way the wait is over.
            done((await this.closeUnlessDecided(parked.tokenHash)) ?? { timedOut: which });
          })
          // A store that fails here fails the task (its Retry and Catch apply), never the process.
          .catch((error: unknown) => done(error instanceof Error ? error : new TaskError('States.Runtime', String(error))));
      };
      this.waiters.set(parked.tokenHash, {
        tokenHash: parked.tokenHash,
        executionArn: run.record.executionArn,
        settle: (outcome) => done(outcome),
        heartbeat: () => {
          if (parked.heartbeatSeconds === undefined) return;
          heartbeatDeadline = this.deps.clock.now() + parked.heartbeatSeconds * 1000;
          tick.abort(NO_LONGER_WANTED);
          schedule();
        },
      });
      schedule();
      // A decision accepted before this waiter was registered is taken at once. A task parking
      // for the first time (`cancel` given) has no decision to look for: nobody has its token yet.
      if (!cancel) void this.storedOutcome(parked.tokenHash).then((outcome) => outcome && done(outcome), () => undefined);
    });
  }

  private async wait(run: Running, stateName: string, state: StateDef, input: Json): Promise<Json> {
    const resumed = takeResume(run, stateName)?.waitUntil;
    const until = resumed ?? runtimeRule(() => waitDeadline(state, input, this.deps.clock.now()));
    run.history.record({ waitUntil: until });
    await this.deps.clock.sleepUntil(until, run.abort.signal);
    if (run.abort.signal.aborted) throw new TaskError('States.Runtime', 'Execution ended');
    run.history.record({ waitUntil: undefined });
    return input;
  }

  // ---- callbacks ------------------------------------------------------------------------

  /** SendTaskSuccess / SendTaskFailure: completes the task the token belongs to. */
  async complete(token: string, outcome: Outcome): Promise<void> {
    const tokenHash = hashToken(token);
    const closed = (): SfnError => new SfnError('TaskTimedOut', 'Task Timed Out: the task token has expired or the task has already been closed');
    if (!this.waiters.has(tokenHash)) {
      // A task parked here has a stored PARKED token (stored before its resource ran); any other
      // token is read first.
      const stored = await this.deps.store.getToken(tokenHash);
      if (!stored) throw new SfnError('InvalidToken', 'Invalid Token');
      if (stored.status !== 'PARKED') throw closed();
      // Nobody waits here: the execution ended (its token is then closed for good), or it is
      // being carried on after a restart and will take the stored outcome when it parks.
      const { machineArn, name } = splitExecutionArn(stored.executionArn);
      if ((await this.deps.store.getExecution(machineArn, name))?.status !== 'RUNNING') {
        await this.deps.store.closeToken(tokenHash, 'CLOSED');
        throw closed();
      }
    }
    if (!(await this.deps.store.closeToken(tokenHash, 'DONE', JSON.stringify(outcome)))) throw closed();
    // Accepted and stored with the token, as in AWS: a waiting run takes it now, another when it parks.
    this.waiters.get(tokenHash)?.settle(outcome);
  }

  /** SendTaskHeartbeat: the task's heartbeat deadline starts again. */
  async heartbeat(token: string): Promise<void> {
    const tokenHash = hashToken(token);
    const waiter = this.waiters.get(tokenHash);
    if (!waiter) {
      const stored = await this.deps.store.getToken(tokenHash);
      if (!stored) throw new SfnError('InvalidToken', 'Invalid Token');
      throw new SfnError('TaskTimedOut', 'Task Timed Out');
    }
    waiter.heartbeat();
  }

  /** An ended execution's parked tasks belong to nobody now: their tokens must not complete anything. */
  async closeTokensOf(executionArn: string): Promise<void> {
    for (const waiter of [...this.waiters.values()]) {
      if (waiter.executionArn !== executionArn) continue;
      this.waiters.delete(waiter.tokenHash);
      await this.deps.store.closeToken(waiter.tokenHash, 'CLOSED');
    }
  }
}

/**
 * What a restart left for the state being entered now: given once, to the first attempt of the
 * state the execution was carried on at. Any later entry (a Retry, a Catch looping back, a Wait
 * entered again) starts afresh.
 */
function takeResume(run: Running, stateName: string): Pick<NonNullable<Running['resume']>, 'parked' | 'submitted' | 'waitUntil'> | undefined {
  const resume = run.resume;
  if (!resume || resume.taken || resume.stateName !== stateName) return undefined;
  resume.taken = true;
  return { parked: resume.parked, submitted: resume.submitted, waitUntil: resume.waitUntil };
}

/** A parked callback task as a restart found it: see `Running['resume']`. */
interface Resumed {
  readonly parked: Parked;
  readonly submitted: boolean;
}
