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
