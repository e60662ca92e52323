import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { WindowCounter } from '#shared/adapters/rate-limit';
import { recordAudit, sourceOf } from '#shared/audit';
import { wellFormedId } from '#shared/ids';
import { correlate, correlationKeysOf, logger } from '#shared/observability';
import { standing } from './domain/task';
import { auditRefusedLink, REFUSALS_RECORDED_PER_MINUTE, type LinkRefusal } from './domain/refusals';
import { decideTask, linkIsGenuine, type DecideResult } from './domain/use-cases';
import { alreadyDecidedPage, cancelledPage, confirmPage, decidedPage, expiredPage, forbiddenPage, invalidPage, notReadyPage, page, unavailablePage, unknownPage } from './pages';
import { env, linkKeys, ports, store } from './ports';

const refusals = new WindowCounter(env.TABLE_NAME, 'approval-link-refused', REFUSALS_RECORDED_PER_MINUTE);


/** Audits a refused link; the refusal stands, and is answered the same, if recording fails. */
async function refused(event: APIGatewayProxyEvent, taskId: string, reason: LinkRefusal): Promise<void> {
  const recorded = await auditRefusedLink(
    { taskId, reason, method: event.httpMethod, source: sourceOf(event) },
    { take: (source) => refusals.take(source, ports.now()), limit: refusals.limit, record: recordAudit },
  ).catch((error: unknown) => {
    logger.error('could not audit a refused approval link', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
    return false;
  });
  logger.warn('approval link refused', { reason, recorded });
}

function formOf(event: APIGatewayProxyEvent): URLSearchParams {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  return new URLSearchParams(raw);
}

function resultPage(result: DecideResult): APIGatewayProxyResult {
  switch (result.kind) {
    case 'decided':
      return decidedPage(result.task);
    case 'already-decided':
      return alreadyDecidedPage(result.task);
    case 'expired':
      return expiredPage(result.task);
    case 'cancelled':
      return cancelledPage(result.task);
    case 'invalid':
      return invalidPage(result.problem);
    case 'not-ready':
      return notReadyPage(result.task, result.problem);
    case 'unavailable':
      return unavailablePage();
  }
}

/**
 * GET and POST /approvals/{taskId}: the page an e-mailed link opens.
 * 1. find the task (404) and check the link's signature over task, choice, assignee, expiry (403)
 * 2. GET: show where the task stands, or a confirmation form; it never changes anything, so a
 *    mail scanner that follows the link decides nothing
 * 3. POST: decide, once (decideTask), and show the outcome
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    try {
      // A malformed id cannot name a task: the page for an unknown one, without reading the table.
      const taskId = wellFormedId('task', event.pathParameters?.['taskId']) ?? '';
      correlate({ taskId });
      const params = event.httpMethod === 'POST' ? formOf(event) : new URLSearchParams(Object.entries(event.queryStringParameters ?? {}).map(([k, v]): [string, string] => [k, v ?? '']));
      const choice = params.get('choice') ?? '';
      const expires = params.get('expires') ?? undefined;
      const signature = params.get('sig') ?? undefined;

      const stored = taskId ? await store.get(taskId) : undefined;
      if (!stored) {
        await refused(event, taskId || (event.pathParameters?.['taskId'] ?? ''), 'unknown task');
        return unknownPage();
      }
      // Known from the task, not the link: a tampered link cannot plant keys in the log.
      correlate(correlationKeysOf(stored.task));
      if (!(await linkKeys()).some((key) => linkIsGenuine(stored.task, choice, expires, signature, key))) {
        await refused(event, taskId, 'signature does not match');
        return forbiddenPage();
      }
      if (event.httpMethod !== 'POST') {
        const now = standing(stored.task, ports.now());
        if (now === 'decided') return alreadyDecidedPage(stored.task);
        if (now === 'expired') return expiredPage(stored.task);
        if (now === 'cancelled') return cancelledPage(stored.task);
        return confirmPage(stored.task, choice, expires ?? '', signature ?? '');
      }
      const source = sourceOf(event);
      const result = await decideTask(stored.task, stored.sealedToken, choice, params.get('comment') ?? undefined, { id: stored.task.assignee.email, channel: 'email-link', source }, ports);
      logger.info('approval link used', { taskId, outcome: result.kind });
      return resultPage(result);
    } catch (error) {
      logger.error('approval page failed', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
      return page(500, 'Something went wrong', `<p>Nothing was decided. Please try again later; if it keeps failing, quote this reference: ${context.awsRequestId}.</p>`);
    }
  });
