import { TransientFailure } from '#shared/errors';

/** A transient fault the machine's `Retry` is written for. */
export class DiagnosticsTransientError extends TransientFailure {}

export interface CheckPorts {
  /** Counts this attempt on the run's record; the count after it. */
  readonly countAttempt: (runId: string) => Promise<number>;
  readonly now: () => string;
}

/**
 * The run's check, which fails on request to prove the machine's Retry.
 * 1. count this attempt on the run's record (attempts survive retries and restarts)
 * 2. fail transiently while the count is within `failuresBeforeSuccess`
 * 3. otherwise report how many attempts it took
 */
export async function check(input: { readonly runId: string; readonly failuresBeforeSuccess: number }, ports: CheckPorts): Promise<{ attempts: number; checkedAt: string }> {
  const attempts = await ports.countAttempt(input.runId);
  if (attempts <= input.failuresBeforeSuccess) {
    throw new DiagnosticsTransientError(`Attempt ${attempts} of the check failed on purpose (${input.failuresBeforeSuccess} requested)`);
  }
  return { attempts, checkedAt: ports.now() };
}
