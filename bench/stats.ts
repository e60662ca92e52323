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

/** A level's throughput: items per second at a concurrency. */
export interface Level {
  readonly concurrency: number;
  readonly itemsPerSecond: number;
}

/** Issue 19's goal: throughput at the highest concurrency ≥ 90 % of the best level's, with and without faults. */
export const SATURATION_GOAL = 0.9;

/**
 * "Flat under saturation": the highest level's throughput against the best level's, without
 * faults and (when `BENCH_FAULTS` ran each level twice) with them, and what the faults cost at
 * each level. Undefined with fewer than two levels.
 */
export function saturation(levels: readonly Level[], faultLevels: readonly Level[], unit: string): string | undefined {
  if (levels.length < 2) return undefined;
  const line = (ls: readonly Level[]): string => {
    const top = ls.reduce((a, b) => (b.concurrency > a.concurrency ? b : a));
    const best = ls.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a));
    const ratio = top.itemsPerSecond / best.itemsPerSecond;
    return `c=${top.concurrency} ${top.itemsPerSecond.toFixed(2)} ${unit}s/s = ${(ratio * 100).toFixed(0)} % of the best level's (c=${best.concurrency}, ${best.itemsPerSecond.toFixed(2)}): ${ratio >= SATURATION_GOAL ? 'met' : 'not met'}`;
  };
  const lines = [`Flat under saturation (goal: the highest level ≥ ${SATURATION_GOAL * 100} % of the best, with and without faults; same run):`, `  without faults: ${line(levels)}`];
  if (faultLevels.length === levels.length) {
    lines.push(`  with faults (BENCH_FAULTS, each level right after its fault-free twin): ${line(faultLevels)}`);
    const change = (l: Level, i: number): string => {
      const pct = Math.round(((faultLevels[i]?.itemsPerSecond ?? 0) / l.itemsPerSecond - 1) * 100);
      return `c=${l.concurrency} ${pct > 0 ? '+' : ''}${pct} %`;
    };
    lines.push(`  throughput with faults against without (what the faults cost, when negative): ${levels.map(change).join(', ')}`);
  } else lines.push('  with faults: not measured (set BENCH_FAULTS=soak to run each level again with the soak\'s faults)');
  return lines.join('\n');
}

/** A process's CPU (user + system, ms): all its threads, and of them the JVM's JIT compiler threads. */
export interface ProcessCpu {
  readonly totalMs: number;
  readonly compilerMs: number;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** User + system CPU in ms from a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat line (fields 14 and 15; the name in parentheses may hold spaces). */
export function cpuMsOfStat(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name, fields start at field 3 (state): utime is field 14, stime field 15.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return fields.length > 12 && Number.isInteger(utime) && Number.isInteger(stime) ? ((utime + stime) * 1000) / USER_HZ : undefined;
}

/**
 * A process's CPU: all of it from its own `stat` (exited threads included), and its JIT compiler
 * threads' from their `comm` and `stat` under /proc/<pid>/task (HotSpot names them
 * `C1 CompilerThre…` / `C2 CompilerThre…`; it may stop one, whose time then leaves the sum).
 */
export function processCpu(processStat: string, threads: readonly { readonly name: string; readonly stat: string }[]): ProcessCpu {
  let compilerMs = 0;
  for (const t of threads) if (/^C[12] CompilerThre/.test(t.name)) compilerMs += cpuMsOfStat(t.stat) ?? 0;
  return { totalMs: cpuMsOfStat(processStat) ?? 0, compilerMs };
}

/** What a process spent between two readings (undefined when either could not be read). */
export function cpuBetween(before: ProcessCpu | undefined, after: ProcessCpu | undefined): ProcessCpu | undefined {
  return before && after ? { totalMs: after.totalMs - before.totalMs, compilerMs: after.compilerMs - before.compilerMs } : undefined;
}

/**
 * The share of a process's CPU its JIT compiler threads took (0 when it spent none). A compiler
 * thread the JVM stopped takes its time out of the later reading, so a difference can be negative:
 * it counts as none.
 */
export function compilerShare(cpu: ProcessCpu): number {
  return cpu.totalMs > 0 ? Math.max(0, cpu.compilerMs) / cpu.totalMs : 0;
}
