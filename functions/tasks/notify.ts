import { envMailer } from '#shared/adapters/mailer';
import { loadEnv, nonEmpty } from '#shared/env';
import { logger } from '#shared/observability';
import { stillRunning, taskHandler } from '#shared/task';
import { subjectStatusOn } from './adapters/subject-status';
import { NewTaskSchema } from './domain/task';
import { env, linkKey, ports, store } from './ports';
import { AttemptOutOfTime, notifyAssignee } from './use-cases/notify';

const mailer = envMailer();
/** The bus an arrest packet's status event goes to (the other task functions publish nothing). */
const { EVENT_BUS_NAME } = loadEnv({ EVENT_BUS_NAME: nonEmpty });
const subjectStatus = subjectStatusOn(env.TABLE_NAME, EVENT_BUS_NAME);

/** Opens a human step's task (with the subject's status change, when it names one) and e-mails the assignee. */
export const handler = taskHandler(NewTaskSchema, (input, context) =>
  notifyAssignee(input, { ...ports, store, subjectStatus, linkKey, baseUrl: env.PUBLIC_API_URL, portalUrl: env.PORTAL_URL, send: (email) => mailer.send(email), alive: stillRunning(context) }).catch((error: unknown) => {
    // After its answer (TimeoutError), so the failure log does not see it: said here, once.
    if (error instanceof AttemptOutOfTime) logger.warn('attempt out of time stopped before writing; its retry opens the task');
    throw error;
  }),
);
