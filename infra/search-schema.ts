/**
 * CISS Search's schema (functions/search/schema.sql) as the statements each back-end applies:
 * the local runtime at start, the deployment in AWS through the Data API. The file separates its
 * statements with a line holding only `-- ;`; every statement is idempotent.
 */
import { readFileSync } from 'node:fs';

export const SEARCH_SCHEMA_FILE = new URL('../functions/search/schema.sql', import.meta.url);

/** The schema's statements, in order, without their comments' separators. */
export function searchSchemaStatements(text = readFileSync(SEARCH_SCHEMA_FILE, 'utf8')): string[] {
  return text
    .split(/^-- ;\s*$/m)
    .map((statement) =>
      statement
        .split('\n')
        .filter((line) => !/^\s*--/.test(line))
        .join('\n')
        .trim(),
    )
    .filter((statement) => statement.length > 0);
}
