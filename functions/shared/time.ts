import { lazy } from './lazy';

/**
 * "Now" for domain code. In AWS it is the wall clock; the embedded runtime, which runs the
 * handlers in its own process, installs its controllable clock here so that a test that
 * advances time by 24 hours sees handlers agree with the state machine's Wait states.
 */
let source: () => number = Date.now;

export function now(): Date {
  return new Date(source());
}

export function nowIso(): string {
  return now().toISOString();
}

/** For the embedded runtime only. */
export function setTimeSource(fn: () => number): void {
  source = fn;
}

/** Connecticut's time zone: the calendar the program's people read dates in. */
const CONNECTICUT_TIME_ZONE = 'America/New_York';
/**
 * Made on first use (`lazy`): a formatter with a time zone loads ICU's zone data, 30-35 ms of CPU,
 * and every function imports this module (its cold start paid it whether or not it read a date).
 */
const connecticutDays = lazy(() => new Intl.DateTimeFormat('en-US', { timeZone: CONNECTICUT_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }));

/**
 * The calendar date (YYYY-MM-DD) in Connecticut at `at` (an ISO timestamp or a Date): the "today"
 * a completion date typed by the unit is checked against. The UTC date runs a day ahead from 7 or
 * 8 p.m. Eastern, when it would let tomorrow's date through as today's.
 */
export function connecticutDate(at: string | Date): string {
  // From the parts, not the formatted string: a locale's date layout is ICU data, and has changed.
  const parts = connecticutDays.formatToParts(typeof at === 'string' ? new Date(at) : at);
  const part = (type: 'year' | 'month' | 'day'): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
