import { AccessStore } from '#shared/adapters/access-store';
import { sesMailer } from '#shared/adapters/mailer';
import { loadEnv, nonEmpty } from '#shared/env';
import { taskHandler } from '#shared/task';
import { accessStatusWrite } from '../access/task-status';
import { PacketStore } from '../arrests/adapters/packet-store';
import { arrestStatusWrite, publishArrestStatus } from '../arrests/task-status';
import { NewTaskSchema, type NewTask } from './domain/task';
import { openTask, type TaskPorts } from './domain/use-cases';
import { emailFor } from './pages';
import { env, linkKey, ports, store } from './ports';

const mailer = sesMailer(env.SENDER_EMAIL, env.SES_CONFIGURATION_SET);
const accessStore = new AccessStore(env.TABLE_NAME);
const packetStore = new PacketStore(env.TABLE_NAME);
/** The bus an arrest packet's status event goes to (the other task functions publish nothing). */
const { EVENT_BUS_NAME } = loadEnv({ EVENT_BUS_NAME: nonEmpty });

/** The writes of the subject's status change that go with the task, by subject type. */
async function statusWriteFor(input: NewTask): Promise<Parameters<typeof store.create>[3]> {
  const change = input.statusChange;
  if (!change) return undefined;
  if (input.subject.type === 'access-request') return accessStatusWrite(accessStore, input.subject.id, change, ports.now().toISOString());
  if (input.subject.type === 'arrest-packet') return arrestStatusWrite(packetStore, input.subject.id, change, ports.now().toISOString());
  throw new Error(`No status change is known for subjects of type ${input.subject.type}`);
}

/**
 * The Lambda behind every human step's `.waitForTaskToken`: opens the task (token sealed), with
 * the subject's status change in the same transaction when the step names one (and, for an arrest
 * packet, its event after it), then e-mails the assignee. It returns at once; the execution waits for the decision.
 */
export const handler = taskHandler(NewTaskSchema, async (input) => {
  const alongside = await statusWriteFor(input);
  const taskStore: TaskPorts['store'] = alongside ? { ...bound(store), create: (task, sealed, audit) => store.create(task, sealed, audit, alongside) } : store;
  const { task, links } = await openTask(input, { ...ports, store: taskStore, linkKey: await linkKey(), baseUrl: env.PUBLIC_API_URL });
  // The status change's event, after its transaction, once per packet version (not again on a reminder).
  if (input.statusChange && input.subject.type === 'arrest-packet') await publishArrestStatus(packetStore, EVENT_BUS_NAME, input.subject.id, input.statusChange);
  await mailer.send(emailFor(task, links));
  return { taskId: task.taskId, expiresAt: task.expiresAt };
});

/** The store's methods bound to it, so that one may be replaced. */
function bound(s: typeof store): TaskPorts['store'] {
  return { get: (id) => s.get(id), currentFor: (w, id, step) => s.currentFor(w, id, step), create: (t, tok, a) => s.create(t, tok, a), decide: (id, d, n, a) => s.decide(id, d, n, a), close: (id, f, t, r, a) => s.close(id, f, t, r, a), reopen: (t, a) => s.reopen(t, a) };
}
