import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Offense classes as the reference table and arrest packets write them. */
export const OFFENSE_CLASSES = [
  'A felony',
  'B felony',
  'C felony',
  'D felony',
  'E felony',
  'unclassified felony',
  'A misdemeanor',
  'B misdemeanor',
  'C misdemeanor',
  'D misdemeanor',
  'unclassified misdemeanor',
  'infraction',
  'violation',
] as const;
export type OffenseClass = (typeof OFFENSE_CLASSES)[number];

export interface Statute {
  /** CGS section as the table keys it, e.g. `53a-61` (two rows carry a subsection, `14-223(a)`). */
  readonly section: string;
  readonly title: string;
  /** The class of the basic or first offense: many offenses grade up by circumstance. */
  readonly baseClass: OffenseClass;
  readonly category: string;
}

/** One CSV line into fields: commas separate, double quotes enclose, `""` is a quote. */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** Parses the reference table; a malformed row fails loudly (a cold start, not a wrong rejection). */
export function parseStatutes(text: string): Map<string, Statute> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const [header, ...rows] = lines;
  if (header?.trim() !== 'section,title,offense_class,category') throw new Error(`Unexpected statutes header: ${header}`);
  const table = new Map<string, Statute>();
  rows.forEach((row, i) => {
    const [section, title, baseClass, category] = csvFields(row);
    if (!section || !title || !category || !(OFFENSE_CLASSES as readonly string[]).includes(baseClass ?? '')) {
      throw new Error(`Malformed statutes row ${i + 2}: ${row}`);
    }
    if (table.has(section)) throw new Error(`Duplicate statute section ${section}`);
    table.set(section, { section, title, baseClass: baseClass as OffenseClass, category });
  });
  return table;
}

/**
 * Where the table is: beside this module's source in the repository, or beside the bundle in
 * Lambda (the CDK function copies `reference/*.csv` there).
 */
function tablePath(): string {
  const candidates = [new URL('../reference/ct-statutes.csv', import.meta.url), new URL('./ct-statutes.csv', import.meta.url)].map((u) => fileURLToPath(u));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`ct-statutes.csv not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * A statute citation as an RMS writes it: a CGS section (title, hyphen, section number, e.g.
 * `53a-61`, `14-227a`, `53a-61aa`), then any subsections, each in parentheses (`(a)`, `(1)`,
 * `(A)`, `(iv)`): `53a-61(a)(1)`, `14-227a(a)`, `14-223(b)`.
 */
export const CITATION = /^(\d{1,2}[a-z]{0,2}-\d{1,4}[a-z]{0,3})((?:\([A-Za-z0-9]{1,5}\))*)$/;
/** The expected form, for the message that refuses a malformed citation. */
export const CITATION_FORM = 'a Connecticut statute section, optionally with subsections, e.g. 53a-61 or 53a-61(a)(1)';

export interface Citation {
  /** As sent, unchanged: what the agency charged, kept for the clerk, CMS and the record. */
  readonly citation: string;
  /** The section: `53a-61` of `53a-61(a)(1)`. */
  readonly section: string;
  /** The subsections in order, without parentheses: `['a', '1']`. */
  readonly subsections: readonly string[];
}

/** Splits a citation into its section and subsections; undefined when it is not a citation. */
export function parseCitation(text: string): Citation | undefined {
  const match = CITATION.exec(text);
  if (!match) return undefined;
  const [, section = '', tail = ''] = match;
  return { citation: text, section, subsections: [...tail.matchAll(/\(([^)]*)\)/g)].map((m) => m[1] ?? '') };
}

/** A citation and the table row it falls under. */
export interface CitedStatute extends Citation {
  /** The table's key the citation matched: the section, or the section with a subsection where the table splits it (`14-223(a)`). */
  readonly key: string;
  readonly statute: Statute;
}

/**
 * The table row a citation falls under: the longest prefix of it that the table keys, so that
 * `14-223(a)(1)` finds the row `14-223(a)` and `53a-61(a)(1)` the row `53a-61`. Undefined when
 * the citation is malformed or its section is not in the table.
 */
export function resolveCitation(text: string, table: ReadonlyMap<string, Statute> = statutes()): CitedStatute | undefined {
  const citation = parseCitation(text);
  if (!citation) return undefined;
  for (let depth = citation.subsections.length; depth >= 0; depth--) {
    const key = citation.section + citation.subsections.slice(0, depth).map((s) => `(${s})`).join('');
    const statute = table.get(key);
    if (statute) return { ...citation, key, statute };
  }
  return undefined;
}

let loaded: Map<string, Statute> | undefined;

/** The Connecticut statutes reference table, read once per process. */
export function statutes(): ReadonlyMap<string, Statute> {
  loaded ??= parseStatutes(readFileSync(tablePath(), 'utf8'));
  return loaded;
}
