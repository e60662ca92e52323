import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { TaskStore } from '#shared/adapters/task-store';
import { recordAudit, sourceOf } from '#shared/audit';
import { AppError, ValidationFailed } from '#shared/errors';
import { escapeHtml as e } from '#shared/html';
import { correlate, logger } from '#shared/observability';
import { standing, type Task } from '../tasks/domain/task';
import { linkIsGenuine } from '../tasks/domain/use-cases';
import { alreadyDecidedPage, cancelledPage, expiredPage, forbiddenPage, page, unknownPage } from '../tasks/pages';
import { linkKeys, ports as taskPorts } from '../tasks/ports';
import { PDF_CERTIFICATE_RULE, TRAINING_MODULES, TrainingVerificationSchema, type TrainingModule } from './domain/training';
import { auditOf, env, store } from './ports';
import { trainingPorts } from './adapters/training';
import { recordTrainingVerification } from './use-cases/record-training';

const tasks = new TaskStore(env.TABLE_NAME);
const MODULES = Object.keys(TRAINING_MODULES) as TrainingModule[];

function formOf(event: APIGatewayProxyEvent): URLSearchParams {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  return new URLSearchParams(raw);
}

/** The form: per module, the CJIS Online completion date and record id, or why there is none. */
function formPage(task: Task, requestId: string, values: URLSearchParams, problems: readonly { field: string; rule: string }[] = []): APIGatewayProxyResult {
  const problemOf = (field: string) => problems.filter((p) => p.field === field).map((p) => `<p style="color:#b50909"><strong>${e(p.rule)}</strong></p>`).join('');
  const fieldsets = MODULES.map((m, i) => {
    const chosen = values.get(`${m}.evidence`) ?? 'cjis-online';
    const radio = (value: string, label: string) =>
      `<label><input type="radio" name="${m}.evidence" value="${value}"${chosen === value ? ' checked' : ''}> ${e(label)}</label><br>`;
    return (
      `<fieldset><legend>${e(TRAINING_MODULES[m])}</legend>` +
      radio('cjis-online', 'Completed on CJIS Online') +
      `<p><label>Completion date on CJIS Online<br><input type="date" name="${m}.completedOn" value="${e(values.get(`${m}.completedOn`) ?? '')}"></label></p>` +
      `<p><label>CJIS Online completion record id<br><input type="text" name="${m}.recordId" maxlength="64" value="${e(values.get(`${m}.recordId`) ?? '')}"></label></p>` +
      problemOf(`modules.${i}.completedOn`) +
      problemOf(`modules.${i}.recordId`) +
      radio('pdf-certificate', 'Only a PDF certificate of completion') +
      problemOf(`modules.${i}.evidence`) +
      radio('missing', 'Not completed on CJIS Online') +
      `</fieldset>`
    );
  }).join('');
  const hidden = ['task', 'choice', 'expires', 'sig'].map((k) => `<input type="hidden" name="${k}" value="${e(values.get(k) ?? '')}">`).join('');
  const other = problems.filter((p) => !p.field.startsWith('modules.')).map((p) => `<p style="color:#b50909"><strong>${e(p.rule)}</strong></p>`).join('');
  return page(
    problems.length ? 400 : 200,
    'Record the training evidence',
    `<p>Request <strong>${e(requestId)}</strong>: ${e(task.subject.title)}. Look each training up on CJIS Online and record its completion. ${e(PDF_CERTIFICATE_RULE)}</p>${other}` +
      `<form method="post">${hidden}${fieldsets}<p>You are recording as <strong>${e(task.assignee.email)}</strong>. If a module is not completed, the request goes back to the agency naming it.</p><button type="submit">Record</button></form>` +
      `<p>This link expires ${e(new Date(task.expiresAt).toUTCString())}.</p>`,
  );
}

/** What the form says, as the API's body: a module left without a choice counts as missing. */
function verificationOf(form: URLSearchParams): unknown {
  return {
    modules: MODULES.map((module) => {
      const evidence = form.get(`${module}.evidence`) ?? 'missing';
      return evidence === 'cjis-online' ? { module, evidence, completedOn: form.get(`${module}.completedOn`) ?? '', recordId: form.get(`${module}.recordId`) ?? '' } : { module, evidence };
    }),
  };
}

/**
 * GET and POST /access-requests/{requestId}/training-evidence: the page the unit's "Both verified
 * on CJIS Online" link opens (a link of the verification task, signed as every task link).
 * 1. find the task the link names; it must be this request's verification task (404), and the
 *    link genuine (403, audited with the source)
 * 2. GET shows the form and changes nothing, so a mail scanner that follows the link records nothing
 * 3. POST records each module's CJIS Online completion and decides the task as the unit member,
 *    audited as the API's verification is; a PDF certificate is refused with the 15 May 2024 rule
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    const source = sourceOf(event);
    try {
      const requestId = event.pathParameters?.['requestId'] ?? '';
      const params = event.httpMethod === 'POST' ? formOf(event) : new URLSearchParams(Object.entries(event.queryStringParameters ?? {}).map(([k, v]): [string, string] => [k, v ?? '']));
      const taskId = params.get('task') ?? '';
      const stored = /^[A-Za-z0-9_-]{1,64}$/.test(taskId) ? await tasks.get(taskId) : undefined;
      if (!stored || stored.task.subject.id !== requestId || stored.task.workflow !== 'access-request' || stored.task.step !== 'training-verification') return unknownPage();
      correlate({ taskId, accessRequestId: requestId });
      const choice = params.get('choice') ?? '';
      if (choice !== 'verified' || !(await linkKeys()).some((key) => linkIsGenuine(stored.task, choice, params.get('expires') ?? undefined, params.get('sig') ?? undefined, key))) {
        await recordAudit(auditOf({ requestId }, 'TrainingEvidenceLinkRefused', 'anonymous', { taskId, reason: 'signature does not match' }, 'denied', source));
        return forbiddenPage();
      }
      const now = standing(stored.task, taskPorts.now());
      if (now === 'decided') return alreadyDecidedPage(stored.task);
      if (now === 'expired') return expiredPage(stored.task);
      if (now === 'cancelled') return cancelledPage(stored.task);
      if (event.httpMethod !== 'POST') return formPage(stored.task, requestId, params);

      const parsed = TrainingVerificationSchema.safeParse(verificationOf(params));
      if (!parsed.success) return formPage(stored.task, requestId, params, parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.'), rule: i.message })));
      const request = await store.get(requestId);
      if (!request) return unknownPage();
      try {
        const { missing } = await recordTrainingVerification(trainingPorts(env.TABLE_NAME), request, parsed.data, { id: stored.task.assignee.email, channel: 'email-link', source });
        return page(
          200,
          'Training evidence recorded',
          missing.length
            ? `<p>Recorded. Not completed on CJIS Online: <strong>${e(missing.map((m) => TRAINING_MODULES[m]).join('; '))}</strong>. The request goes back to the agency, which is told what is missing and attests again when it is done.</p>`
            : '<p>Both trainings are recorded with their CJIS Online completion. The employee’s account is created next, and the temporary password e-mailed to them.</p>',
        );
      } catch (error) {
        if (error instanceof ValidationFailed) return formPage(stored.task, requestId, params, error.problems);
        if (error instanceof AppError && error.statusCode < 500) return page(error.statusCode, 'Nothing was recorded', `<p>${e(error.message)}</p>`);
        throw error;
      }
    } catch (error) {
      logger.error('training evidence page failed', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
      return page(500, 'Something went wrong', `<p>Nothing was recorded. Please try again later; if it keeps failing, quote this reference: ${e(context.awsRequestId)}.</p>`);
    }
  });
