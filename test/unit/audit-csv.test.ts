import fc from 'fast-check';
import type { AuditRecordView } from '../../functions/audit/domain/query';
import { AuditDaySchema, AuditQuerySchema, dayRange } from '../../functions/audit/domain/query';
import { AUDIT_CSV_COLUMNS, auditCsv, csvCell } from '../../portal/src/pages/audit-csv';
import { assertProperty } from './property';

/** RFC 4180 as a spreadsheet reads it: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') quoted = false;
    else if (quoted) cell += c;
    else if (c === '"') quoted = true;
    else if (c === ',') endCell();
    else if (c === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += c;
  }
  if (cell || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}

const record = (over: Partial<AuditRecordView> = {}): AuditRecordView => ({
  at: '2026-11-29T10:00:00.000Z',
  type: 'ArrestPacketRead',
  outcome: 'success',
  actor: 'clerk-ga23',
  component: 'arrests',
  subject: { type: 'arrest-packet', id: 'PK-1' },
  source: { ip: '127.0.0.1', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' },
  details: { count: 2, reveal: false },
  ...over,
});

describe('the audit trail as CSV (auditCsv)', () => {
  it('writes a header and one CRLF line per record, with the subject split and the details as JSON', () => {
    const text = auditCsv([record(), record({ type: 'AuditTrailRead', source: undefined, details: undefined })]);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(rows[1]).toEqual(['2026-11-29T10:00:00.000Z', 'ArrestPacketRead', 'success', 'clerk-ga23', 'arrests', 'arrest-packet', 'PK-1', '127.0.0.1', 'Mozilla/5.0 (X11; Linux x86_64)', '{"count":2,"reveal":false}']);
    expect(rows[2]).toEqual(['2026-11-29T10:00:00.000Z', 'AuditTrailRead', 'success', 'clerk-ga23', 'arrests', 'arrest-packet', 'PK-1', '', '', '']);
    expect(rows).toHaveLength(3);
  });

  it('quotes a cell with a comma, a quote or a line break, and doubles its quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('plain')).toBe('plain');
  });

  it("guards cells a spreadsheet would run as a formula with a leading ', and leaves numbers alone", () => {
    for (const formula of ['=HYPERLINK("http://x")', '+1+2', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) expect(csvCell(formula).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('reads back every field as written (or guarded), whatever it holds', () => {
    assertProperty(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', '=', '+', '-', '@', ' ', 'é', '\t') }), { minLength: 1, maxLength: 6 }), (actors) => {
        const rows = parseCsv(auditCsv(actors.map((actor) => record({ actor }))));
        expect(rows.slice(1).map((r) => r[3])).toEqual(actors.map((a) => (/^[=+\-@\t\r]/.test(a) ? `'${a}` : a)));
      }),
    );
  });
});

describe('a day of the audit trail (the portal asks GET /audit by day)', () => {
  it('is a UTC date, and its range is the whole UTC day, which the API takes as from and to', () => {
    expect(dayRange('2026-11-29')).toEqual({ from: '2026-11-29T00:00:00.000Z', to: '2026-11-29T23:59:59.999Z' });
    expect(AuditQuerySchema.safeParse(dayRange('2026-11-29')).success).toBe(true);
    expect(AuditDaySchema.safeParse('2026-11-29').success).toBe(true);
    expect(AuditDaySchema.safeParse('29/11/2026').error?.issues[0]?.message).toContain('YYYY-MM-DD');
  });
});
