import * as z from 'zod/mini';
import { wordsForIssue } from './messages';

/**
 * Parses the variables a handler needs from `process.env` at cold start, so a missing or
 * malformed one fails the first invocation with its name and the rule in words (`EVENT_BUS_NAME:
 * is required`), not a later call with `undefined`.
 */
export function loadEnv<S extends z.core.$ZodShape>(shape: S, source: NodeJS.ProcessEnv = process.env): z.infer<z.ZodMiniObject<S>> {
  const parsed = z.object(shape).safeParse(source, { error: wordsForIssue });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}

export const nonEmpty = z.string().check(z.minLength(1));
