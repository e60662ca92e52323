/**
 * Watches the embedded runtime's Lambda calls from outside: every invocation's function, event,
 * wall-clock start and end (performance.now()) and result. The local Step Functions service,
 * the API gateway and EventBridge all call `lambda.invoke` on the one LocalLambda instance, so
 * wrapping that method sees every call, and the bench can react to a function's result (the
 * task id a human step opened) instead of polling execution history.
 */
import { performance } from 'node:perf_hooks';
import type { InvokeResult, LocalLambda } from '../infra/local/lambda';
import type { FunctionName } from '../infra/manifest';

export interface Invocation {
  readonly name: FunctionName;
  readonly event: unknown;
  readonly started: number;
  readonly ended: number;
  readonly result: InvokeResult;
}

export type InvocationListener = (invocation: Invocation) => void;

export class LambdaWatch {
  private readonly listeners = new Set<InvocationListener>();
  /** Durations (ms) per function while `timing` is on: the bench's measured Lambda durations. */
  readonly durations = new Map<FunctionName, number[]>();
  timing = false;
  /** Invocations running now, by function (the trace names who made a request). */
  readonly running = new Map<FunctionName, number>();
  private readonly original: LocalLambda['invoke'];

  constructor(private readonly lambda: LocalLambda) {
    this.original = lambda.invoke.bind(lambda);
    lambda.invoke = async (name, event) => {
      const started = performance.now();
      this.running.set(name, (this.running.get(name) ?? 0) + 1);
      let result: InvokeResult;
      try {
        result = await this.original(name, event);
      } finally {
        const left = (this.running.get(name) ?? 1) - 1;
        if (left > 0) this.running.set(name, left);
        else this.running.delete(name);
      }
      const ended = performance.now();
      if (this.timing) this.durations.set(name, [...(this.durations.get(name) ?? []), ended - started]);
      for (const listener of this.listeners) listener({ name, event, started, ended, result });
      return result;
    };
  }

  listen(listener: InvocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  restore(): void {
    this.lambda.invoke = this.original;
  }
}

/** One item's marks: wall-clock times (performance.now()) by name, and strings it learnt (task ids). */
export type MarkEntry<K extends string> = { [P in K]?: number } & { data?: Record<string, string> };

/** Resolves when `key` is marked for `id`; the bench's drivers wait on marks this way. */
export class Marks<K extends string> {
  private readonly marks = new Map<string, MarkEntry<K>>();
  private readonly waiting = new Map<string, { key: K; resolve: () => void }[]>();

  get(id: string): MarkEntry<K> | undefined {
    return this.marks.get(id);
  }

  ids(): string[] {
    return [...this.marks.keys()];
  }

  /** Sets a mark once (the first time wins) and wakes whoever waits for it. */
  set(id: string | undefined, key: K, at: number = performance.now(), data?: Record<string, string>): void {
    if (!id) return;
    const m: MarkEntry<K> = this.marks.get(id) ?? {};
    const times = m as Record<K, number | undefined>;
    if (times[key] === undefined) times[key] = at;
    if (data) m.data = { ...m.data, ...data };
    this.marks.set(id, m);
    const waiters = this.waiting.get(id) ?? [];
    for (const w of waiters.filter((x) => x.key === key)) w.resolve();
    this.waiting.set(
      id,
      waiters.filter((x) => x.key !== key),
    );
  }

  until(id: string, key: K, timeoutMs = 120_000): Promise<void> {
    if ((this.marks.get(id) as Record<K, number | undefined> | undefined)?.[key] !== undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${id}: no ${key} within ${timeoutMs} ms`)), timeoutMs);
      const entry = { key, resolve: () => (clearTimeout(timer), resolve()) };
      this.waiting.set(id, [...(this.waiting.get(id) ?? []), entry]);
    });
  }

  delete(id: string): void {
    this.marks.delete(id);
    this.waiting.delete(id);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Posts a human decision on `POST /tasks/{id}/decision`, trying again on 503 (the decision could
 * not be handed over yet and was not recorded; the API says to try again). Returns the retries.
 */
export async function postDecision(apiUrl: string, token: string, taskId: string, body: unknown): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${apiUrl}/tasks/${encodeURIComponent(taskId)}/decision`, { method: 'POST', body: JSON.stringify(body), headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
    if (res.status === 200) {
      await res.arrayBuffer();
      return attempt;
    }
    if (res.status !== 503 || attempt >= 50) throw new Error(`decision on ${taskId}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    await sleep(20);
  }
}

/** The task id a tasks-notify call returned (it opened the human task), if it succeeded. */
export function openedTaskId(invocation: Invocation): string | undefined {
  const payload = invocation.result.payload as { taskId?: string } | null;
  return invocation.result.error ? undefined : payload?.taskId;
}
