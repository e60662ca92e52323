/** Percentiles and a closed-loop pool, for the load driver and the benchmark. */

export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles of a sample, in the sample's unit (ms here). */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { n: 0, mean: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const at = (p: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))] as number;
  const round = (x: number): number => Math.round(x * 10) / 10;
  return { n, mean: round(sorted.reduce((s, x) => s + x, 0) / n), p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(sorted[n - 1] as number) };
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` at once (a closed loop). */
export async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
