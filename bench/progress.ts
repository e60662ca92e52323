/**
 * One progress line for a long run (`npm run soak`, the bench's phases): items done of total, the
 * rate, and the time left, on stderr so that stdout's results stay clean.
 *
 *   soak: 1,234 of 12,500 items (9.9 %), 5.1 items/s, about 36 min left; faults so far 812
 *
 * On a terminal the line is rewritten in place (`\r`), at most every `redrawMs` and once a second
 * while nothing finishes (so the time left stays current); anywhere else (CI, a log file) it is a
 * new line every `everyMs` (10 s). The rate is the average since the reporter started, so the
 * time left is (total − done) / rate.
 *
 * Written here rather than taken from cli-progress (whose `noTTYOutput` does the same): this is
 * one line of text and two timers, and node_modules is not ours to add to.
 */
import { performance } from 'node:perf_hooks';

/** Where the line goes: process.stderr, or a test's recorder. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** What runs, first on the line: `soak`, `[arrest] 80 packets at concurrency 16`. */
  readonly label: string;
  readonly total: number;
  /** @default 'items' */
  readonly unit?: string;
  /** More to say after the figures (e.g. the faults so far); nothing when it answers undefined. */
  readonly note?: () => string | undefined;
  /** @default process.stderr */
  readonly stream?: ProgressStream;
  /** Milliseconds, monotonic. @default performance.now */
  readonly now?: () => number;
  /** Calls `tick` every `ms` until the returned function is called. @default an unref'd setInterval */
  readonly every?: (tick: () => void, ms: number) => () => void;
  /** Not on a terminal: one line every this many ms. @default 10000 */
  readonly everyMs?: number;
  /** On a terminal: the line is rewritten at most this often. @default 200 */
  readonly redrawMs?: number;
}

const realEvery = (tick: () => void, ms: number): (() => void) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** 42 s, 36 min, 1 h 12 min. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** 0.42, 5.1, 312 (per second). */
const rate = (r: number): string => (r >= 100 ? count(r) : r >= 1 ? r.toFixed(1) : r.toFixed(2));

export class Progress {
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly tty: boolean;
  private readonly started: number;
  private readonly stop: () => void;
  private done = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private finished = false;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? (() => performance.now());
    this.tty = this.stream.isTTY === true;
    this.started = this.now();
    const every = options.every ?? realEvery;
    this.stop = every(() => this.tick(), this.tty ? 1000 : (options.everyMs ?? 10_000));
  }

  /** `done` items of the total have finished. */
  update(done: number): void {
    if (this.finished) return;
    this.done = done;
    if (this.tty && this.now() - this.lastDraw >= (this.options.redrawMs ?? 200)) this.draw();
  }

  /** The timer's turn: a repaint on a terminal, the periodic line elsewhere. */
  tick(): void {
    if (!this.finished) this.draw();
  }

  /**
   * The run is over. `keep`: the last line stays as the summary (the soak); otherwise it is wiped
   * from a terminal and left out of a log, for the caller prints its own result (the bench).
   */
  finish(keep = true): void {
    if (this.finished) return;
    this.finished = true;
    this.stop();
    if (keep) this.write(this.line(), true);
    else if (this.tty) this.stream.write('\r\x1b[K');
  }

  /** The line as it stands now. */
  line(): string {
    const { label, total, unit = 'items', note } = this.options;
    const seconds = (this.now() - this.started) / 1000;
    const perSecond = seconds > 0 ? this.done / seconds : 0;
    const pct = total > 0 ? ((this.done / total) * 100).toFixed(1) : '100.0';
    const left = this.finished
      ? `done in ${duration(seconds)}`
      : this.done >= total
        ? 'finishing'
        : perSecond > 0
          ? `about ${duration((total - this.done) / perSecond)} left`
          : 'time left not known yet';
    const extra = note?.();
    return `${label}: ${count(this.done)} of ${count(total)} ${unit} (${pct} %), ${rate(perSecond)} ${unit}/s, ${left}${extra ? `; ${extra}` : ''}`;
  }

  private draw(): void {
    this.lastDraw = this.now();
    this.write(this.line(), false);
  }

  private write(line: string, last: boolean): void {
    if (!this.tty) {
      this.stream.write(`${line}\n`);
      return;
    }
    // A line longer than the terminal wraps, and `\r` would then rewrite only its last part.
    const width = this.stream.columns ?? 0;
    const fitted = width > 1 && line.length >= width ? `${line.slice(0, width - 2)}…` : line;
    this.stream.write(`\r\x1b[K${fitted}${last ? '\n' : ''}`);
  }
}
