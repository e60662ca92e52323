import { randomBytes } from 'node:crypto';
import { open, previousSecretBytes, seal, secretBytes } from '#shared/adapters/keys';
import { AccessRequestStore } from '#shared/adapters/access-store';
import { TaskStore } from '#shared/adapters/task-store';
import { sendTaskSuccess, WorkflowGone } from '#shared/adapters/workflow';
import { loadEnv, nonEmpty, optionalText } from '#shared/env';
import { now } from '#shared/time';
import { accessReadiness } from '../access/task-status';
import type { TaskPorts } from './domain/use-cases';

export const env = loadEnv({
  TABLE_NAME: nonEmpty,
  PUBLIC_API_URL: nonEmpty,
  PORTAL_URL: optionalText,
  TASK_TOKEN_KEY_ID: nonEmpty,
  LINK_KEY_SECRET_ID: optionalText,
});

export const store = new TaskStore(env.TABLE_NAME);
const accessStore = new AccessRequestStore(env.TABLE_NAME);

/** The human-task use cases wired to DynamoDB, KMS, Step Functions and the clock. */
export const ports: TaskPorts = {
  store,
  seal: (token, taskId) => seal(env.TASK_TOKEN_KEY_ID, token, { purpose: 'task-token', taskId }),
  open: (sealed, taskId) => open(sealed, { purpose: 'task-token', taskId }),
  sendSuccess: sendTaskSuccess,
  gone: WorkflowGone,
  now,
  newId: () => randomBytes(16).toString('base64url'),
  readiness: (task, choice) => accessReadiness(accessStore, task, choice),
};

/** The key new links are signed with. */
export function linkKey(): Promise<Buffer> {
  if (!env.LINK_KEY_SECRET_ID) throw new Error('LINK_KEY_SECRET_ID is not set for this function');
  return secretBytes(env.LINK_KEY_SECRET_ID);
}

/**
 * Keys a link may have been signed with: the current one and, for links e-mailed before the
 * key last rotated (every 90 days), the previous one; a task lives far shorter than that.
 */
export async function linkKeys(): Promise<Buffer[]> {
  if (!env.LINK_KEY_SECRET_ID) throw new Error('LINK_KEY_SECRET_ID is not set for this function');
  const previous = await previousSecretBytes(env.LINK_KEY_SECRET_ID);
  return [await linkKey(), ...(previous ? [previous] : [])];
}
