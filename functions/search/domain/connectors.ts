/**
 * Connectors: each source system delivers records in its own shape (its field names, its date
 * formats, its name order); its field map (field-maps.json, by source id) says how that shape maps
 * onto the canonical record, and this one module does the mapping for every source. Adding a
 * source is configuration, not code. Only this module reads the field maps: a function that needs
 * the registry alone (sources.json) does not carry them.
 *
 * A field map's `record` gives what every record of the source has: its kind, a title made of its
 * fields as `{field}`, and an id or identifiers made of several fields. Its `fields` map each of
 * the source's own fields (a dotted path, `[]` for each item of a list) to one or more canonical
 * targets separated by ` | `: id, kind, date[:FORMAT], town, juvenile, person.dob[:FORMAT],
 * person.sex, name.first|middle|last|suffix, name:ORDER (a whole name written in that order),
 * alias:ORDER, identifiers.<kind>, field:<Label>. FORMAT is ISO (the default), MMDDYYYY,
 * MM/DD/YYYY, MM-DD-YYYY or YYYYMMDD; ORDER is 'LAST, FIRST MIDDLE', 'FIRST MIDDLE LAST' or
 * 'LAST FIRST MIDDLE'.
 *
 * A change as a source delivers it is the source's own record with two more fields: `op`
 * (upsert, erase or seal) and `version`. An erase or a seal carries only the fields that make the
 * record's id. The result is a candidate `RecordChange`, which the ingest use case checks with
 * RecordChangeSchema; what the mapping itself cannot read (a date not in the declared format) is a
 * problem naming the source's field and the rule.
 */
import * as z from 'zod/mini';
import { zodEnglish } from '#shared/messages';
import fieldMaps from './field-maps.json' with { type: 'json' };
import { lazy } from '#shared/lazy';
import { IDENTIFIER_KINDS, RECORD_KINDS, RecordKindSchema, SourceIdSchema, type IdentifierKind, type PersonName, type RecordKind, type SearchRecordInput } from './record';
import type { Source } from './sources';

export const DATE_FORMATS = ['ISO', 'MMDDYYYY', 'MM/DD/YYYY', 'MM-DD-YYYY', 'YYYYMMDD'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];
export const NAME_ORDERS = ['LAST, FIRST MIDDLE', 'FIRST MIDDLE LAST', 'LAST FIRST MIDDLE'] as const;
export type NameOrder = (typeof NAME_ORDERS)[number];

/** How a source's own records map onto the canonical record (field-maps.json, one per source). */
export const FieldMapSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    /** What every record of the source has: its kind, its title, and an id or identifiers made of several fields. */
    record: z.object({
      kind: RecordKindSchema,
      /** A template: `{path}` is the source's field at that path. */
      title: z.string().check(z.minLength(1), z.maxLength(200)),
      /** When a field maps to `kind`: its values and the kinds they stand for. */
      kinds: z.optional(z.record(z.string(), RecordKindSchema)),
      /** A template for the record id, when the source's id is made of several fields. */
      id: z.optional(z.string().check(z.minLength(1))),
      identifiers: z.optional(z.partialRecord(z.enum(IDENTIFIER_KINDS), z.string().check(z.minLength(1)))),
    }),
    /** The source's own field names (dotted paths) and the canonical targets each maps to. */
    fields: z.record(z.string(), z.string()),
  }),
);
export type FieldMap = z.infer<typeof FieldMapSchema>;

/** Every source's field map, by source id. */
export const FieldMapsSchema = /* @__PURE__ */ lazy(() => z.record(SourceIdSchema, FieldMapSchema));

/**
 * The field maps as shipped: fixed data in the bundle, checked against FieldMapsSchema (and
 * against the registry: one per source) by the unit test, not parsed at every cold start.
 */
export const FIELD_MAPS = fieldMaps as unknown as Readonly<Record<string, FieldMap>>; // JSON's inferred type knows no enums or optional fields

/** A change as a source delivers it: its own record, with the op and the version. */
export const SourceChangeSchema = /* @__PURE__ */ lazy(() => z.looseObject({ op: z.enum(['upsert', 'erase', 'seal']), version: z.int().check(z.gte(1)) }));
export type SourceChange = z.infer<typeof SourceChangeSchema>;

/** A canonical change as mapped, still to be checked (RecordChangeSchema). */
export type CandidateChange =
  | { readonly op: 'upsert'; readonly record: SearchRecordInput }
  | { readonly op: 'erase' | 'seal'; readonly source: string; readonly id: string; readonly version: number };

/** What a connector could not read: the source's field and the rule it breaks. */
export interface MappingProblem {
  readonly field: string;
  readonly rule: string;
}

export type Mapped = { readonly ok: true; readonly change: CandidateChange } | { readonly ok: false; readonly problem: MappingProblem };

type Target =
  | { readonly to: 'id' | 'kind' | 'town' | 'juvenile' | 'sex' }
  | { readonly to: 'date' | 'dob'; readonly format: DateFormat }
  | { readonly to: 'name-part'; readonly part: keyof PersonName }
  | { readonly to: 'name' | 'alias'; readonly order: NameOrder }
  | { readonly to: 'identifier'; readonly kind: IdentifierKind }
  | { readonly to: 'field'; readonly label: string };

/** One target of a `fields` map, read from its text; an error names the text and what it may be. */
export function parseTarget(text: string): Target {
  const [head = '', ...rest] = text.trim().split(':');
  const arg = rest.join(':').trim();
  const format = (): DateFormat => {
    const f = (arg || 'ISO') as DateFormat;
    if (!DATE_FORMATS.includes(f)) throw new Error(`Unknown date format "${arg}" in "${text}": one of ${DATE_FORMATS.join(', ')}`);
    return f;
  };
  const order = (): NameOrder => {
    if (!NAME_ORDERS.includes(arg as NameOrder)) throw new Error(`Unknown name order "${arg}" in "${text}": one of ${NAME_ORDERS.join('; ')}`);
    return arg as NameOrder;
  };
  switch (head) {
    case 'id':
    case 'kind':
    case 'town':
    case 'juvenile':
      return { to: head };
    case 'person.sex':
      return { to: 'sex' };
    case 'date':
      return { to: 'date', format: format() };
    case 'person.dob':
      return { to: 'dob', format: format() };
    case 'name':
      return { to: 'name', order: order() };
    case 'alias':
      return { to: 'alias', order: order() };
    case 'field':
      if (!arg) throw new Error(`"${text}" needs a label: field:<Label>`);
      return { to: 'field', label: arg };
  }
  const part = /^name\.(first|middle|last|suffix)$/.exec(head)?.[1];
  if (part) return { to: 'name-part', part: part as keyof PersonName };
  const kind = /^identifiers\.(.+)$/.exec(head)?.[1];
  if (kind && (IDENTIFIER_KINDS as readonly string[]).includes(kind)) return { to: 'identifier', kind: kind as IdentifierKind };
  throw new Error(`Unknown target "${text}"`);
}

/** The values at a dotted path (`a.b`, `list[].c`, `list[]`): none, one or several. */
export function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const segment of path.split('.')) {
    const each = segment.endsWith('[]');
    const key = each ? segment.slice(0, -2) : segment;
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) continue;
      const child = (v as Record<string, unknown>)[key];
      if (each && Array.isArray(child)) next.push(...(child as unknown[]));
      else if (!each) next.push(child);
    }
    current = next;
  }
  return current.filter((v) => v !== undefined && v !== null && v !== '');
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() || undefined : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

const pad = (n: string) => n.padStart(2, '0');

/** A date in a source's format as ISO `YYYY-MM-DD`, or undefined when it is not one (or not a real day). */
export function readDate(value: string, format: DateFormat): string | undefined {
  const v = value.trim();
  let m: RegExpExecArray | null;
  let y: string, mo: string, d: string;
  switch (format) {
    case 'ISO':
      m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(v);
      if (!m) return undefined;
      [, y, mo, d] = m as unknown as [string, string, string, string];
      break;
    case 'MMDDYYYY':
      m = /^(\d{2})(\d{2})(\d{4})$/.exec(v);
      if (!m) return undefined;
      [, mo, d, y] = m as unknown as [string, string, string, string];
      break;
    case 'MM/DD/YYYY':
    case 'MM-DD-YYYY':
      m = (format === 'MM/DD/YYYY' ? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/ : /^(\d{1,2})-(\d{1,2})-(\d{4})$/).exec(v);
      if (!m) return undefined;
      [, mo, d, y] = m as unknown as [string, string, string, string];
      break;
    case 'YYYYMMDD':
      m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
      if (!m) return undefined;
      [, y, mo, d] = m as unknown as [string, string, string, string];
      break;
  }
  const iso = `${y}-${pad(mo)}-${pad(d)}`;
  const day = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

const SUFFIXES = new Set(['JR', 'SR', 'II', 'III', 'IV', 'V']);
/** Words that belong to the surname that follows them: de la Cruz, Van der Berg, St. John. */
const PARTICLES = new Set(['DE', 'DEL', 'DELLA', 'LA', 'LE', 'DA', 'DI', 'DOS', 'DAS', 'DU', 'VAN', 'VON', 'DER', 'DEN', 'TER', 'ST', 'ST.', 'BIN', 'AL', 'EL', 'MAC', 'MC', 'Y', 'Ó']);
const isParticle = (w: string) => PARTICLES.has(w.toUpperCase());
const isSuffix = (w: string) => SUFFIXES.has(w.toUpperCase().replace(/\.$/, ''));
/**
 * What is left of a surname's elided particle when a system cannot store the apostrophe and
 * writes a space instead: "O BRIEN" for O'Brien, "D SOUZA" for D'Souza, "CHEN-D SOUZA" for
 * Chen-D'Souza. (The Irish "Ó", written apart as in "Ó Súilleabháin", is a particle.)
 */
const ELIDED = /^[ODL]$/i;
const ENDS_ELIDED = /\p{L}-[ODL]$/iu;
/** A word that is the first of a surname: a particle, a lone elided letter, or a hyphenated word ending in one. */
const startsSurname = (w: string) => isParticle(w) || ELIDED.test(w) || ENDS_ELIDED.test(w);

const withParts = (last: string | undefined, firstAndMiddle: readonly string[], suffix: string | undefined): PersonName | undefined => {
  if (!last) return undefined;
  const [first, ...middle] = firstAndMiddle;
  return { last, ...(first ? { first } : {}), ...(middle.length ? { middle: middle.join(' ') } : {}), ...(suffix ? { suffix } : {}) };
};

/**
 * A whole name as written in a given order, as its parts; undefined when it has no surname. Where
 * the order leaves it open, the likelier reading (readNames gives the others too).
 */
export function readName(value: string, order: NameOrder): PersonName | undefined {
  return readNames(value, order)[0];
}

/**
 * Every reading of a whole name written in a given order, the likelier first; none when it has no
 * surname. Only one case has two: natural order with a lone O, D or L before the surname
 * ("JOHN O BRIEN"), which is a middle initial or O'Brien with its apostrophe turned into a space;
 * the record carries both names, so either spelling finds it.
 */
export function readNames(value: string, order: NameOrder): PersonName[] {
  const clean = value.replace(/\s+/g, ' ').trim();
  if (!clean) return [];
  let suffix: string | undefined;
  if (order === 'LAST, FIRST MIDDLE') {
    const comma = clean.indexOf(',');
    if (comma < 0) return readNames(clean, 'LAST FIRST MIDDLE');
    const surname = clean.slice(0, comma).trim().split(' ');
    if (surname.length > 1 && isSuffix(surname.at(-1)!)) suffix = surname.pop();
    const rest = clean.slice(comma + 1).split(/[ ,]+/).filter(Boolean);
    if (rest.length > 1 && isSuffix(rest.at(-1)!)) suffix = rest.pop();
    const name = withParts(surname.join(' '), rest, suffix);
    return name ? [name] : [];
  }
  const words = clean.split(' ');
  if (words.length > 1 && isSuffix(words.at(-1)!)) suffix = words.pop();
  if (order === 'LAST FIRST MIDDLE') {
    // The surname comes first, so a lone letter there is never an initial.
    let end = 1;
    while (end < words.length - 1 && startsSurname(words[end - 1]!)) end++;
    const name = withParts(words.slice(0, end).join(' '), words.slice(end), suffix);
    return name ? [name] : [];
  }
  // FIRST MIDDLE LAST: particles and a hyphenated word ending in an elided letter belong to the
  // surname; a lone elided letter may be a middle initial, so it gives a second reading.
  let start = words.length - 1;
  while (start > 1 && (isParticle(words[start - 1]!) || ENDS_ELIDED.test(words[start - 1]!))) start--;
  const name = withParts(words.slice(start).join(' '), words.slice(0, start), suffix);
  if (!name) return [];
  if (start > 1 && ELIDED.test(words[start - 1]!)) {
    const joined = withParts(words.slice(start - 1).join(' '), words.slice(0, start - 1), suffix);
    if (joined) return [name, joined];
  }
  return [name];
}

/** A town as places are written ("NEW LONDON" from an upper-case system as "New London"), so the town filter meets one spelling. */
export const townCase = (town: string): string => (town === town.toUpperCase() ? town.toLowerCase().replace(/(^|[\s-])\p{L}/gu, (c) => c.toUpperCase()) : town);

const TRUE = new Set(['Y', 'YES', 'TRUE', '1', 'T']);
const SEXES = new Set(['F', 'M', 'X', 'U']);

/** `{path}` in a template replaced by the record's value there; undefined when one is missing. */
function fill(template: string, record: unknown): string | undefined {
  let missing = false;
  const out = template.replace(/\{([^}]+)\}/g, (_, path: string) => {
    const v = valuesAt(record, path).map(text).filter(Boolean);
    if (v.length === 0) missing = true;
    return v.join(', ');
  });
  return missing ? undefined : out;
}

/** The title: a template whose missing values are left out, not the whole title. */
function title(template: string, record: unknown): string {
  const out = template
    .replace(/\{([^}]+)\}/g, (_, path: string) => valuesAt(record, path).map(text).filter(Boolean).join(', '))
    .replace(/\s+([,:])/g, '$1')
    .replace(/[,:]\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return out.slice(0, 200);
}

/** A connector: a source's fields map, read once. */
export interface Connector {
  readonly source: Source;
  map(change: unknown): Mapped;
}

class FieldMapConnector implements Connector {
  private readonly targets: readonly (readonly [string, readonly Target[]])[];
  private readonly record: FieldMap['record'];

  constructor(
    readonly source: Source,
    fieldMap: FieldMap | undefined,
  ) {
    if (!fieldMap) throw new Error(`Source ${source.id} has no field map (field-maps.json)`);
    this.record = fieldMap.record;
    this.targets = Object.entries(fieldMap.fields).map(([path, spec]) => [path, spec.split('|').map(parseTarget)] as const);
    const ids = this.targets.filter(([, ts]) => ts.some((t) => t.to === 'id')).length;
    if (ids !== (fieldMap.record.id ? 0 : 1)) throw new Error(`Source ${source.id} must give its record id once: by one field mapped to id, or record.id`);
  }

  map(change: unknown): Mapped {
    const envelope = SourceChangeSchema.safeParse(change, { error: zodEnglish });
    if (!envelope.success) {
      const issue = envelope.error.issues[0]!;
      return { ok: false, problem: { field: issue.path.join('.') || '(change)', rule: issue.message } };
    }
    const delivered = envelope.data;
    const record = this.record;
    const problems: MappingProblem[] = [];
    let id = record.id ? fill(record.id, delivered) : undefined;
    let kind: RecordKind = record.kind;
    let date: string | undefined, dob: string | undefined, town: string | undefined, sex: 'F' | 'M' | 'X' | 'U' | undefined;
    let juvenile = false;
    const name: PersonName = { last: '' };
    const names: PersonName[] = [];
    const aliases: PersonName[] = [];
    const identifiers: Partial<Record<IdentifierKind, string[]>> = {};
    const fields: { label: string; value: string }[] = [];
    const addIdentifier = (k: IdentifierKind, v: string) => {
      const list = (identifiers[k] ??= []);
      if (!list.includes(v)) list.push(v);
    };

    for (const [path, targets] of this.targets) {
      const values = valuesAt(delivered, path).map(text).filter((v): v is string => v !== undefined);
      if (values.length === 0) continue;
      const first = values[0]!;
      for (const target of targets) {
        switch (target.to) {
          case 'id':
            id = first;
            break;
          case 'kind': {
            const k = record.kinds?.[first] ?? first;
            if ((RECORD_KINDS as readonly string[]).includes(k)) kind = k as RecordKind;
            else problems.push({ field: path, rule: `must be one of: ${Object.keys(record.kinds ?? {}).join(', ') || RECORD_KINDS.join(', ')}` });
            break;
          }
          case 'town':
            town = townCase(first);
            break;
          case 'juvenile':
            juvenile = TRUE.has(first.toUpperCase());
            break;
          case 'sex': {
            const s = first.slice(0, 1).toUpperCase();
            sex = (SEXES.has(s) ? s : 'U') as typeof sex;
            break;
          }
          case 'date':
          case 'dob': {
            const iso = readDate(first, target.format);
            if (!iso) problems.push({ field: path, rule: `must be a date, ${target.format === 'ISO' ? 'YYYY-MM-DD' : target.format}` });
            else if (target.to === 'date') date = iso;
            else dob = iso;
            break;
          }
          case 'name-part':
            name[target.part] = values.join(' ');
            break;
          case 'name':
          case 'alias':
            for (const v of values) {
              const [read, ...others] = readNames(v, target.order);
              if (!read) problems.push({ field: path, rule: `must be a name written ${target.order}` });
              else if (target.to === 'name') names.push(read, ...others);
              else aliases.push(read, ...others);
            }
            break;
          case 'identifier':
            for (const v of values) addIdentifier(target.kind, v);
            break;
          case 'field':
            fields.push({ label: target.label, value: values.join('; ').slice(0, 2000) });
            break;
        }
      }
    }
    for (const [k, template] of Object.entries(record.identifiers ?? {}) as [IdentifierKind, string][]) {
      const v = fill(template, delivered);
      if (v) addIdentifier(k, v);
    }

    if (!id) return { ok: false, problem: { field: record.id ?? this.idField(), rule: 'is required: the record id' } };
    if (delivered.op !== 'upsert') return { ok: true, change: { op: delivered.op, source: this.source.id, id, version: delivered.version } };
    if (problems[0]) return { ok: false, problem: problems[0] };

    const seen = new Set<string>();
    const allNames = [...(name.last ? [name] : []), ...names, ...aliases]
      .filter((n) => {
        const k = JSON.stringify([n.first, n.middle, n.last, n.suffix]);
        return !seen.has(k) && seen.add(k);
      })
      .slice(0, 10);
    const person = allNames.length > 0 ? { names: allNames, ...(dob ? { dob } : {}), ...(sex ? { sex } : {}) } : undefined;
    const out: SearchRecordInput = {
      source: this.source.id,
      id,
      version: delivered.version,
      kind,
      title: title(record.title, delivered) || `${this.source.name} ${id}`,
      ...(date ? { date } : {}),
      ...(town ? { town } : {}),
      ...(person ? { person } : {}),
      identifiers,
      juvenile,
      fields: fields.slice(0, 60),
    };
    return { ok: true, change: { op: 'upsert', record: out } };
  }

  private idField(): string {
    return this.targets.find(([, ts]) => ts.some((t) => t.to === 'id'))?.[0] ?? 'id';
  }
}

const connectors = new Map<string, Connector>();

/** The connector of a source: by its shipped field map (made once), or by the one given. */
export function connectorOf(source: Source, fieldMap: FieldMap | undefined = FIELD_MAPS[source.id]): Connector {
  if (fieldMap !== FIELD_MAPS[source.id]) return new FieldMapConnector(source, fieldMap);
  let connector = connectors.get(source.id);
  if (!connector) {
    connector = new FieldMapConnector(source, fieldMap);
    connectors.set(source.id, connector);
  }
  return connector;
}
