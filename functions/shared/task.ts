import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { parseWith } from './http';
import { logger } from './observability';

/**
 * Wraps the use case behind a state machine Task: structured logging and zod-validated input.
 * Errors propagate: their `name` is the error a state machine `Retry` or `Catch` matches.
 */
export function taskHandler<I, O>(schema: z.ZodType<I>, fn: (input: I, context: Context) => Promise<O>) {
  return middy<unknown, O>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => fn(parseWith(schema, event), context));
}
