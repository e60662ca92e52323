/**
 * The arrest packet as CISS Search's ciss-arrests source maps it (search's field map for
 * ciss-arrests, functions/search/domain/field-maps.json, read by its connectors' module), written
 * out for this one source: the rules read the arrest by the same names, identifiers, fields and
 * labels search shows, without carrying every source's field map and the module that reads them.
 * test/unit/dissemination-arrest-record.test.ts holds it equal to the connector's mapping, so a
 * change to that field map that is not made here too fails there.
 */
import type { PacketRecord } from '../../arrests/adapters/packet-store';
import { readDate, townCase } from '../../search/domain/connectors';
import { SearchRecordSchema, type PersonName, type SearchRecord } from '../../search/domain/record';
import { ARRESTS_SOURCE } from '../../search/domain/sources';

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() || undefined : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/** The texts at a dotted path (`a.b`, `list[].c`), as a connector reads a source's field. */
function textsAt(value: unknown, path: string): string[] {
  let current: unknown[] = [value];
  for (const segment of path.split('.')) {
    const each = segment.endsWith('[]');
    const key = each ? segment.slice(0, -2) : segment;
    current = current.flatMap((v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return [];
      const child = (v as Record<string, unknown>)[key];
      return each ? (Array.isArray(child) ? (child as unknown[]) : []) : [child];
    });
  }
  return current.flatMap((v) => text(v) ?? []);
}

const SEXES = new Set(['F', 'M', 'X', 'U']);

/** The packet's record in search (undefined where search's connector would refuse it: no id, a date that is not one). */
export function arrestRecord(packet: PacketRecord): SearchRecord | undefined {
  const at = (path: string) => textsAt(packet, path);
  const one = (path: string) => at(path)[0];
  const id = one('packetId');
  if (!id) return undefined;
  const [birth, arrested] = [one('packet.arrestee.personBirthDate'), one('packet.arrest.activityDateTime')];
  const dob = birth === undefined ? undefined : readDate(birth, 'ISO');
  const date = arrested === undefined ? undefined : readDate(arrested, 'ISO');
  if ((birth !== undefined && !dob) || (arrested !== undefined && !date)) return undefined;

  const name: PersonName = { last: at('packet.arrestee.personName.surName').join(' ') };
  for (const [part, path] of [['first', 'givenName'], ['middle', 'middleName'], ['suffix', 'nameSuffix']] as const) {
    const value = at(`packet.arrestee.personName.${path}`).join(' ');
    if (value) name[part] = value;
  }
  const sexLetter = one('packet.arrestee.personSex')?.slice(0, 1).toUpperCase();
  const sex = sexLetter === undefined ? undefined : ((SEXES.has(sexLetter) ? sexLetter : 'U') as 'F' | 'M' | 'X' | 'U');
  const [ori, incident] = [one('ori'), one('incidentNumber')];
  const identifiers = Object.fromEntries(
    (
      [
        ['sid', at('packet.arrestee.stateIdentification')],
        ['fbi', at('packet.arrestee.fbiIdentification')],
        ['docket', at('docketNumber')],
        ['ori-incident', ori && incident ? [`${ori}:${incident}`] : []],
      ] as const
    )
      .map(([kind, values]) => [kind, [...new Set(values)]] as const)
      .filter(([, values]) => values.length > 0),
  );
  const fields = (
    [
      ['Docket', 'docketNumber'],
      ['Arresting agency', 'packet.agency.organizationName'],
      ['Arrest type', 'packet.arrest.arrestType'],
      ['Statutes', 'packet.charges[].statuteSection'],
      ['Charges', 'packet.charges[].chargeDescriptionText'],
      ['Court (GA)', 'packet.court.gaNumber'],
      ['Arraignment date', 'packet.arraignmentDate'],
      ['Status', 'status'],
      ['Dispositions', 'dispositions[].disposition'],
    ] as const
  ).flatMap(([label, path]) => {
    const values = at(path);
    return values.length > 0 ? [{ label, value: values.join('; ').slice(0, 2000) }] : [];
  });
  const town = one('packet.arrest.location.cityName');
  const agency = at('packet.agency.organizationName').join(', ');
  return SearchRecordSchema.parse({
    source: ARRESTS_SOURCE,
    id,
    version: Date.parse(packet.updatedAt),
    kind: 'arrest',
    title: `Arrest by ${agency}`.replace(/\s+([,:])/g, '$1').replace(/[,:]\s*$/, '').replace(/\s+/g, ' ').trim().slice(0, 200),
    ...(date ? { date } : {}),
    ...(town ? { town: townCase(town) } : {}),
    ...(name.last ? { person: { names: [name], ...(dob ? { dob } : {}), ...(sex ? { sex } : {}) } } : {}),
    identifiers,
    juvenile: false,
    fields,
  });
}
