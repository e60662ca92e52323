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
 * How long before its Lambda's timeout an entry gives up: middy answers `TimeoutError` then, the
 * state machine's Retry may start the next attempt at once, and the handler's own work, which
 * nothing stops (on Lambda it carries on when the environment next runs), must not act after it.
 */
const GIVE_UP_EARLY_MS = 250;

/**
 * Whether this invocation may still act: false from the moment it has answered `TimeoutError`.
 * A step that writes after an await asks it first, so an attempt that ran out of time never
 * overwrites its retry's work.
 */
export function stillRunning(context: Pick<Context, 'getRemainingTimeInMillis'>): () => boolean {
  return () => typeof context.getRemainingTimeInMillis !== 'function' || context.getRemainingTimeInMillis() > GIVE_UP_EARLY_MS;
}

/**
 * The one way an entry that is not a route is made: behind a state machine Task, an EventBridge
 * rule or schedule, or a Cognito trigger. The same middlewares for each (logger context,
 * correlation keys, the failure log), and the event through the entry's zod schema.
 */
export function taskHandler<I, O>(schema: z.core.$ZodType<I>, fn: (input: I, context: Context) => Promise<O>) {
  return middy<unknown, O, Error, Context>({ timeoutEarlyInMillis: GIVE_UP_EARLY_MS })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(eventCorrelation())
    .use(failureLog())
    .handler((event, context) => fn(parseWith(schema, event), context));
}
