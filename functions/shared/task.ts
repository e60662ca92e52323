import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { parseWith } from './http';
import { correlate, correlationKeysOf, logger } from './observability';

type Middleware = middy.MiddlewareObj<unknown, unknown, Error, Context>;

/** Log lines carry the packet, access request, execution or task the event names. */
export function eventCorrelation(): Middleware {
  return { before: (request) => correlate(correlationKeysOf(request.event)) };
}

/**
 * Each failure is logged once, with the correlation keys, and let through: its `name` is the
 * error a state machine's `Retry` or `Catch` matches (or what Cognito or EventBridge sees). Name
 * and message only: messages are written for operators; inputs are justice data.
 */
export function failureLog(): Middleware {
  return {
    onError: (request) => {
      const error = request.error;
      logger.error('task failed', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
    },
  };
}

/**
 * The one way an entry that is not a route is made: behind a state machine Task, an EventBridge
 * rule or schedule, or a Cognito trigger. The same middlewares for each (logger context,
 * correlation keys, the failure log), and the event through the entry's zod schema.
 */
export function taskHandler<I, O>(schema: z.core.$ZodType<I>, fn: (input: I, context: Context) => Promise<O>) {
  return middy<unknown, O, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(eventCorrelation())
    .use(failureLog())
    .handler((event, context) => fn(parseWith(schema, event), context));
}
