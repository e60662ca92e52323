import { AuditSubject } from '#shared/audit';
import { AppError } from '#shared/errors';
import { SUBJECT_TYPE, type PacketStore } from '../adapters/packet-store';

/** Judicial adjudicated the packet before this execution started waiting: the machine archives it. */
export class AlreadyAdjudicated extends AppError {
  readonly statusCode = 409;
}

export interface AwaitAdjudicationPorts {
  readonly store: Pick<PacketStore, 'annotate' | 'mustGet' | 'audit'>;
  /** Seals the task token (KMS), bound to the packet, so the table never holds it in clear. */
  readonly seal: (taskToken: string, packetId: string) => Promise<string>;
  readonly now: () => string;
}

export interface AwaitAdjudicationInput {
  readonly taskToken: string;
  readonly executionArn: string;
  readonly packetId: string;
  readonly version: number;
  /** 1 for the packet's first wait; one more each time the wait continues as a new execution. */
  readonly generation: number;
}

/**
 * Step 7's long wait (`.waitForTaskToken`): registers this execution as the one waiting for the
 * adjudication, so `POST /arrests/{id}/adjudication` finds whichever execution waits now (after a
 * continue-as-new too).
 * 1. seal the task token
 * 2. record it with the execution on the packet, on condition that the packet is still AVAILABLE
 * 3. the condition failed: adjudicated meanwhile (between two executions) → AlreadyAdjudicated,
 *    which the machine catches to archive it; anywhere else → an error that fails the step
 * 4. a continued wait (generation > 1) goes on the packet's trail
 */
export async function awaitAdjudication(input: AwaitAdjudicationInput, ports: AwaitAdjudicationPorts): Promise<{ registered: true }> {
  const { taskToken, executionArn, packetId, version, generation } = input;
  const sealed = await ports.seal(taskToken, packetId);
  const registered = await ports.store.annotate(
    packetId,
    version,
    { sealedAdjudicationToken: sealed, waitingExecutionArn: executionArn, adjudicationWaitGeneration: generation, adjudicationWaitSince: ports.now() },
    { status: 'AVAILABLE' },
  );
  if (!registered) {
    const packet = await ports.store.mustGet(packetId);
    if (packet.status === 'ADJUDICATED' || packet.status === 'HISTORICAL') throw new AlreadyAdjudicated(`Packet ${packetId} was adjudicated before execution ${generation} started waiting`);
    throw new Error(`Packet ${packetId} is ${packet.status} (version ${packet.version}); it cannot wait for adjudication`);
  }
  if (generation > 1) {
    await ports.store.audit({ type: 'AdjudicationWaitContinued', outcome: 'success', actor: 'system', component: 'arrests', subject: AuditSubject.of(SUBJECT_TYPE, packetId), details: { generation, executionArn } });
  }
  return { registered: true };
}
