import fc from 'fast-check';
import { assertProperty } from './property';
import { readPath } from '#shared/asl';

const input = { task: { timeout: 30, deadlines: [{ at: '2026-11-23T15:00:00Z' }, { at: '2026-11-24T15:00:00Z' }] }, 'odd.key': { 'with space': 7 } };

describe('readPath', () => {
  it('returns the whole value for $', () => {
    expect(readPath('$', input)).toBe(input);
  });

  it('reads dotted fields', () => {
    expect(readPath('$.task.timeout', input)).toBe(30);
  });

  it('reads array elements by index', () => {
    expect(readPath('$.task.deadlines[1].at', input)).toBe('2026-11-24T15:00:00Z');
  });

  it("reads bracket-quoted keys that contain dots or spaces", () => {
    expect(readPath("$['odd.key']['with space']", input)).toBe(7);
  });

  it('returns undefined for a field that is not there', () => {
    expect(readPath('$.task.missing.deeper', input)).toBeUndefined();
    expect(readPath('$.task.deadlines[5]', input)).toBeUndefined();
  });

  it('returns undefined when a path goes through a scalar or null', () => {
    expect(readPath('$.task.timeout.value', input)).toBeUndefined();
    expect(readPath('$.a.b', { a: null })).toBeUndefined();
  });

  it('refuses a path that does not start with $', () => {
    expect(() => readPath('task.timeout', input)).toThrow('Not a reference path: task.timeout');
  });

  it('reads back any value placed at a generated path', () => {
    const segment = fc.oneof(
      fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/).map((k) => ({ kind: 'field' as const, key: k })),
      fc.nat({ max: 4 }).map((i) => ({ kind: 'index' as const, key: i })),
    );
    assertProperty(
      fc.property(fc.array(segment, { maxLength: 5 }), fc.jsonValue(), (segments, leaf) => {
        let value: unknown = leaf;
        for (const s of [...segments].reverse()) {
          if (s.kind === 'field') value = { [s.key]: value };
          else value = Object.assign(new Array<unknown>(s.key + 1).fill(null), { [s.key]: value });
        }
        const path = `$${segments.map((s) => (s.kind === 'field' ? `.${s.key}` : `[${s.key}]`)).join('')}`;
        return readPath(path, value) === leaf;
      }),
    );
  });
});
