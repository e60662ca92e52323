import fc from 'fast-check';
import { connectorOf, FIELD_MAPS, parseTarget, readDate, readName, readNames, townCase, valuesAt, type NameOrder } from '../../functions/search/domain/connectors';
import { RecordChangeSchema } from '../../functions/search/domain/record';
import { SOURCES, sourceOf } from '../../functions/search/domain/sources';
import { assertProperty } from './property';

const map = (source: string, change: unknown) => connectorOf(sourceOf(source)!).map(change);
const upserted = (source: string, change: unknown) => {
  const m = map(source, change);
  if (!m.ok || m.change.op !== 'upsert') throw new Error(`not mapped: ${JSON.stringify(m)}`);
  return RecordChangeSchema.parse(m.change) as Extract<ReturnType<typeof RecordChangeSchema.parse>, { op: 'upsert' }>;
};

describe('connectors by configuration', () => {
  it('gives every source of the registry a connector whose field map reads', () => {
    for (const source of SOURCES) expect(() => connectorOf(source)).not.toThrow();
  });

  it("maps a DMV licence: LAST_NM/FIRST_NM, DOB as MMDDYYYY, the licence as both id and identifier, an upper-case town as the town's name", () => {
    const { record } = upserted('dmv-licences', { op: 'upsert', version: 3, LIC_NO: '123456789', LAST_NM: "O'BRIEN-NUNEZ", FIRST_NM: 'JOSE', DOB: '03041980', SEX: 'M', STREET_TOWN: 'NEW LONDON', ISSUE_DT: '01152024', CLASS: 'D' });
    expect(record).toMatchObject({ source: 'dmv-licences', id: '123456789', version: 3, kind: 'licence', title: 'Driver licence 123456789, class D', date: '2024-01-15', town: 'New London' });
    expect(record.person).toEqual({ names: [{ last: "O'BRIEN-NUNEZ", first: 'JOSE' }], dob: '1980-03-04', sex: 'M' });
    expect(record.identifiers).toEqual({ licence: ['123456789'] });
    expect(record.fields).toContainEqual({ label: 'Class', value: 'D' });
  });

  it("reads DOC's INMATE_NAME written 'LAST, FIRST M' with a particle surname and a suffix", () => {
    const { record } = upserted('doc-custody', { op: 'upsert', version: 1, INMATE_NUMBER: '300123', INMATE_NAME: 'DE LA CRUZ JR, JUAN P', DATE_OF_BIRTH: '12/31/1979', SID: 'CT01234567', FACILITY: 'Osborn CI', ADMIT_DATE: '02/03/2020' });
    expect(record.person?.names[0]).toEqual({ last: 'DE LA CRUZ', first: 'JUAN', middle: 'P', suffix: 'JR' });
    expect(record.person?.dob).toBe('1979-12-31');
    expect(record.identifiers).toEqual({ sid: ['CT01234567'] });
  });

  it("reads RMS's subject.name in natural order, particles kept with the surname, and makes the id and ORI+incident identifier of two fields", () => {
    const { record } = upserted('rms-incidents', { op: 'upsert', version: 1, agency: 'Hartford Police Department', ori: 'CT0000100', incidentNumber: '2025-00001234', reportedAt: '2025-06-01T10:00:00-05:00', town: 'Hartford', subject: { name: 'Anne Marie van der Berg', dob: '06/07/1990', role: 'victim' } });
    expect(record.id).toBe('CT0000100:2025-00001234');
    expect(record.identifiers).toEqual({ 'ori-incident': ['CT0000100:2025-00001234'] });
    expect(record.person?.names[0]).toEqual({ first: 'Anne', middle: 'Marie', last: 'van der Berg' });
    expect(record.date).toBe('2025-06-01');
  });

  it("maps despp-cch's record type to a kind and its AKA list to further names, without repeating a name", () => {
    const { record } = upserted('despp-cch', { op: 'upsert', version: 1, RECORD_NO: 'CT01234567-D1', REC_TYPE: 'DSP', SID: 'CT01234567', NAME: 'SMITH, WILLIAM', AKA: ['SMITH, BILL', 'SMITH, WILLIAM'], DOB: '19800304', EVENT_DATE: '20240101', OFFENSE: 'Larceny' });
    expect(record.kind).toBe('disposition');
    expect(record.person?.names).toEqual([
      { last: 'SMITH', first: 'WILLIAM' },
      { last: 'SMITH', first: 'BILL' },
    ]);
  });

  it("keeps a protective order's protected party in fields labelled 'Protected party', not among the record's names", () => {
    const { record } = upserted('jud-por', { op: 'upsert', version: 1, orderNumber: 'PO-25-00000001', orderType: 'Protective order', respondent: { last: 'Quinn', first: 'Sean', dob: '01/02/1985' }, protectedParty: { name: 'Rosa Peña', dob: '1990-01-01' }, issued: '03/04/2025', town: 'Milford' });
    expect(record.person?.names).toEqual([{ last: 'Quinn', first: 'Sean' }]);
    expect(record.fields.filter((f) => f.label.startsWith('Protected party')).map((f) => f.value)).toEqual(['Rosa Peña', '1990-01-01']);
  });

  it('maps an erase to the record id alone, whatever else the change carries', () => {
    expect(map('rms-incidents', { op: 'erase', version: 2, ori: 'CT0000100', incidentNumber: '2025-1' })).toEqual({ ok: true, change: { op: 'erase', source: 'rms-incidents', id: 'CT0000100:2025-1', version: 2 } });
    expect(map('jud-crmvs', { op: 'seal', version: 4, docketNo: 'H14H-CR25-0123456-S' })).toEqual({ ok: true, change: { op: 'seal', source: 'jud-crmvs', id: 'H14H-CR25-0123456-S', version: 4 } });
  });

  it("names the source's field and the rule when a value is not in the declared format", () => {
    expect(map('dmv-licences', { op: 'upsert', version: 1, LIC_NO: '123456789', LAST_NM: 'SMITH', DOB: '1980-03-04' })).toEqual({ ok: false, problem: { field: 'DOB', rule: 'must be a date, MMDDYYYY' } });
    expect(map('dmv-licences', { op: 'upsert', version: 1, LAST_NM: 'SMITH' })).toEqual({ ok: false, problem: { field: 'LIC_NO', rule: 'is required: the record id' } });
    expect(map('dmv-licences', { op: 'replace', version: 1, LIC_NO: '1' })).toMatchObject({ ok: false, problem: { field: 'op' } });
  });

  it('refuses a field map with a target it does not know, naming it', () => {
    const source = { ...sourceOf('dmv-licences')!, id: 'test-source' };
    expect(() => connectorOf(source, { ...FIELD_MAPS['dmv-licences']!, fields: { LIC_NO: 'id', X: 'identifiers.passport' } })).toThrow('Unknown target "identifiers.passport"');
    expect(() => connectorOf(source)).toThrow('Source test-source has no field map (field-maps.json)');
    expect(() => parseTarget('date:DD.MM.YYYY')).toThrow(/Unknown date format/);
  });
});

describe('reading dates, names and paths', () => {
  it('reads each declared date format and refuses days that do not exist', () => {
    expect(readDate('03041980', 'MMDDYYYY')).toBe('1980-03-04');
    expect(readDate('3/4/1980', 'MM/DD/YYYY')).toBe('1980-03-04');
    expect(readDate('03-04-1980', 'MM-DD-YYYY')).toBe('1980-03-04');
    expect(readDate('19800304', 'YYYYMMDD')).toBe('1980-03-04');
    expect(readDate('2025-06-01T23:00:00-05:00', 'ISO')).toBe('2025-06-01');
    expect(readDate('02301980', 'MMDDYYYY')).toBeUndefined();
    expect(readDate('13/01/1980', 'MM/DD/YYYY')).toBeUndefined();
  });

  it('reads any real day written in every format back to the same ISO date', () => {
    assertProperty(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        const [y, m, day] = iso.split('-');
        return readDate(`${m}${day}${y}`, 'MMDDYYYY') === iso && readDate(`${m}/${day}/${y}`, 'MM/DD/YYYY') === iso && readDate(`${y}${m}${day}`, 'YYYYMMDD') === iso && readDate(iso, 'ISO') === iso;
      }),
    );
  });

  it('reads names in each order, with suffixes and particles', () => {
    expect(readName("O'Brien, Mary Kate", 'LAST, FIRST MIDDLE')).toEqual({ last: "O'Brien", first: 'Mary', middle: 'Kate' });
    expect(readName('Maria de la Cruz', 'FIRST MIDDLE LAST')).toEqual({ first: 'Maria', last: 'de la Cruz' });
    expect(readName('William Smith-Jones III', 'FIRST MIDDLE LAST')).toEqual({ first: 'William', last: 'Smith-Jones', suffix: 'III' });
    expect(readName('VAN DER BERG ANNE M', 'LAST FIRST MIDDLE')).toEqual({ last: 'VAN DER BERG', first: 'ANNE', middle: 'M' });
    expect(readName('Zoë', 'FIRST MIDDLE LAST')).toEqual({ last: 'Zoë' });
    expect(readName('  ', 'FIRST MIDDLE LAST')).toBeUndefined();
  });

  it('reads values at dotted paths, through lists', () => {
    const record = { a: { b: 'x' }, list: [{ c: 1 }, { c: 2 }, {}], tags: ['p', '', 'q'] };
    expect(valuesAt(record, 'a.b')).toEqual(['x']);
    expect(valuesAt(record, 'list[].c')).toEqual([1, 2]);
    expect(valuesAt(record, 'tags[]')).toEqual(['p', 'q']);
    expect(valuesAt(record, 'a.missing.deeper')).toEqual([]);
  });

  it('writes an upper-case town as its name and leaves a written one alone', () => {
    expect(townCase('WEST HARTFORD')).toBe('West Hartford');
    expect(townCase('New Haven')).toBe('New Haven');
  });
});

describe('names survive every source\'s mapping', () => {
  it("reads a DMV owner name whose apostrophe the system wrote as a space: 'CHEN-D SOUZA LINDA' is Linda Chen-D'Souza, 'O BRIEN JOHN P' John P. O'Brien", () => {
    const owner = (name: string) => upserted('dmv-registrations', { op: 'upsert', version: 1, REG_ID: 'R000000001', PLATE: 'AB 12345', OWNER_NAME: name }).record.person?.names;
    expect(owner('CHEN-D SOUZA LINDA')).toEqual([{ last: 'CHEN-D SOUZA', first: 'LINDA' }]);
    expect(owner('O BRIEN JOHN P')).toEqual([{ last: 'O BRIEN', first: 'JOHN', middle: 'P' }]);
    expect(owner('O SUILLEABHAIN MARY')).toEqual([{ last: 'O SUILLEABHAIN', first: 'MARY' }]);
  });

  it('gives both readings of a lone O, D or L before the surname in natural order (an initial, or an apostrophe written as a space), the initial first', () => {
    expect(readNames('John O Brien', 'FIRST MIDDLE LAST')).toEqual([
      { first: 'John', middle: 'O', last: 'Brien' },
      { first: 'John', last: 'O Brien' },
    ]);
    expect(readNames('Linda Chen-D Souza', 'FIRST MIDDLE LAST')).toEqual([{ first: 'Linda', last: 'Chen-D Souza' }]);
    expect(readNames('Mary Ó Súilleabháin', 'FIRST MIDDLE LAST')).toEqual([{ first: 'Mary', last: 'Ó Súilleabháin' }]);
    expect(readNames('SMITH JOHN D', 'LAST FIRST MIDDLE')).toEqual([{ last: 'SMITH', first: 'JOHN', middle: 'D' }]);
  });

  /** As search compares names (schema.sql search_norm): no accents, lower case, punctuation as spaces. */
  const norm = (s: string | undefined) => (s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  const stripAccents = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  /** How a source may write a name: as given, upper case, or without accents and with its apostrophes as spaces or dropped. */
  const WRITINGS = {
    'as given': (s: string) => s,
    upper: (s: string) => s.toUpperCase(),
    'ascii, apostrophe as a space': (s: string) => stripAccents(s).replace(/'/g, ' ').toUpperCase(),
    'ascii, apostrophe dropped': (s: string) => stripAccents(s).replace(/'/g, ''),
  } as const;
  const word = fc.constantFrom('Brien', 'Souza', 'Angelo', 'Chen', 'Núñez', 'Peña', 'Gonçalves', 'Müller', 'Wiśniewski', 'Côté', 'Smith', 'Kowalski', 'Heureux');
  const surname = fc.oneof(
    word,
    word.map((w) => `O'${w}`),
    word.map((w) => `D'${w}`),
    word.map((w) => `L'${w}`),
    fc.tuple(word, word).map(([a, b]) => `${a}-${b}`),
    fc.tuple(word, word).map(([a, b]) => `${a}-D'${b}`),
    fc.tuple(fc.constantFrom('de', 'de la', 'del', 'De', 'van', 'van der', 'Van der', 'St.', 'Ó', 'di', 'dos'), word).map(([p, w]) => `${p} ${w}`),
  );
  const given = fc.constantFrom('John', 'Zoë', 'Jean-Luc', 'Siobhán', 'Mary-Kate', 'José', 'Bríd', 'Ngozi', 'Ángel', 'Anaïs', 'Wei');
  const person = fc.record({ first: given, middle: fc.option(fc.oneof(given, fc.constantFrom('P', 'D', 'O', 'L')), { nil: undefined }), last: surname, writing: fc.constantFrom(...(Object.keys(WRITINGS) as (keyof typeof WRITINGS)[])) });

  /** Sets a value at a dotted path of the source's own shape (a `[]` segment as a list of one). */
  const setAt = (target: Record<string, unknown>, path: string, value: unknown) => {
    const segments = path.split('.');
    let at: Record<string, unknown> = target;
    segments.forEach((segment, i) => {
      const list = segment.endsWith('[]');
      const key = list ? segment.slice(0, -2) : segment;
      const last = i === segments.length - 1;
      if (list) {
        const item = last ? value : {};
        at[key] = [item];
        at = item as Record<string, unknown>;
      } else if (last) at[key] = value;
      else at = (at[key] ??= {}) as Record<string, unknown>;
    });
  };
  const written = (order: NameOrder, n: { first: string; middle?: string; last: string }) =>
    order === 'LAST, FIRST MIDDLE' ? `${n.last}, ${[n.first, n.middle].filter(Boolean).join(' ')}` : order === 'LAST FIRST MIDDLE' ? [n.last, n.first, n.middle].filter(Boolean).join(' ') : [n.first, n.middle, n.last].filter(Boolean).join(' ');

  /** The change a source would send for this name: its id fields, and the name in its own fields or its own order. */
  function changeOf(source: (typeof SOURCES)[number], n: { first: string; middle?: string; last: string }): { change: Record<string, unknown>; order?: NameOrder } {
    const change: Record<string, unknown> = { op: 'upsert', version: 1 };
    const fieldMap = FIELD_MAPS[source.id];
    for (const m of (fieldMap?.record.id ?? '').matchAll(/\{([^}]+)\}/g)) setAt(change, m[1]!, 'R1');
    let order: NameOrder | undefined;
    const parts = Object.entries(fieldMap?.fields ?? {}).map(([path, spec]) => [path, spec.split('|').map((t) => t.trim())] as const);
    for (const [path, targets] of parts) {
      if (targets.includes('id')) setAt(change, path, 'R1');
      const part = targets.map((t) => /^name\.(first|middle|last)$/.exec(t)?.[1]).find(Boolean) as 'first' | 'middle' | 'last' | undefined;
      if (part && n[part]) setAt(change, path, n[part]);
    }
    if (!parts.some(([, ts]) => ts.some((t) => t.startsWith('name.')))) {
      const [path, targets] = parts.find(([, ts]) => ts.some((t) => t.startsWith('name:')))!;
      order = targets.find((t) => t.startsWith('name:'))!.slice('name:'.length) as NameOrder;
      setAt(change, path, written(order, n));
    }
    return { change, ...(order ? { order } : {}) };
  }

  it.each(SOURCES.map((s) => [s.id, s] as const))('%s: a name with apostrophes, hyphens, accents and particles comes back as its parts, as the source wrote them', (_id, source) => {
    assertProperty(
      fc.property(person, ({ writing, ...truth }) => {
        const write = WRITINGS[writing];
        // A source without a middle-name field drops the middle name.
        const keepsMiddle = Object.values(FIELD_MAPS[source.id]?.fields ?? {}).some((spec) => /name\.middle|name:/.test(spec));
        const n = { first: write(truth.first), last: write(truth.last), ...(truth.middle && keepsMiddle ? { middle: write(truth.middle) } : {}) };
        const { change, order } = changeOf(source, n);
        const mapped = map(source.id, change);
        if (!mapped.ok || mapped.change.op !== 'upsert') return false;
        const names = mapped.change.record.person?.names ?? [];
        const same = (m: { first?: string; middle?: string; last: string }) => norm(m.last) === norm(n.last) && norm(m.first) === norm(n.first) && norm(m.middle) === norm(n.middle);
        // Natural order with a lone O, D or L before the surname reads two ways; any reading may be the right one.
        const open = order === 'FIRST MIDDLE LAST' && /(^| )[ODL] /i.test(written(order, n));
        return open ? names.some(same) : names[0] !== undefined && same(names[0]);
      }),
      { numRuns: 150 },
    );
  });
});
