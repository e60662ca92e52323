import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { parseWith } from './http';
import { correlate, correlationKeysOf, logger } from './observability';

/**
 * Wraps the use case behind a state machine Task (or an EventBridge target): structured logging
 * with the packet, access request and execution the input names as correlation keys, and
 * zod-validated input. Errors propagate: their `name` is the error a state machine `Retry` or
 * `Catch` matches; each is logged once here, with those keys, so a failed step can be found by
 * packet or execution.
 */
export function taskHandler<I, O>(schema: z.ZodType<I>, fn: (input: I, context: Context) => Promise<O>) {
  return middy<unknown, O>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      correlate(correlationKeysOf(event));
      try {
        return await fn(parseWith(schema, event), context);
      } catch (error) {
        // Name and message only: messages are written for operators; inputs are justice data.
        logger.error('task failed', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
        throw error;
      }
    });
}
