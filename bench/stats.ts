/** Small helpers for the benchmark: percentiles and a plain-text table. */

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

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [headers.map(String), ...rows.map((r) => r.map((c) => (typeof c === 'number' ? format(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.every((r) => typeof r[i] === 'number'));
  const line = (r: readonly string[]): string => r.map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(cells[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function format(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(1) : x.toPrecision(2);
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` at once (a closed loop). */
export async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** `1:30,4:60` → [[1, 30], [4, 60]] (concurrency:items). */
export function parseLevels(spec: string): [number, number][] {
  return spec.split(',').map((pair) => {
    const [c, n] = pair.split(':').map(Number);
    if (!c || !n) throw new Error(`levels: bad pair "${pair}" (want concurrency:items)`);
    return [c, n];
  });
}

/** How many of `ids` are in each status, as `statusOf` reads it, eight at a time. */
export async function countStatuses(ids: readonly string[], statusOf: (id: string) => Promise<string>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await pool(ids.length, 8, async (i) => {
    const status = await statusOf(ids[i] ?? '');
    counts[status] = (counts[status] ?? 0) + 1;
  });
  return counts;
}

/** A resource's `status` from an API answer, or the HTTP status when it is not 200. */
export async function statusFrom(res: Response): Promise<string> {
  return res.status === 200 ? ((await res.json()) as { status: string }).status : `HTTP ${res.status}`;
}
