/**
 * The one clock of the embedded runtime: Wait states, task timeouts, heartbeats and retry
 * back-off all sleep on it. `real` follows wall time (optionally scaled, for demos: scale 60
 * makes an hour pass in a minute); `manual` stands still until a test advances it, so no test
 * ever sleeps through a real wait.
 */
export interface ClockOptions {
  /** @default 'real' */
  readonly mode?: 'real' | 'manual';
  /** Virtual milliseconds per real millisecond in real mode. @default 1 */
  readonly scale?: number;
  /** Virtual epoch ms at start. @default Date.now() */
  readonly start?: number;
  /**
   * Manual mode only: a sleep this long or shorter passes at once, time jumping forward by it,
   * so Retry back-offs do not wait for a test to move time while Wait states and human
   * deadlines (longer) still do. Load tests use it. @default 0 (every sleep waits)
   */
  readonly autoAdvanceMs?: number;
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
  handle?: NodeJS.Timeout;
}

/** setTimeout takes at most 2^31-1 ms; longer waits re-arm. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export class Clock {
  readonly mode: 'real' | 'manual';
  readonly scale: number;
  readonly autoAdvanceMs: number;
  private readonly virtualStart: number;
  private readonly realStart = Date.now();
  private offset = 0;
  private seq = 0;
  private readonly timers = new Set<Timer>();
  /** The targets of the advances under way (a test may start one while another runs). */
  private readonly jumps = new Set<{ readonly target: number }>();

  constructor(options: ClockOptions = {}) {
    this.mode = options.mode ?? 'real';
    this.scale = options.scale ?? 1;
    if (!(this.scale > 0)) throw new Error('Clock scale must be a positive number');
    this.virtualStart = options.start ?? Date.now();
    this.autoAdvanceMs = this.mode === 'manual' ? (options.autoAdvanceMs ?? 0) : 0;
  }

  /** Virtual time, epoch milliseconds. */
  now(): number {
    const elapsed = this.mode === 'real' ? (Date.now() - this.realStart) * this.scale : 0;
    return this.virtualStart + elapsed + this.offset;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Resolves once virtual time reaches `at` (epoch ms), or when `signal` aborts. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (at <= this.now() || signal?.aborted) return Promise.resolve();
    if (at - this.now() <= this.autoAdvanceMs) {
      // Time jumps to `at` (never back: concurrent short sleeps overlap, as they would in real time).
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          this.offset += Math.max(0, at - this.now());
          resolve();
        }),
      );
    }
    return new Promise<void>((resolve) => {
      const timer: Timer = {
        at,
        seq: this.seq++,
        resolve: () => {
          if (timer.handle) clearTimeout(timer.handle);
          this.timers.delete(timer);
          signal?.removeEventListener('abort', timer.resolve);
          resolve();
        },
      };
      this.timers.add(timer);
      signal?.addEventListener('abort', timer.resolve, { once: true });
      this.arm(timer);
    });
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.sleepUntil(this.now() + ms, signal);
  }

  /** Moves manual time forward, firing due timers in order and letting their work run. */
  async advance(ms: number): Promise<void> {
    if (this.mode !== 'manual') throw new Error('Only a manual clock can be advanced');
    const target = this.now() + ms;
    const jump = { target };
    this.jumps.add(jump);
    try {
      await this.fireUntil(target);
    } finally {
      this.jumps.delete(jump);
    }
  }

  /**
   * Where an advance under way is taking manual time (epoch ms), or undefined when none is. A
   * sleeper that should not fire again inside the same jump (a schedule that makes up a jump's
   * skipped runs with one) plans from here.
   */
  jumpTarget(): number | undefined {
    return this.jumps.size ? Math.max(...[...this.jumps].map((j) => j.target)) : undefined;
  }

  private async fireUntil(target: number): Promise<void> {
    for (;;) {
      const next = [...this.timers].filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.offset += Math.max(0, next.at - this.now());
      next.resolve();
      await settle();
    }
    this.offset += Math.max(0, target - this.now());
    await settle();
  }

  /** Timers waiting, earliest first (for operators and tests). */
  pending(): number[] {
    return [...this.timers].map((t) => t.at).sort((a, b) => a - b);
  }

  /** Releases every sleeper (shutdown). */
  dispose(): void {
    for (const timer of [...this.timers]) timer.resolve();
  }

  private arm(timer: Timer): void {
    if (this.mode !== 'real') return;
    const realMs = Math.max(0, (timer.at - this.now()) / this.scale);
    timer.handle = setTimeout(
      () => (timer.at <= this.now() ? timer.resolve() : this.arm(timer)),
      Math.min(Math.ceil(realMs), MAX_TIMEOUT_MS),
    );
    timer.handle.unref?.();
  }
}

/** Lets promise chains and I/O that a fired timer started make progress. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
