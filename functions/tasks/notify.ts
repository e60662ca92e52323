import { sesMailer } from '#shared/adapters/mailer';
import { taskHandler } from '#shared/task';
import { NewTaskSchema } from './domain/task';
import { openTask } from './domain/use-cases';
import { emailFor } from './pages';
import { env, linkKey, ports } from './ports';

const mailer = sesMailer(env.SENDER_EMAIL, env.SES_CONFIGURATION_SET);

/**
 * The Lambda behind every human step's `.waitForTaskToken`: opens the task (token sealed), then
 * e-mails the assignee. It returns at once; the execution waits for the decision.
 */
export const handler = taskHandler(NewTaskSchema, async (input) => {
  const { task, links } = await openTask(input, { ...ports, linkKey: await linkKey(), baseUrl: env.PUBLIC_API_URL });
  await mailer.send(emailFor(task, links));
  return { taskId: task.taskId, expiresAt: task.expiresAt };
});
