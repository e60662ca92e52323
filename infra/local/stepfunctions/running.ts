import type { Machine } from './definition';
import type { History } from './history';
import type { ExecutionRecord, Parked } from './store';

/** An execution being driven now. */
export interface Running {
  readonly record: ExecutionRecord;
  readonly machine: Machine;
  readonly abort: AbortController;
  readonly history: History;
  /**
   * Set at a restart: the parked task or Wait to pick up again without redoing it. It applies to
   * the first attempt of the state it was taken at, and only once (`taken`): a Retry, or a Catch
   * that loops back into the same state (a reminder), is a new attempt with its own deadline and
   * token. `submitted`: whether the parked task's resource was known to have finished (a
   * TaskSubmitted stored after its last TaskScheduled); a parked task whose resource was not is
   * run again (see `Tasks`).
   */
  resume?: { stateName: string; parked?: Parked; submitted?: boolean; waitUntil?: number; skipEntered: boolean; taken?: boolean };
  lastMintedToken?: string;
  /**
   * Why the engine's run was ended early: stopped, the runtime shutting down, the execution's
   * timeout, or `rearm` (a Wait or parked task held past the engine's own real-time limit: the
   * run is carried on afresh at the same state, as after a restart).
   */
  ending?: 'stop' | 'shutdown' | 'timeout' | 'rearm';
  /** Resources being called now (a Lambda, an SDK call): a re-arm waits for them. */
  calling: number;
  done: Promise<void>;
}
