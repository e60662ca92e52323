/**
 * Contract tests for the events the workflows publish: each `events/<name>.ts` module has a
 * sample under `events/samples/<name>.json` and a committed contract under
 * `test/fixtures/events/<name>.contract.json`. The contract is the published shape of `detail`;
 * removing or retyping a field in it breaks consumers, so it fails here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { ROOT } from '#infra/asl';

interface FieldContract {
  readonly type: string;
  readonly optional?: true;
  readonly nullable?: true;
  readonly values?: readonly unknown[];
  readonly fields?: Readonly<Record<string, FieldContract>>;
  readonly items?: FieldContract;
}

interface EventContract {
  readonly source: string;
  readonly detailType: string;
  readonly version: string;
  readonly detail: Readonly<Record<string, FieldContract>>;
}

interface EventModuleExport {
  readonly source: string;
  readonly detailType: string;
  readonly version: string;
  readonly detail: z.ZodObject;
}

interface ZodDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly values?: readonly unknown[];
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly element?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
}

/** The published shape of a zod (v4) schema: types and presence, not value constraints. */
function contractOf(schema: z.ZodType): FieldContract {
  const def = schema._zod.def as unknown as ZodDef;
  switch (def.type) {
    case 'optional':
    case 'default':
      return { ...contractOf(def.innerType as z.ZodType), optional: true };
    case 'nullable':
      return { ...contractOf(def.innerType as z.ZodType), nullable: true };
    case 'literal':
      return { type: 'literal', values: [...(def.values ?? [])] };
    case 'enum':
      return { type: 'enum', values: Object.values(def.entries ?? {}) };
    case 'array':
      return { type: 'array', items: contractOf(def.element as z.ZodType) };
    case 'object':
      return { type: 'object', fields: fieldsOf(schema as z.ZodObject) };
    default:
      return { type: def.type };
  }
}

function fieldsOf(schema: z.ZodObject): Record<string, FieldContract> {
  return Object.fromEntries(Object.entries(schema.shape).map(([name, field]) => [name, contractOf(field as z.ZodType)]));
}

/** Published fields that are gone or changed; additions are not breaking and are not listed. */
function breakingChanges(published: Readonly<Record<string, FieldContract>>, current: Readonly<Record<string, FieldContract>>, prefix = ''): string[] {
  return Object.entries(published).flatMap(([name, was]) => {
    const field = `${prefix}${name}`;
    const now = current[name];
    if (!now) return [`${field}: removed`];
    if (was.fields && now.fields) {
      const { fields: _a, ...wasRest } = was;
      const { fields: _b, ...nowRest } = now;
      const here = JSON.stringify(wasRest) === JSON.stringify(nowRest) ? [] : [`${field}: was ${JSON.stringify(wasRest)}, now ${JSON.stringify(nowRest)}`];
      return [...here, ...breakingChanges(was.fields, now.fields, `${field}.`)];
    }
    return JSON.stringify(was) === JSON.stringify(now) ? [] : [`${field}: was ${JSON.stringify(was)}, now ${JSON.stringify(now)}`];
  });
}

const eventsDir = path.join(ROOT, 'events');
const names = readdirSync(eventsDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -'.ts'.length))
  .sort();

async function eventModule(name: string): Promise<EventModuleExport> {
  const module = (await import(pathToFileURL(path.join(eventsDir, `${name}.ts`)).href)) as Record<string, unknown>;
  const exported = Object.values(module).filter((v): v is EventModuleExport => v !== null && typeof v === 'object' && 'detailType' in v && 'detail' in v);
  if (exported.length !== 1) throw new Error(`events/${name}.ts should export exactly one event definition, found ${exported.length}`);
  return exported[0] as EventModuleExport;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const samplePath = (name: string) => path.join(eventsDir, 'samples', `${name}.json`);
const contractPath = (name: string) => path.join(ROOT, 'test', 'fixtures', 'events', `${name}.contract.json`);

describe('published event contracts', () => {
  it('finds the event modules to check', () => {
    expect(names).toContain('diagnostics-completed');
  });

  describe.each(names)('events/%s', (name) => {
    it('has a sample and a committed contract', () => {
      expect([existsSync(samplePath(name)), existsSync(contractPath(name))]).toEqual([true, true]);
    });

    it('has a sample that parses with the detail schema and carries its source and detail-type', async () => {
      const event = await eventModule(name);
      const sample = readJson(samplePath(name)) as Record<string, unknown>;

      expect(sample).toMatchObject({ source: event.source, 'detail-type': event.detailType });
      expect(event.detail.safeParse(sample['detail']).error).toBeUndefined();
    });

    it('keeps the source, detail-type and version of the contract', async () => {
      const event = await eventModule(name);
      const contract = readJson(contractPath(name)) as EventContract;

      expect({ source: event.source, detailType: event.detailType, version: event.version }).toEqual({ source: contract.source, detailType: contract.detailType, version: contract.version });
    });

    it('neither removes nor retypes a published detail field', async () => {
      const event = await eventModule(name);
      const contract = readJson(contractPath(name)) as EventContract;

      expect(breakingChanges(contract.detail, fieldsOf(event.detail))).toEqual([]);
    });

    it('lists every current detail field in the contract, so additions are published too', async () => {
      const event = await eventModule(name);
      const contract = readJson(contractPath(name)) as EventContract;

      expect(Object.keys(fieldsOf(event.detail)).filter((f) => !(f in contract.detail))).toEqual([]);
    });
  });
});

describe('the contract comparison', () => {
  const published = fieldsOf(z.object({ id: z.string(), count: z.number(), tags: z.array(z.string()), who: z.object({ ori: z.string() }) }));

  it('reports a removed field', () => {
    const current = fieldsOf(z.object({ id: z.string(), tags: z.array(z.string()), who: z.object({ ori: z.string() }) }));

    expect(breakingChanges(published, current)).toEqual(['count: removed']);
  });

  it('reports a retyped field, also inside arrays and nested objects', () => {
    const current = fieldsOf(z.object({ id: z.string(), count: z.string(), tags: z.array(z.number()), who: z.object({ ori: z.number() }) }));

    expect(breakingChanges(published, current).map((p) => p.split(':')[0])).toEqual(['count', 'tags', 'who.ori']);
  });

  it('reports a required field that became optional or nullable', () => {
    const current = fieldsOf(z.object({ id: z.string().optional(), count: z.number().nullable(), tags: z.array(z.string()), who: z.object({ ori: z.string() }) }));

    expect(breakingChanges(published, current).map((p) => p.split(':')[0])).toEqual(['id', 'count']);
  });

  it('accepts added fields and tightened value rules', () => {
    const current = fieldsOf(z.object({ id: z.string().min(3), count: z.number().int(), tags: z.array(z.string()), who: z.object({ ori: z.string(), name: z.string() }), extra: z.boolean() }));

    expect(breakingChanges(published, current)).toEqual([]);
  });
});
