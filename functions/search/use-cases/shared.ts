/** Small helpers the search use cases share. */
import type { PersonName } from '../domain/record';

/** A timestamp column as ISO 8601 text in UTC (the same on PGlite and Aurora). */
export const isoSql = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A name as shown: first, middle, last, suffix. */
export const displayName = (n: PersonName): string => [n.first, n.middle, n.last, n.suffix].filter((p) => p !== undefined && p !== '').join(' ');
