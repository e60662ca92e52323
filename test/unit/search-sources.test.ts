import { FIELD_MAPS, FieldMapsSchema } from '../../functions/search/domain/connectors';
import shippedMaps from '../../functions/search/domain/field-maps.json' with { type: 'json' };
import { RECORD_KINDS } from '../../functions/search/domain/record';
import { ARRESTS_SOURCE, RegistrySchema, SOURCES, sourceOf } from '../../functions/search/domain/sources';
import shipped from '../../functions/search/domain/sources.json' with { type: 'json' };

describe('the registry of source systems', () => {
  it('is valid as shipped: every entry passes the registry schema (functions use it unparsed)', () => {
    const checked = RegistrySchema.safeParse(shipped);
    expect(checked.error?.issues ?? []).toEqual([]);
    expect(checked.data).toEqual(shipped);
  });

  it("gives every source one field map, valid as shipped (connectors use them unparsed), and no map a source it lacks", () => {
    const checked = FieldMapsSchema.safeParse(shippedMaps);
    expect(checked.error?.issues ?? []).toEqual([]);
    expect(checked.data).toEqual(shippedMaps);
    expect(Object.keys(FIELD_MAPS).sort()).toEqual(SOURCES.map((s) => s.id).sort());
  });

  it('lists fourteen systems, the arrest workflow among them, each once', () => {
    expect(SOURCES).toHaveLength(14);
    expect(new Set(SOURCES.map((s) => s.id)).size).toBe(14);
    expect(sourceOf(ARRESTS_SOURCE)?.delivery.mode).toBe('events');
  });

  it('uses every delivery mode and covers the record kinds search offers as filters', () => {
    expect(new Set(SOURCES.map((s) => s.delivery.mode))).toEqual(new Set(['events', 'batch', 'poll']));
    const held = new Set(SOURCES.flatMap((s) => s.kinds));
    expect(RECORD_KINDS.filter((kind) => !held.has(kind))).toEqual([]);
  });

  it('refuses a registry that lists a source twice, naming the rule', () => {
    const twice = { version: 1, sources: [SOURCES[0], SOURCES[0]] };
    expect(RegistrySchema.safeParse(twice).error?.issues[0]?.message).toBe('source ids must be unique');
  });
});
