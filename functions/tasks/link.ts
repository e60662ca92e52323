import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { correlate, correlationKeysOf, logger } from '#shared/observability';
import { standing } from './domain/task';
import { decideTask, linkIsGenuine, type DecideResult } from './domain/use-cases';
import { alreadyDecidedPage, cancelledPage, confirmPage, decidedPage, expiredPage, forbiddenPage, invalidPage, notReadyPage, page, unavailablePage, unknownPage } from './pages';
import { linkKeys, ports, store } from './ports';

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
      const taskId = event.pathParameters?.['taskId'] ?? '';
      correlate({ taskId });
      const params = event.httpMethod === 'POST' ? formOf(event) : new URLSearchParams(Object.entries(event.queryStringParameters ?? {}).map(([k, v]): [string, string] => [k, v ?? '']));
      const choice = params.get('choice') ?? '';
      const expires = params.get('expires') ?? undefined;
      const signature = params.get('sig') ?? undefined;

      const stored = taskId ? await store.get(taskId) : undefined;
      if (!stored) return unknownPage();
      // Known from the task, not the link: a tampered link cannot plant keys in the log.
      correlate(correlationKeysOf(stored.task));
      if (!(await linkKeys()).some((key) => linkIsGenuine(stored.task, choice, expires, signature, key))) {
        logger.warn('approval link refused: signature does not match', { taskId });
        return forbiddenPage();
      }
      if (event.httpMethod !== 'POST') {
        const now = standing(stored.task, ports.now());
        if (now === 'decided') return alreadyDecidedPage(stored.task);
        if (now === 'expired') return expiredPage(stored.task);
        if (now === 'cancelled') return cancelledPage(stored.task);
        return confirmPage(stored.task, choice, expires ?? '', signature ?? '');
      }
      const source = { ip: event.requestContext?.identity?.sourceIp, userAgent: event.requestContext?.identity?.userAgent ?? undefined };
      const result = await decideTask(stored.task, stored.sealedToken, choice, params.get('comment') ?? undefined, { id: stored.task.assignee.email, channel: 'email-link', source }, ports);
      logger.info('approval link used', { taskId, outcome: result.kind });
      return resultPage(result);
    } catch (error) {
      logger.error('approval page failed', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
      return page(500, 'Something went wrong', `<p>Nothing was decided. Please try again later; if it keeps failing, quote this reference: ${context.awsRequestId}.</p>`);
    }
  });
