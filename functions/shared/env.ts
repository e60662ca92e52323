import * as z from 'zod/mini';
import { wordsForIssue } from './messages';

/**
 * A variable's rule checked without zod: its value, or the rule it breaks in words. The common
 * rules (`nonEmpty`, `optionalText`) are these. zod's first schemas cost about 4 ms of CPU at a cold
 * start (its shared prototypes are set up then), paid by every function that checks its
 * environment at import even when nothing else there needs zod before the first event.
 */
export interface EnvRule<T> {
  readonly read: (value: string | undefined) => { readonly ok: true; readonly value: T } | { readonly ok: false; readonly rule: string };
}

/** What a variable may be given as: a plain rule, or a zod schema for anything richer (a number, an e-mail address). */
export type EnvCheck = EnvRule<unknown> | z.core.$ZodType;

/** The environment a shape of checks gives: each variable's value as its rule or schema reads it. */
export type EnvOf<S extends Readonly<Record<string, EnvCheck>>> = {
  [K in keyof S]: S[K] extends EnvRule<infer T> ? T : S[K] extends z.core.$ZodType ? z.output<S[K]> : never;
};

const isSchema = (check: EnvCheck): check is z.core.$ZodType => '_zod' in check;

/**
 * Parses the variables a handler needs from `process.env` at cold start, so a missing or
 * malformed one fails the first invocation with its name and the rule in words (`EVENT_BUS_NAME:
 * is required`), not a later call with `undefined`. Plain rules are checked in a loop; a zod
 * object is built only for the variables given as zod schemas. Every bad variable is named, in
 * the shape's order.
 */
export function loadEnv<S extends Readonly<Record<string, EnvCheck>>>(shape: S, source: NodeJS.ProcessEnv = process.env): EnvOf<S> {
  const values: Record<string, unknown> = {};
  const problems: [name: string, rule: string][] = [];
  const schemas: Record<string, z.core.$ZodType> = {};
  for (const [name, check] of Object.entries(shape)) {
    if (isSchema(check)) {
      schemas[name] = check;
      continue;
    }
    const read = check.read(source[name]);
    if (read.ok) values[name] = read.value;
    else problems.push([name, read.rule]);
  }
  if (Object.keys(schemas).length > 0) {
    const parsed = z.object(schemas).safeParse(source, { error: wordsForIssue });
    if (parsed.success) Object.assign(values, parsed.data);
    else for (const issue of parsed.error.issues) problems.push([issue.path.join('.'), issue.message]);
  }
  if (problems.length > 0) {
    const order = Object.keys(shape);
    const named = problems.sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    throw new Error(`Invalid environment: ${named.map(([name, rule]) => `${name}: ${rule}`).join('; ')}`);
  }
  return values as EnvOf<S>;
}

/** Set and not empty: `is required` otherwise (zod's words for a string of at least 1 character). */
export const nonEmpty: EnvRule<string> = { read: (value) => (value ? { ok: true, value } : { ok: false, rule: 'is required' }) };

/** Set or not: the text, or `undefined`. */
export const optionalText: EnvRule<string | undefined> = { read: (value) => ({ ok: true, value }) };
