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
  /** CGS section as cited, e.g. `53a-61` (two rows carry a subsection, `14-223(a)`). */
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

let loaded: Map<string, Statute> | undefined;

/** The Connecticut statutes reference table, read once per process. */
export function statutes(): ReadonlyMap<string, Statute> {
  loaded ??= parseStatutes(readFileSync(tablePath(), 'utf8'));
  return loaded;
}
