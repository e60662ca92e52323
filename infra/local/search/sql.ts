/**
 * Statements in the Data API's style (`:name` parameters) as PostgreSQL takes them, without
 * loading PGlite (the edge imports this; the database opens only when first asked).
 */
import type { SqlParams, SqlValue } from '../../../functions/search/ports';

/**
 * A statement with the Data API's named parameters (`:name`) as PostgreSQL's positional ones
 * (`$1`), and the values in that order. `::type` casts, quoted strings and quoted identifiers are
 * left alone. A name the parameters lack is an error that names it. A parameter with a cast (the
 * Data API's `typeHint`) is written `CAST($1 AS date)`. `names` gives each value's name.
 */
export function toPositional(sql: string, params: SqlParams = {}, casts: Readonly<Record<string, string>> = {}): { text: string; values: SqlValue[]; names: string[] } {
  const castKey = Object.keys(casts).length ? JSON.stringify(casts) : '';
  const key = `${castKey}\u0000${sql}`;
  let shape = shapes.get(key);
  if (!shape) {
    shape = shapeOf(sql, casts);
    // Search sends a few dozen statement texts; a bound keeps any other caller from growing it without end.
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shapes.set(key, shape);
  }
  const values = shape.names.map((name) => {
    if (!Object.hasOwn(params, name)) throw new Error(`SQL parameter :${name} has no value`);
    return params[name]!;
  });
  return { text: shape.text, values, names: [...shape.names] };
}

/** A statement's text as PostgreSQL takes it, and its parameters' names in the order of their numbers. */
interface Shape {
  readonly text: string;
  readonly names: readonly string[];
}

/**
 * Statements read once (the text is scanned character by character: about 3 ms of the runtime's
 * busy thread per search at 5 statements of a few KB each, under load).
 */
const shapes = new Map<string, Shape>();
const MAX_SHAPES = 500;

function shapeOf(sql: string, casts: Readonly<Record<string, string>>): Shape {
  const order = new Map<string, number>();
  const names: string[] = [];
  let text = '';
  for (let i = 0; i < sql.length; ) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = closingQuote(sql, i, c);
      text += sql.slice(i, end);
      i = end;
    } else if (c === '$' && sql.startsWith('$$', i)) {
      const end = sql.indexOf('$$', i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      text += sql.slice(i, stop);
      i = stop;
    } else if (c === ':' && sql[i + 1] === ':') {
      text += '::';
      i += 2;
    } else if (c === ':' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      let n = order.get(name);
      if (n === undefined) {
        names.push(name);
        n = names.length;
        order.set(name, n);
      }
      const cast = Object.hasOwn(casts, name) ? casts[name] : undefined;
      text += cast ? `CAST($${n} AS ${cast})` : `$${n}`;
      i += 1 + name.length;
    } else {
      text += c;
      i += 1;
    }
  }
  return { text, names };
}

function closingQuote(sql: string, start: number, quote: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i++;
      else return i + 1;
    }
  }
  return sql.length;
}
