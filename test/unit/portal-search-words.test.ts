import fc from 'fast-check';
import { dayWords, highlighted, purposeWords, readingParts } from '../../portal/src/pages/search-words';
import { assertProperty } from './property';

/** CISS Search in words (the portal's search pages): the reading, dates, and the highlighted parts of a matched value. */
describe('the search page in words', () => {
  it('says how the box read a query: names, dates of birth (with the swap), identifiers, words', () => {
    expect(
      readingParts({ names: [{ first: 'Jon', last: 'Smyth' }], dobs: ['1984-03-07', '1984-07-03'], identifiers: [{ kind: 'plate', value: 'ABC1234' }, { kind: 'ori-incident', value: 'CT0000100 2026-001234' }], words: ['burglary'] }).join(' · '),
    ).toBe('Name: Smyth, Jon · Born 7 Mar 1984 or 3 Jul 1984 · Plate ABC1234 · ORI and incident CT0000100 2026-001234 · Words: burglary');
    expect(readingParts({ names: [{ last: "O'Brien" }], dobs: [], identifiers: [], words: [] })).toEqual(["Name: O'Brien"]);
    expect(readingParts({ names: [], dobs: [], identifiers: [], words: [] })).toEqual([]);
  });

  it('writes dates day, month word, year, and purposes with their short name', () => {
    expect(dayWords('2024-12-01')).toBe('1 Dec 2024');
    expect(dayWords(undefined)).toBe('');
    expect(purposeWords('C')).toBe('C, Criminal justice');
    expect(purposeWords('J')).toBe('J, Criminal-justice employment');
    expect(purposeWords('Z')).toBe('Z');
  });

  it('marks the highlighted ranges of a value, merged and clamped, in order', () => {
    expect(highlighted('Jonathan Smythe', [[9, 15], [0, 3]])).toEqual([['Jon', true], ['athan ', false], ['Smythe', true]]);
    expect(highlighted('Jon Smyth', [[0, 2], [1, 3], [8, 99], [5, 5], [-4, 0]])).toEqual([['Jon', true], [' Smyt', false], ['h', true]]);
    expect(highlighted('Smyth', [])).toEqual([['Smyth', false]]);
  });

  it('keeps every character of the value once, whatever the ranges', () => {
    assertProperty(
      fc.property(fc.string(), fc.array(fc.tuple(fc.integer({ min: -5, max: 40 }), fc.integer({ min: -5, max: 40 }))), (value, ranges) => {
        const pieces = highlighted(value, ranges);
        expect(pieces.map(([t]) => t).join('')).toBe(value);
        // No two marked (or unmarked) pieces side by side: ranges that touch are merged.
        expect(pieces.some(([, marked], i) => i > 0 && marked === pieces[i - 1]?.[1])).toBe(false);
        expect(pieces.every(([t]) => t.length > 0)).toBe(true);
      }),
    );
  });
});
