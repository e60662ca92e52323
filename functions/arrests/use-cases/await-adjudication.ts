import { AuditSubject } from '#shared/audit';
import { AppError } from '#shared/errors';
import { InvalidTransition, SUBJECT_TYPE, type PacketStore } from '../adapters/packet-store';
import type { StatusEventSubject } from '../adapters/events';

/** Judicial adjudicated the packet before this execution started waiting: the machine archives it. */
export class AlreadyAdjudicated extends AppError {
  readonly statusCode = 409;
}

export interface AwaitAdjudicationPorts {
  readonly store: Pick<PacketStore, 'annotate' | 'mustGet' | 'audit' | 'changeStatus'>;
  /** Seals the task token (KMS), bound to the packet, so the table never holds it in clear. */
  readonly seal: (taskToken: string, packetId: string) => Promise<string>;
  /** Announces the packet's AVAILABLE status (its event on the bus, with the docket). */
  readonly announce: (packet: StatusEventSubject, detail: { docketNumber: string }) => Promise<void>;
  readonly now: () => string;
}

/**
 * What the first wait makes of the TRANSMITTED packet, carried by the execution: the docket
 * (TransmitToCms's answer), when the agency was told (NotifyAgency's) and what the status event
 * says of the packet (ValidatePacket's). The execution's input is ours, never a caller's.
 */
export interface MakeAvailable {
  readonly docketNumber: string;
  readonly agencyNotifiedAt: string;
  readonly ori: string;
  readonly incidentNumber: string;
}

export interface AwaitAdjudicationInput {
  readonly taskToken: string;
  readonly executionArn: string;
  readonly packetId: string;
  readonly version: number;
  /** 1 for the packet's first wait; one more each time the wait continues as a new execution. */
  readonly generation: number;
  /** The first wait: the packet becomes AVAILABLE in the write that registers the wait. */
  readonly available?: MakeAvailable;
}

/**
 * Step 6's last write and step 7's long wait (`.waitForTaskToken`): registers this execution as
 * the one waiting for the adjudication, so `POST /arrests/{id}/adjudication` finds whichever
 * execution waits now (after a continue-as-new too).
 * 1. seal the task token
 * 2. the first wait: the packet becomes AVAILABLE (from TRANSMITTED, at this version, with its
 *    audit event and `agencyNotifiedAt`) in the same conditional write that records the token
 *    and the execution, so an AVAILABLE packet always has its wait; then its event is published
 *    (again, on a retried step)
 * 3. a continued wait, or a retried first one that finds the packet AVAILABLE already: record the
 *    token and the execution on condition that the packet is still AVAILABLE
 * 4. a condition failed: adjudicated meanwhile (between two executions) → AlreadyAdjudicated,
 *    which the machine catches to archive it; anywhere else → an error that fails the step (a
 *    newer version: StaleVersion, which stops this execution)
 * 5. a continued wait (generation > 1) goes on the packet's trail
 */
export async function awaitAdjudication(input: AwaitAdjudicationInput, ports: AwaitAdjudicationPorts): Promise<{ registered: true }> {
  const { taskToken, executionArn, packetId, version, generation, available } = input;
  const sealed = await ports.seal(taskToken, packetId);
  const now = ports.now();
  const wait = { sealedAdjudicationToken: sealed, waitingExecutionArn: executionArn, adjudicationWaitGeneration: generation, adjudicationWaitSince: now };
  const registered = available ? await madeAvailable(input, available, wait, now, ports) : await ports.store.annotate(packetId, version, wait, { status: 'AVAILABLE' });
  if (!registered) {
    const packet = await ports.store.mustGet(packetId);
    if (packet.status === 'ADJUDICATED' || packet.status === 'HISTORICAL') throw new AlreadyAdjudicated(`Packet ${packetId} was adjudicated before execution ${generation} started waiting`);
    throw new Error(`Packet ${packetId} is ${packet.status} (version ${packet.version}); it cannot wait for adjudication`);
  }
  if (available) {
    await ports.announce({ packetId, version, ori: available.ori, incidentNumber: available.incidentNumber, status: 'AVAILABLE', updatedAt: now }, { docketNumber: available.docketNumber });
  }
  if (generation > 1) {
    await ports.store.audit({ type: 'AdjudicationWaitContinued', outcome: 'success', actor: 'system', component: 'arrests', subject: AuditSubject.of(SUBJECT_TYPE, packetId), details: { generation, executionArn } });
  }
  return { registered: true };
}

/** TRANSMITTED → AVAILABLE with the wait registered; false when the packet is past AVAILABLE or elsewhere. */
async function madeAvailable(input: AwaitAdjudicationInput, available: MakeAvailable, wait: Record<string, string | number>, now: string, ports: AwaitAdjudicationPorts): Promise<boolean> {
  try {
    const outcome = await ports.store.changeStatus({
      packetId: input.packetId,
      version: input.version,
      to: 'AVAILABLE',
      actor: 'system',
      set: { agencyNotifiedAt: available.agencyNotifiedAt, ...wait },
      now,
    });
    // A retried step: the packet is AVAILABLE already; this attempt's token is the one to wake.
    return outcome === 'changed' || (await ports.store.annotate(input.packetId, input.version, wait, { status: 'AVAILABLE' }));
  } catch (error) {
    if (error instanceof InvalidTransition) return false;
    throw error;
  }
}
