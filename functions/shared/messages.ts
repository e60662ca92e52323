import type * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import type { FieldProblem } from './errors';

/**
 * Words for people, written once. A field problem keeps two forms: the machine path and rule
 * (`charges.0.chargeCountQuantity`, `must be at least 1`) for programs, and a sentence
 * (`Charge 1: chargeCountQuantity must be at least 1`) for the records clerk, the court clerk
 * and whoever reads an error body. Charges are counted from 1 for people and from 0 in paths.
 */

/** How people call the charge at a 0-based position of `charges`. */
export const chargeLabel = (index: number): string => `Charge ${index + 1}`;

/** Rules that read as a predicate of their field ("must be…", "gives…") follow it with a space; others with a colon. */
export const PREDICATE = /^(must|may|is|are|gives|has|have|differs|cites|names|does)\b/;

/**
 * A field path in words: `charges.0.statuteSection` → `Charge 1: statuteSection`,
 * `charges.2` → `Charge 3`, `(body)` → `The request body`; any other path stays as it is.
 */
export function fieldInWords(field: string): string {
  if (field === '(body)') return 'The request body';
  const charge = /^charges\.(\d+)(?:\.(.+))?$/.exec(field);
  if (charge) {
    const label = chargeLabel(Number(charge[1]));
    return charge[2] ? `${label}: ${charge[2]}` : label;
  }
  return field;
}

/** The sentence for people: where, then the rule. */
export function problemMessage(problem: Pick<FieldProblem, 'field' | 'rule'>): string {
  const where = fieldInWords(problem.field);
  return PREDICATE.test(problem.rule) ? `${where} ${problem.rule}` : `${where}: ${problem.rule}`;
}

/** A problem with its sentence for people added (`field` and `rule` unchanged, for programs). */
export function withMessage<P extends Pick<FieldProblem, 'field' | 'rule'>>(problem: P): P & { message: string } {
  return { ...problem, message: problemMessage(problem) };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  date: 'a date',
  null: 'null',
};

const FORMAT_WORDS: Readonly<Record<string, string>> = {
  email: 'an e-mail address',
  url: 'a URL',
  uuid: 'a UUID',
  date: 'a date, YYYY-MM-DD',
  datetime: 'an ISO 8601 date-time with a time zone',
  time: 'a time, HH:MM:SS',
  duration: 'an ISO 8601 duration',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  base64: 'base64 text',
  jwt: 'a JSON Web Token',
};

function sizeWords(origin: string, bound: number | bigint, n: number, inclusive: boolean, edge: 'least' | 'most'): string {
  const at = inclusive ? `at ${edge}` : edge === 'least' ? 'more than' : 'less than';
  switch (origin) {
    case 'string':
      return edge === 'least' && inclusive && n === 1 ? 'is required' : `must be ${at} ${plural(n, 'character')}`;
    case 'array':
    case 'set':
      return edge === 'least' && inclusive && n === 1 ? 'must list at least one item' : `must list ${at} ${plural(n, 'item')}`;
    case 'date':
      return `must be ${edge === 'least' ? 'on or after' : 'on or before'} ${new Date(Number(bound)).toISOString()}`;
    default:
      return `must be ${at} ${String(bound)}`;
  }
}

const list = (values: readonly unknown[]) => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');

/**
 * zod's own English for an issue, as classic `zod` gives it by default. zod/mini, which the
 * functions use (it tree-shakes to the schemas a bundle uses), has no words of its own ("Invalid
 * input" for everything); the parses that pass an issue's message on as it is give this map. Made on
 * first use, so a bundle that never calls it leaves the locale out.
 */
let english: z.core.$ZodErrorMap | undefined;
export const zodEnglish: z.core.$ZodErrorMap = (issue) => (english ??= en().localeError)(issue);

/**
 * The rule of a zod issue in words, for the issues whose schema gave none of its own (a message
 * written on the schema wins: zod consults this map only when the schema has none).
 */
export const wordsForIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'too_small':
      return sizeWords(issue.origin, issue.minimum, Number(issue.minimum), issue.inclusive ?? true, 'least');
    case 'too_big':
      return sizeWords(issue.origin, issue.maximum, Number(issue.maximum), issue.inclusive ?? true, 'most');
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'invalid_format':
      if (issue.format === 'regex') return 'is not in the expected form';
      if (issue.format === 'starts_with') return `must start with ${String((issue as { prefix?: unknown }).prefix)}`;
      if (issue.format === 'ends_with') return `must end with ${String((issue as { suffix?: unknown }).suffix)}`;
      if (issue.format === 'includes') return `must contain ${String((issue as { includes?: unknown }).includes)}`;
      return `must be ${FORMAT_WORDS[issue.format] ?? `in ${issue.format} form`}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${list(issue.values)}` : `must be one of: ${list(issue.values)}`;
    case 'unrecognized_keys':
      return `has ${issue.keys.length === 1 ? 'a field' : 'fields'} this API does not take: ${issue.keys.join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'does not match any of the accepted forms';
    case 'invalid_key':
      return 'has a field name that is not accepted';
    case 'invalid_element':
      return 'has an entry that is not accepted';
    case 'custom':
      return 'is not valid';
    default:
      return undefined;
  }
};
