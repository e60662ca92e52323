import { envMailer } from '#shared/adapters/mailer';
import { loadEnv, nonEmpty } from '#shared/env';
import { stillRunning, taskHandler } from '#shared/task';
import { subjectStatusOn } from './adapters/subject-status';
import { NewTaskSchema } from './domain/task';
import { env, linkKey, ports, store } from './ports';
import { notifyAssignee } from './use-cases/notify';

const mailer = envMailer();
/** The bus an arrest packet's status event goes to (the other task functions publish nothing). */
const { EVENT_BUS_NAME } = loadEnv({ EVENT_BUS_NAME: nonEmpty });
const subjectStatus = subjectStatusOn(env.TABLE_NAME, EVENT_BUS_NAME);

/** Opens a human step's task (with the subject's status change, when it names one) and e-mails the assignee. */
export const handler = taskHandler(NewTaskSchema, (input, context) =>
  notifyAssignee(input, { ...ports, store, subjectStatus, linkKey, baseUrl: env.PUBLIC_API_URL, portalUrl: env.PORTAL_URL, send: (email) => mailer.send(email), alive: stillRunning(context) }),
);
