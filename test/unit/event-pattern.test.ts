import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { assertProperty } from './property';
import { ROOT } from '#infra/asl';
import { eventRules } from '#infra/manifest';
import { matchesPattern } from '../../infra/local/event-pattern';

const event = {
  source: 'ciss.arrests',
  'detail-type': 'ArrestBooked',
  detail: {
    agency: { ori: 'CT0000100', name: 'Hartford PD' },
    charges: ['53a-61', '53a-125b'],
    severity: 4,
    status: 'Booked',
    optional: null,
  },
};

describe('matchesPattern', () => {
  describe('exact values', () => {
    it('matches when the field equals one of the listed values', () => {
      expect(matchesPattern({ source: ['other', 'ciss.arrests'] }, event)).toBe(true);
    });

    it('does not match when the field equals none of them', () => {
      expect(matchesPattern({ source: ['ciss.courts'] }, event)).toBe(false);
    });

    it('requires every field of the pattern to match', () => {
      expect(matchesPattern({ source: ['ciss.arrests'], 'detail-type': ['ArrestReleased'] }, event)).toBe(false);
    });

    it('compares types strictly: the string "4" is not the number 4', () => {
      expect(matchesPattern({ detail: { severity: ['4'] } }, event)).toBe(false);
      expect(matchesPattern({ detail: { severity: [4] } }, event)).toBe(true);
    });

    it('matches an explicit null only against null', () => {
      expect(matchesPattern({ detail: { optional: [null] } }, event)).toBe(true);
      expect(matchesPattern({ detail: { status: [null] } }, event)).toBe(false);
    });

    it('never matches a field the event lacks', () => {
      expect(matchesPattern({ detail: { missing: ['x'] } }, event)).toBe(false);
    });
  });

  describe('string matchers', () => {
    it('prefix matches the start of a string only', () => {
      expect(matchesPattern({ source: [{ prefix: 'ciss.' }] }, event)).toBe(true);
      expect(matchesPattern({ source: [{ prefix: 'arrests' }] }, event)).toBe(false);
    });

    it('suffix matches the end of a string only', () => {
      expect(matchesPattern({ source: [{ suffix: '.arrests' }] }, event)).toBe(true);
      expect(matchesPattern({ source: [{ suffix: 'ciss' }] }, event)).toBe(false);
    });

    it('string matchers never match a number', () => {
      expect(matchesPattern({ detail: { severity: [{ prefix: '4' }] } }, event)).toBe(false);
    });

    it('equals-ignore-case ignores case but not other differences', () => {
      expect(matchesPattern({ detail: { status: [{ 'equals-ignore-case': 'BOOKED' }] } }, event)).toBe(true);
      expect(matchesPattern({ detail: { status: [{ 'equals-ignore-case': 'BOOKE' }] } }, event)).toBe(false);
    });

    it('wildcard * spans any run of characters, and everything else is literal', () => {
      expect(matchesPattern({ source: [{ wildcard: 'ciss.*' }] }, event)).toBe(true);
      expect(matchesPattern({ source: [{ wildcard: '*.arr*s' }] }, event)).toBe(true);
      expect(matchesPattern({ source: [{ wildcard: 'ciss?arrests' }] }, event)).toBe(false);
      expect(matchesPattern({ source: [{ wildcard: 'ciss.arrest' }] }, event)).toBe(false);
    });

    it('wildcard treats a regular-expression dot as a literal dot', () => {
      expect(matchesPattern({ source: [{ wildcard: 'ciss.*' }] }, { source: 'cissXarrests' })).toBe(false);
    });
  });

  describe('anything-but', () => {
    it('with a value matches every other value', () => {
      expect(matchesPattern({ detail: { status: [{ 'anything-but': 'Released' }] } }, event)).toBe(true);
      expect(matchesPattern({ detail: { status: [{ 'anything-but': 'Booked' }] } }, event)).toBe(false);
    });

    it('with a list matches values outside the list', () => {
      expect(matchesPattern({ detail: { status: [{ 'anything-but': ['Released', 'Dismissed'] }] } }, event)).toBe(true);
      expect(matchesPattern({ detail: { status: [{ 'anything-but': ['Released', 'Booked'] }] } }, event)).toBe(false);
    });

    it('with a prefix matches values that do not start with it', () => {
      expect(matchesPattern({ source: [{ 'anything-but': { prefix: 'aws.' } }] }, event)).toBe(true);
      expect(matchesPattern({ source: [{ 'anything-but': { prefix: 'ciss.' } }] }, event)).toBe(false);
    });

    it('does not match a field the event lacks', () => {
      expect(matchesPattern({ detail: { missing: [{ 'anything-but': 'x' }] } }, event)).toBe(false);
    });
  });

  describe('exists', () => {
    it('exists: true matches a present field and not an absent one', () => {
      expect(matchesPattern({ detail: { status: [{ exists: true }] } }, event)).toBe(true);
      expect(matchesPattern({ detail: { missing: [{ exists: true }] } }, event)).toBe(false);
    });

    it('exists: false matches an absent field and not a present one', () => {
      expect(matchesPattern({ detail: { missing: [{ exists: false }] } }, event)).toBe(true);
      expect(matchesPattern({ detail: { status: [{ exists: false }] } }, event)).toBe(false);
    });
  });

  describe('numeric', () => {
    it.each([
      [['=', 4], true],
      [['=', 5], false],
      [['>', 3], true],
      [['>', 4], false],
      [['>=', 4], true],
      [['<', 4], false],
      [['<=', 4], true],
      [['>', 0, '<=', 5], true],
      [['>', 0, '<', 4], false],
    ])('numeric %j against severity 4 is %s', (condition, expected) => {
      expect(matchesPattern({ detail: { severity: [{ numeric: condition }] } }, event)).toBe(expected);
    });

    it('never matches a numeric-looking string', () => {
      expect(matchesPattern({ detail: { status: [{ numeric: ['>', 0] }] } }, { detail: { status: '7' } })).toBe(false);
    });
  });

  describe('nested objects and arrays', () => {
    it('matches nested fields level by level', () => {
      expect(matchesPattern({ detail: { agency: { ori: ['CT0000100'] } } }, event)).toBe(true);
      expect(matchesPattern({ detail: { agency: { ori: ['CT0000200'] } } }, event)).toBe(false);
    });

    it('does not match a nested pattern against a missing or scalar field', () => {
      expect(matchesPattern({ detail: { court: { id: ['x'] } } }, event)).toBe(false);
      expect(matchesPattern({ detail: { status: { id: ['x'] } } }, event)).toBe(false);
    });

    it('matches an array field when any element matches', () => {
      expect(matchesPattern({ detail: { charges: ['53a-125b'] } }, event)).toBe(true);
      expect(matchesPattern({ detail: { charges: [{ prefix: '53a-6' }] } }, event)).toBe(true);
      expect(matchesPattern({ detail: { charges: ['14-227a'] } }, event)).toBe(false);
    });

    it('never matches an event that is not an object', () => {
      expect(matchesPattern({ source: ['x'] }, 'x')).toBe(false);
      expect(matchesPattern({ source: ['x'] }, null)).toBe(false);
      expect(matchesPattern({ source: ['x'] }, [{ source: 'x' }])).toBe(false);
    });

    it('refuses a pattern whose leaf is neither a list nor an object', () => {
      expect(() => matchesPattern({ source: 'ciss.arrests' }, event)).toThrow(/expected an array or an object/);
    });

    it('refuses a matcher it does not know', () => {
      expect(() => matchesPattern({ source: [{ cidr: '10.0.0.0/24' }] }, event)).toThrow(/Unsupported event pattern matcher/);
    });
  });

  describe('properties', () => {
    const key = fc.string({ minLength: 1, maxLength: 8 });
    const flatEvent = fc.dictionary(key, fc.string({ maxLength: 12 }), { minKeys: 1, maxKeys: 6 });

    it('an event matches the pattern made of its own fields as exact values', () => {
      assertProperty(
        fc.property(flatEvent, (ev) => {
          const pattern = Object.fromEntries(Object.entries(ev).map(([k, v]) => [k, [v]]));
          return matchesPattern(pattern, ev);
        }),
      );
    });

    it('the empty pattern matches every object event', () => {
      assertProperty(fc.property(flatEvent, (ev) => matchesPattern({}, ev)));
    });

    it('anything-but the actual value never matches', () => {
      assertProperty(
        fc.property(flatEvent, fc.nat(), (ev, pick) => {
          const entries = Object.entries(ev);
          const [k, v] = entries[pick % entries.length] ?? ['', ''];
          return !matchesPattern({ [k]: [{ 'anything-but': v }] }, ev) && !matchesPattern({ [k]: [{ 'anything-but': [v, `${v}-other`] }] }, ev);
        }),
      );
    });

    it('a value always matches its own prefixes and suffixes, and equals-ignore-case of its upper case', () => {
      assertProperty(
        fc.property(fc.string({ maxLength: 20 }), fc.nat(), (value, cut) => {
          const at = cut % (value.length + 1);
          const ev = { f: value };
          return (
            matchesPattern({ f: [{ prefix: value.slice(0, at) }] }, ev) &&
            matchesPattern({ f: [{ suffix: value.slice(at) }] }, ev) &&
            matchesPattern({ f: [{ 'equals-ignore-case': value.toUpperCase() }] }, { f: value.toLowerCase() })
          );
        }),
      );
    });

    it('a wildcard made from the value with any slice replaced by * matches it', () => {
      assertProperty(
        fc.property(fc.string({ maxLength: 20 }).filter((s) => !s.includes('*')), fc.nat(), fc.nat(), (value, a, b) => {
          const [from, to] = [a % (value.length + 1), b % (value.length + 1)].sort((x, y) => x - y) as [number, number];
          return matchesPattern({ f: [{ wildcard: `${value.slice(0, from)}*${value.slice(to)}` }] }, { f: value });
        }),
      );
    });

    it('exists true and exists false disagree on every field', () => {
      assertProperty(
        fc.property(flatEvent, key, (ev, k) => matchesPattern({ [k]: [{ exists: true }] }, ev) !== matchesPattern({ [k]: [{ exists: false }] }, ev)),
      );
    });

    it('numeric ranges agree with the comparison they name', () => {
      assertProperty(
        fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (value, bound) => {
          const ev = { n: value };
          return (
            matchesPattern({ n: [{ numeric: ['<', bound] }] }, ev) === value < bound &&
            matchesPattern({ n: [{ numeric: ['>=', bound] }] }, ev) === value >= bound
          );
        }),
      );
    });
  });
});

describe('manifest event rules against the sample events', () => {
  const samplesDir = path.join(ROOT, 'events', 'samples');
  const samples = readdirSync(samplesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(path.join(samplesDir, f), 'utf8')) as Record<string, unknown>] as const);

  it.each(Object.entries(eventRules))('rule %s matches its own sample (events/samples/<rule>.json)', (rule, spec) => {
    const own = samples.find(([f]) => f === `${rule}.json`);

    expect(own).toBeDefined();
    expect(matchesPattern(spec.pattern, own?.[1])).toBe(true);
  });

  it.each(Object.entries(eventRules))('rule %s matches no sample of another detail-type', (_rule, spec) => {
    const foreign = samples.filter(([, ev]) => !(spec.pattern['detail-type'] as readonly unknown[]).includes(ev['detail-type']));

    expect(foreign.filter(([, ev]) => matchesPattern(spec.pattern, ev)).map(([f]) => f)).toEqual([]);
  });

  it.each(Object.entries(eventRules))('rule %s does not match its sample once the source changes', (rule, spec) => {
    const own = samples.find(([f]) => f === `${rule}.json`)?.[1];

    expect(matchesPattern(spec.pattern, { ...own, source: 'someone.else' })).toBe(false);
  });
});
