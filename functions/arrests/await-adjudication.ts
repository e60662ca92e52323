import { z } from 'zod';
import { seal } from '#shared/adapters/keys';
import { AuditSubject } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { AppError } from '#shared/errors';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { SUBJECT_TYPE } from './adapters/packet-store';
import { store } from './ports';

const keys = loadEnv({ TASK_TOKEN_KEY_ID: nonEmpty });

/** Judicial adjudicated the packet before this execution started waiting: the machine archives it. */
export class AlreadyAdjudicated extends AppError {
  readonly statusCode = 409;
}

const Input = z.object({
  taskToken: z.string().min(1),
  executionArn: z.string().min(1),
  packetId: z.string().min(1),
  version: z.number().int().positive(),
  generation: z.number().int().positive(),
});

/**
 * The Lambda behind step 7's long wait (`.waitForTaskToken`): it registers this execution as
 * the one waiting for the adjudication, its token sealed with KMS, so
 * `POST /arrests/{id}/adjudication` finds whichever execution waits now (after a continue-as-new
 * too). Conditional on the packet still being AVAILABLE: one adjudicated meanwhile (between two
 * executions) fails this task with AlreadyAdjudicated, which the machine catches to archive it.
 */
export const handler = taskHandler(Input, async ({ taskToken, executionArn, packetId, version, generation }) => {
  const sealed = await seal(keys.TASK_TOKEN_KEY_ID, taskToken, { purpose: 'adjudication-token', packetId });
  const registered = await store.annotate(
    packetId,
    version,
    { sealedAdjudicationToken: sealed, waitingExecutionArn: executionArn, adjudicationWaitGeneration: generation, adjudicationWaitSince: nowIso() },
    { status: 'AVAILABLE' },
  );
  if (!registered) {
    const packet = await store.mustGet(packetId);
    if (packet.status === 'ADJUDICATED' || packet.status === 'HISTORICAL') throw new AlreadyAdjudicated(`Packet ${packetId} was adjudicated before execution ${generation} started waiting`);
    throw new Error(`Packet ${packetId} is ${packet.status} (version ${packet.version}); it cannot wait for adjudication`);
  }
  if (generation > 1) {
    await store.audit({ type: 'AdjudicationWaitContinued', outcome: 'success', actor: 'system', component: 'arrests', subject: AuditSubject.of(SUBJECT_TYPE, packetId), details: { generation, executionArn } });
  }
  return { registered: true };
});
