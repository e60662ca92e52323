/**
 * Durations operators type (`--since 2d`, `--older-than 6h`, `1d12h`): one or more
 * `<whole number><unit>` parts, the units w, d, h, m and s. Anything else is refused, so a typo
 * is a clear 400 rather than a silent "everything".
 */
const UNIT_SECONDS = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 } as const;
const WHOLE = /^(?:\d{1,6}[wdhms])+$/;
const PART = /(\d{1,6})([wdhms])/g;

/** Seconds in `text`, or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (!WHOLE.test(trimmed)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) seconds += Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
  return seconds;
}

export const DURATION_RULE = 'must be a duration such as 30m, 6h, 2d or 1w (units w, d, h, m, s; parts may combine, e.g. 1d12h)';

/** A short human form of a number of seconds, for the CLI: `2d 3h`, `45m`, `12s`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s}s`;
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.join(' ') || `${s}s`;
}
