import * as z from 'zod';

/**
 * Parses the variables a handler needs from `process.env` at cold start, so a missing or
 * malformed one fails the first invocation with its name, not a later call with `undefined`.
 */
export function loadEnv<S extends z.ZodRawShape>(shape: S, source: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}

export const nonEmpty = z.string().min(1);
