import type { Clock } from '../clock';
import type { ExecutionRecord, HistoryEvent, SfnStore } from './store';

/** How long an execution's history writes are gathered before they go out together. */
const HISTORY_COALESCE_MS = 5;
const WRITE_RETRY_PAUSE_MS = 1000;
/** How many turns of the event loop a Task waits for the engine to report its state's entry. */
const ENTRY_TICKS = 50;

/**
 * Writes an execution's history in AWS event shapes, in order. The engine reports state
 * entries a moment after they happen, so task events that arrive before their state's entry
 * is written wait for it.
 */
export class History {
  private nextId: number;
  /** Writes not yet stored, in order: runs of events go in one batch, runs of record updates in one update. */
  private readonly pending: ({ kind: 'event'; event: HistoryEvent } | { kind: 'record'; fields: Partial<ExecutionRecord> })[] = [];
  private writing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private current?: string;
  private readonly early = new Map<string, [string, Record<string, unknown>][]>();

  constructor(private readonly store: SfnStore, private readonly clock: Clock, private readonly execution: ExecutionRecord, firstId: number) {
    this.nextId = firstId;
  }

  /** Adds an event, stamped now or at `at` (epoch ms: an execution's end shares its stopDate). */
  append(type: string, details: Record<string, unknown>, at = this.clock.now()): void {
    const event: HistoryEvent = { id: this.nextId, previousEventId: this.nextId - 1, timestamp: at, type, ...details };
    this.nextId++;
    this.pending.push({ kind: 'event', event });
    this.kick();
  }

  /** Updates the execution record, in order with the history. */
  record(fields: Partial<ExecutionRecord>): void {
    this.pending.push({ kind: 'record', fields });
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

  /**
   * Resolves once the entry of `stateName` (reported by the engine a moment after it happens)
   * and everything before it is stored. A Task calls it before its resource: a runtime killed
   * then resumes at that Task, never at an earlier state whose effects already happened.
   */
  async entryStored(stateName: string): Promise<void> {
    for (let tick = 0; this.current !== stateName && tick < ENTRY_TICKS; tick++) await new Promise((resolve) => setImmediate(resolve));
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
  }

  /**
   * Writes are gathered for a few milliseconds and then go out together: every event gathered
   * as one batch, then every record update gathered, merged (later fields win), as one update.
   * The runtime is storage-bound (DynamoDB Local spends milliseconds of CPU per request), and
   * an execution's events come in bursts (a state's exit, the next one's entry and its task).
   * The record follows the events it came with, so a stored cursor never runs ahead of the
   * stored history.
   */
  private kick(): void {
    if (this.writing || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, HISTORY_COALESCE_MS);
  }

  private write(): void {
    this.writing = (async () => {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.pending.length);
        const events = batch.flatMap((p) => (p.kind === 'event' ? [p.event] : []));
        const records = batch.flatMap((p) => (p.kind === 'record' ? [p.fields] : []));
        try {
          // Events first, then the record: a stored cursor never runs ahead of the stored history.
          // Writing the same events again is harmless (same keys), so a failed batch is retried.
          if (events.length) await withRetries(() => this.store.putEvents(this.execution.executionArn, events));
          if (records.length) await withRetries(() => this.store.updateExecution(this.execution.stateMachineArn, this.execution.name, Object.assign({}, ...records) as Partial<ExecutionRecord>));
        } catch (error) {
          // Still failing after the retries: keep the batch (never drop history) and try again later.
          console.error(`[stepfunctions] could not write history of ${this.execution.name}, will retry: ${(error as Error).message}`);
          this.pending.unshift(...batch);
          await new Promise((resolve) => setTimeout(resolve, WRITE_RETRY_PAUSE_MS));
        }
      }
    })().finally(() => {
      this.writing = undefined;
      // Appended between the loop's last look and now: write it too.
      if (this.pending.length > 0) this.kick();
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
