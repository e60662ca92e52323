import { connectorOf } from '../../functions/search/domain/connectors';
import { RecordChangeSchema } from '../../functions/search/domain/record';
import { SOURCES, sourceOf } from '../../functions/search/domain/sources';
import { agencyOf as registryAgency, agencyOfTown, DEMO_TOWN } from '../../functions/agencies/domain/registry';
import { simulate, simulatePerson, sourceDeliveries, type SimWorldPart } from '../../infra/local/search/simulator';
import { TOWNS } from '../../infra/local/search/simulator-data';

const PEOPLE = 3000;
const world: SimWorldPart[] = [...simulate({ seed: 7, people: PEOPLE })];
const deliveries = world.flatMap((p) => p.deliveries);
const upserts = deliveries.filter((d) => d.change.op === 'upsert');
const text = (d: (typeof deliveries)[number]) => JSON.stringify(d.change);

describe('the source simulator', () => {
  it('makes the same world from the same seed, another from another seed, and person i the same in a smaller world', () => {
    expect(JSON.stringify([...simulate({ seed: 7, people: 50 })])).toBe(JSON.stringify(world.slice(0, 50)));
    expect(JSON.stringify([...simulate({ seed: 8, people: 50 })])).not.toBe(JSON.stringify(world.slice(0, 50)));
    expect(simulatePerson(7, 1234)).toEqual(world[1234]);
  });

  it('delivers for every source but the arrest workflow, each change readable by its connector and valid', () => {
    const sources = new Set(deliveries.map((d) => d.source));
    expect([...sources].sort()).toEqual(SOURCES.map((s) => s.id).filter((id) => id !== 'ciss-arrests').sort());
    const wrong: string[] = [];
    for (const d of deliveries) {
      const mapped = connectorOf(sourceOf(d.source)!).map(d.change);
      const change = RecordChangeSchema.safeParse(mapped.ok ? mapped.change : undefined);
      const key = change.data && (change.data.op === 'upsert' ? `${change.data.record.source}/${change.data.record.id}` : `${change.data.source}/${change.data.id}`);
      if (key !== d.key) wrong.push(d.key);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps the truth beside the records: every record belongs to one synthetic person, never named in the record', () => {
    const owner = new Map<string, string>();
    const wrong: string[] = [];
    for (const d of deliveries) {
      if ((owner.get(d.key) ?? d.personId) !== d.personId || text(d).includes(`"${d.personId}"`)) wrong.push(d.key);
      owner.set(d.key, d.personId);
    }
    expect(wrong).toEqual([]);
    expect(world.flatMap((p) => p.records).length).toBe(owner.size);
  });

  it('gives names realistic variety: apostrophes, hyphens, accents, particles, Mc and Mac', () => {
    const all = upserts.map(text).join('\n');
    for (const pattern of [/O'Brien|O'BRIEN/, /"[A-Za-z]+-[A-Za-z]+"|[A-Z][a-z]+-[A-Z][a-z]+/, /[éëñüóíç]/, /de la Cruz|DE LA CRUZ/, /Van der Berg|VAN DER BERG/, /McDonald|MCDONALD/, /MacDonald|MACDONALD/]) expect(all).toMatch(pattern);
  });

  it('spells the same person differently across sources: nicknames, transposed names, typos, swapped day and month of birth', () => {
    let nickname = 0;
    let transposed = 0;
    let swapped = 0;
    let spellings = 0;
    for (const part of world) {
      const { person } = part;
      const texts = part.deliveries.filter((d) => d.change.op === 'upsert').map(text);
      if (texts.some((t) => /"(Bill|Bob|Jim|Mike|Joe|Tom|Liz|Peggy|Kate|Tony)"|"(Bill|Bob|Jim|Mike|Joe|Tom|Liz|Peggy|Kate|Tony) /.test(t))) nickname++;
      if (texts.some((t) => t.includes(`"LAST_NM":"${person.first.toUpperCase()}"`) || t.includes(`"name":"${person.last} ${person.first}`))) transposed++;
      const [y, m, d] = person.dob.split('-');
      if (m !== d && Number(d) <= 12 && texts.some((t) => t.includes(`${y}-${d}-${m}`) || t.includes(`${d}${m}${y}"`) || t.includes(`${d}/${m}/${y}`))) swapped++;
      const lasts = new Set(texts.map((t) => /"(?:LAST_NM|lastName|last|family)":"([^"]+)"/.exec(t)?.[1]?.toUpperCase()).filter(Boolean));
      if (lasts.size > 1) spellings++;
    }
    expect(nickname).toBeGreaterThan(10);
    expect(transposed).toBeGreaterThan(2);
    expect(swapped).toBeGreaterThan(5);
    expect(spellings).toBeGreaterThan(20);
  });

  it('has a few juvenile records, protective orders with a protected party, updates, erasures and seals', () => {
    const records = world.flatMap((p) => p.records);
    const juvenile = records.filter((r) => r.juvenile);
    expect(juvenile.length).toBeGreaterThan(0);
    expect(juvenile.length).toBeLessThan(records.length / 50);
    const orders = upserts.filter((d) => d.source === 'jud-por');
    expect(orders.length).toBeGreaterThan(10);
    expect(orders.every((d) => typeof (d.change['protectedParty'] as { name?: unknown }).name === 'string')).toBe(true);
    expect(deliveries.some((d) => d.change.version > 1 && d.change.op === 'upsert')).toBe(true);
    const erased = deliveries.filter((d) => d.change.op === 'erase');
    const sealed = deliveries.filter((d) => d.change.op === 'seal');
    expect(erased.length).toBeGreaterThan(10);
    expect(sealed.length).toBeGreaterThan(0);
    for (const d of [...erased, ...sealed]) expect(records.find((r) => r.key === d.key)?.present).toBe(false);
  });

  it("delivers a source's changes in order: each record's versions one after another", () => {
    const last = new Map<string, number>();
    for (const d of sourceDeliveries(7, 500, 'jud-crmvs')) {
      expect(d.change.version).toBe((last.get(d.key) ?? 0) + 1);
      last.set(d.key, d.change.version);
    }
  });

  it("names each town's police agency by the agency registry's ORI and name: an RMS incident, a criminal-history arrest, the demo town's CT0000100", () => {
    for (const [town] of TOWNS) expect(agencyOfTown(town)).toBeDefined();
    const incidents = upserts.filter((d) => d.source === 'rms-incidents').map((d) => d.change as unknown as { ori: string; agency: string; town: string });
    expect(incidents.length).toBeGreaterThan(50);
    const wrong = incidents.filter((i) => agencyOfTown(i.town)?.ori !== i.ori || agencyOfTown(i.town)?.name !== i.agency);
    expect(wrong).toEqual([]);
    const demo = incidents.filter((i) => i.town === DEMO_TOWN);
    expect(demo.length).toBeGreaterThan(0);
    expect(new Set(demo.map((i) => i.ori))).toEqual(new Set(['CT0000100']));
    const arrests = upserts.filter((d) => d.source === 'despp-cch' && d.change['REC_TYPE'] === 'ARR').map((d) => String(d.change['ARREST_ORI']));
    expect(arrests.length).toBeGreaterThan(20);
    expect(arrests.filter((ori) => registryAgency(ori)?.kind !== 'municipal')).toEqual([]);
  });
});
