import { createHash } from 'node:crypto';

export interface ParkPorts {
  readonly recordParked: (runId: string, tokenFingerprint: string, parkedAt: string) => Promise<void>;
  readonly now: () => string;
}

/** Which callback a run waits for, without the power to complete it: the token's SHA-256, cut to 16 hex digits. */
export function fingerprintOf(taskToken: string): string {
  return createHash('sha256').update(taskToken).digest('hex').slice(0, 16);
}

/**
 * The step behind `.waitForTaskToken`: it records that the run waits, then returns; the
 * execution stays parked until someone calls SendTaskSuccess. The token itself is a secret: only
 * its fingerprint is stored, so whoever reads the table cannot complete the callback.
 */
export async function park(input: { readonly runId: string; readonly taskToken: string }, ports: ParkPorts): Promise<{ parked: true }> {
  await ports.recordParked(input.runId, fingerprintOf(input.taskToken), ports.now());
  return { parked: true };
}
