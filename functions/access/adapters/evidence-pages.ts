import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { AppError } from '#shared/errors';
import { escapeHtml as e } from '#shared/html';
import { logger } from '#shared/observability';
import type { Task } from '../../tasks/domain/task';
import { alreadyDecidedPage, cancelledPage, expiredPage, forbiddenPage, page, unknownPage } from '../../tasks/pages';
import { PDF_CERTIFICATE_RULE, TRAINING_MODULES, type TrainingModule } from '../domain/training';
import type { EvidenceLink, EvidenceOutcome } from '../use-cases/training-evidence';

const MODULES = Object.keys(TRAINING_MODULES) as TrainingModule[];

/** The link's fields: the query of the e-mailed link (GET), or the form's fields (POST). */
export function fieldsOf(event: APIGatewayProxyEvent): URLSearchParams {
  if (event.httpMethod !== 'POST') return new URLSearchParams(Object.entries(event.queryStringParameters ?? {}).map(([k, v]): [string, string] => [k, v ?? '']));
  return new URLSearchParams(event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '');
}

export const linkOf = (fields: URLSearchParams): EvidenceLink => ({ task: fields.get('task') ?? '', choice: fields.get('choice') ?? '', expires: fields.get('expires') ?? undefined, sig: fields.get('sig') ?? undefined });

/** What the form says, as the API's body: a module left without a choice counts as missing. */
export function verificationOf(form: URLSearchParams): unknown {
  return {
    modules: MODULES.map((module) => {
      const evidence = form.get(`${module}.evidence`) ?? 'missing';
      return evidence === 'cjis-online' ? { module, evidence, completedOn: form.get(`${module}.completedOn`) ?? '', recordId: form.get(`${module}.recordId`) ?? '' } : { module, evidence };
    }),
  };
}

/** The form: per module, the CJIS Online completion date and record id, or why there is none. */
function formPage(task: Task, requestId: string, values: URLSearchParams, problems: readonly { field: string; rule: string }[] = []): APIGatewayProxyResult {
  const rules = (which: (field: string) => boolean) => problems.filter((p) => which(p.field)).map((p) => `<p style="color:#b50909"><strong>${e(p.rule)}</strong></p>`).join('');
  const problemOf = (field: string) => rules((f) => f === field);
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
  const other = rules((f) => !f.startsWith('modules.'));
  return page(
    problems.length ? 400 : 200,
    'Record the training evidence',
    `<p>Request <strong>${e(requestId)}</strong>: ${e(task.subject.title)}. Look each training up on CJIS Online and record its completion. ${e(PDF_CERTIFICATE_RULE)}</p>${other}` +
      `<form method="post">${hidden}${fieldsets}<p>You are recording as <strong>${e(task.assignee.email)}</strong>. If a module is not completed, the request goes back to the agency naming it.</p><button type="submit">Record</button></form>` +
      `<p>This link expires ${e(new Date(task.expiresAt).toUTCString())}.</p>`,
  );
}

/** Each outcome as the page the unit member sees; `fields` fills the form in again. */
export function evidencePage(outcome: EvidenceOutcome, requestId: string, fields: URLSearchParams): APIGatewayProxyResult {
  switch (outcome.kind) {
    case 'unknown':
      return unknownPage();
    case 'forbidden':
      return forbiddenPage();
    case 'decided':
      return alreadyDecidedPage(outcome.task);
    case 'expired':
      return expiredPage(outcome.task);
    case 'cancelled':
      return cancelledPage(outcome.task);
    case 'open':
      return formPage(outcome.task, requestId, fields);
    case 'invalid':
      return formPage(outcome.task, requestId, fields, outcome.problems);
    case 'recorded':
      return page(
        200,
        'Training evidence recorded',
        outcome.missing.length
          ? `<p>Recorded. Not completed on CJIS Online: <strong>${e(outcome.missing.map((m) => TRAINING_MODULES[m]).join('; '))}</strong>. The request goes back to the agency, which is told what is missing and attests again when it is done.</p>`
          : '<p>Both trainings are recorded with their CJIS Online completion. The employee’s account is created next, and the temporary password e-mailed to them.</p>',
      );
  }
}

/** An error as a page: a refusal (409…) says why nothing was recorded; anything else only a reference. */
export function evidenceError(error: unknown, correlationId: string): APIGatewayProxyResult {
  // A 410 is a task closed under the decision (its step was asked again): the training may be recorded, the decision was not.
  if (error instanceof AppError && error.statusCode < 500) return page(error.statusCode, error.statusCode === 410 ? 'Nothing was decided' : 'Nothing was recorded', `<p>${e(error.message)}</p>`);
  logger.error('training evidence page failed', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
  return page(500, 'Something went wrong', `<p>Nothing was recorded. Please try again later; if it keeps failing, quote this reference: ${e(correlationId)}.</p>`);
}
