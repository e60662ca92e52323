/** Small helpers for the benchmark's reports: a plain-text table, levels, status counts. */
import { pool } from '../drive/stats';

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
