import type { Clock } from '../clock';
import type { ExecutionRecord, HistoryEvent, SfnStore, StoredToken } from './store';

/** How long an execution's history writes are gathered before they go out together. */
const HISTORY_COALESCE_MS = 5;
const WRITE_RETRY_PAUSE_MS = 1000;
/** How many turns of the event loop a Task waits for the engine to report its state's entry. */
const ENTRY_TICKS = 50;

/**
 * History events appended in this process, by state machine and event type: what a run's
 * histories would show (e.g. task attempts that failed), without reading them back (the
 * soak's closing check asks it for 12,500 executions at once).
 */
export class EventTally {
  private readonly counts = new Map<string, Map<string, number>>();

  add(machineArn: string, type: string): void {
    let byType = this.counts.get(machineArn);
    if (!byType) this.counts.set(machineArn, (byType = new Map()));
    byType.set(type, (byType.get(type) ?? 0) + 1);
  }

  /** Events of `machineArn`'s executions appended since this process started, by type. */
  of(machineArn: string): Record<string, number> {
    return Object.fromEntries(this.counts.get(machineArn) ?? []);
  }
}

/**
 * Writes an execution's history in AWS event shapes, in order. The engine reports state
 * entries a moment after they happen, so task events that arrive before their state's entry
 * is written wait for it.
 */
export class History {
  private nextId: number;
  /** Events not yet stored, in order. */
  private pendingEvents: HistoryEvent[] = [];
  /** Task tokens registered and not yet stored. */
  private pendingTokens: StoredToken[] = [];
  /** The execution record as it stands: every `record()` applied (undefined removes a field). */
  private state: ExecutionRecord;
  /** Whether `state` changed since it was last stored. */
  private dirty = false;
  private writing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private current?: string;
  private readonly early = new Map<string, [string, Record<string, unknown>][]>();

  constructor(
    private readonly store: SfnStore,
    private readonly clock: Clock,
    private readonly execution: ExecutionRecord,
    firstId: number,
    private readonly tally?: EventTally,
  ) {
    this.nextId = firstId;
    this.state = { ...execution };
  }

  /** The execution record as this history has it (stored, or about to be). */
  snapshot(): ExecutionRecord {
    return this.state;
  }

  /** The id the next event will take. */
  get nextEventId(): number {
    return this.nextId;
  }

  /** Adds an event, stamped now or at `at` (epoch ms: an execution's end shares its stopDate). */
  append(type: string, details: Record<string, unknown>, at = this.clock.now()): void {
    const event: HistoryEvent = { id: this.nextId, previousEventId: this.nextId - 1, timestamp: at, type, ...details };
    this.nextId++;
    this.pendingEvents.push(event);
    this.tally?.add(this.execution.stateMachineArn, type);
    this.kick();
  }

  /** Updates the execution record, in order with the history (undefined removes a field). */
  record(fields: Partial<ExecutionRecord>): void {
    const next: Record<string, unknown> = { ...this.state };
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) delete next[key];
      else next[key] = value;
    }
    this.state = next as unknown as ExecutionRecord;
    this.dirty = true;
    this.kick();
  }

  /** Registers a task token (PARKED), stored with the step's other writes. */
  token(tokenHash: string, stateName: string): void {
    this.pendingTokens.push({ tokenHash, executionArn: this.execution.executionArn, stateName });
    this.kick();
  }

  entered(stateName: string, type: string, input: unknown, resumed: boolean): void {
    const inputJson = JSON.stringify(input ?? null);
    if (!resumed) this.append(`${type}StateEntered`, { stateEnteredEventDetails: { name: stateName, input: inputJson, inputDetails: { truncated: false } } });
    this.record({ cursor: { stateName, input: inputJson } });
    this.current = stateName;
    for (const [t, d] of this.early.get(stateName) ?? []) this.append(t, d);
    this.early.delete(stateName);
  }

  task(stateName: string, type: string, details: Record<string, unknown>): void {
    if (this.current === stateName) this.append(type, details);
    else this.early.set(stateName, [...(this.early.get(stateName) ?? []), [type, details]]);
  }

  exited(stateName: string, type: string, output: unknown): void {
    for (const [t, d] of this.early.get(stateName) ?? []) this.append(t, d);
    this.early.delete(stateName);
    this.append(`${type}StateExited`, { stateExitedEventDetails: { name: stateName, output: JSON.stringify(output ?? null), outputDetails: { truncated: false } } });
    this.current = undefined;
  }

  /** Resolves once the engine has reported the entry of `stateName` (it does so a moment after it happens). */
  async entry(stateName: string): Promise<void> {
    for (let tick = 0; this.current !== stateName && tick < ENTRY_TICKS; tick++) await new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * Resolves once the entry of `stateName` and everything before it is stored. A Task calls
   * it (through `entry` and `flush`, with its own Scheduled and Started events in the same
   * write) before its resource: a runtime killed then resumes at that Task, never at an earlier
   * state whose effects already happened.
   */
  async entryStored(stateName: string): Promise<void> {
    await this.entry(stateName);
    await this.flush();
  }

  /** Resolves once everything appended or recorded so far is stored. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.write();
    }
    while (this.writing) await this.writing;
    if (this.hasPending()) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.write();
      while (this.writing) await this.writing;
    }
  }

  private hasPending(): boolean {
    return this.pendingEvents.length > 0 || this.pendingTokens.length > 0 || this.dirty;
  }

  /**
   * Writes are gathered for a few milliseconds and then go out together, in one request: the
   * events gathered, the tokens registered, and the record as it stands. The runtime is
   * storage-bound (DynamoDB Local spends milliseconds of CPU per request), and an execution's
   * events come in bursts (a state's exit, the next one's entry and its task). The record goes
   * with (after) the events it came with, so a stored cursor never runs ahead of the stored
   * history.
   */
  private kick(): void {
    if (this.writing || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, HISTORY_COALESCE_MS);
  }

  private write(): void {
    if (this.writing) return;
    this.writing = (async () => {
      while (this.hasPending()) {
        const events = this.pendingEvents;
        const tokens = this.pendingTokens;
        const record = this.dirty ? this.state : undefined;
        this.pendingEvents = [];
        this.pendingTokens = [];
        this.dirty = false;
        try {
          await withRetries(() => this.store.writeStep(this.execution.executionArn, events, record, tokens));
        } catch (error) {
          // Still failing after the retries: keep the writes (never drop history) and try again later.
          console.error(`[stepfunctions] could not write history of ${this.execution.name}, will retry: ${(error as Error).message}`);
          this.pendingEvents = [...events, ...this.pendingEvents];
          this.pendingTokens = [...tokens, ...this.pendingTokens];
          if (record) this.dirty = true;
          await new Promise((resolve) => setTimeout(resolve, WRITE_RETRY_PAUSE_MS));
        }
      }
    })().finally(() => {
      this.writing = undefined;
      // Appended between the loop's last look and now: write it too.
      if (this.hasPending()) this.kick();
    });
  }
}

/** A storage call, tried again with a short back-off while it fails (DynamoDB Local under load). */
async function withRetries<T>(call: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  }
}
