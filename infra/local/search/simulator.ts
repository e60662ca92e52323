/**
 * The source systems' simulator: synthetic people and the records thirteen source systems hold
 * about them (the fourteenth, the arrest workflow, is this application), each in its source's own
 * shape (functions/search/domain/sources.json), deterministic from a seed.
 *
 * Person i depends only on (seed, i), so a world of 1,000 people is the first 1,000 of a world of
 * 100,000. Names vary as real records do: apostrophes, hyphens, accents, particles, Mc/Mac,
 * nicknames in informal sources, first and last transposed, typos, day and month of birth
 * swapped, the same person spelt differently across sources. Records change: a case is disposed
 * (a newer version), a dismissed case is erased (CGS § 54-142a), a juvenile record is sealed.
 *
 * Ground truth (which records are whose) comes with each delivery, beside the record, never in it:
 * the relevance measures read it; search never sees it.
 */
import { agencyOfTown, type Agency } from '../../../functions/agencies/domain/registry';
import type { SourceChange } from '../../../functions/search/domain/connectors';
import { COURTS, DOC_FACILITIES, FIRST_FEMALE, FIRST_MALE, LAST, MAKES, NICKNAMES, OFFENSES, PAROLE_OFFICERS, PROBATION_OFFICERS, TOWNS } from './simulator-data';

/** A synthetic person as the simulator made them: the truth the records vary from. */
export interface SimPerson {
  readonly id: string;
  readonly index: number;
  readonly first: string;
  readonly middle?: string;
  readonly last: string;
  readonly suffix?: string;
  readonly sex: 'M' | 'F';
  readonly dob: string;
  readonly town: string;
  readonly licence?: string;
  readonly sid?: string;
  readonly fbi?: string;
  readonly plates: readonly string[];
  readonly dockets: readonly string[];
}

/** One change a source delivers, with the truth about it beside it. */
export interface SimDelivery {
  readonly source: string;
  /** The change in the source's own shape (what the source sends). */
  readonly change: SourceChange;
  /** `<source>/<record id>`: the record the change is about. */
  readonly key: string;
  /** The person the record is about. */
  readonly personId: string;
}

/** What one person brings: who they are, every change about them, and each record's final state. */
export interface SimWorldPart {
  readonly person: SimPerson;
  readonly deliveries: readonly SimDelivery[];
  /** Each record's key and whether it is still in search after all the changes (not erased or sealed). */
  readonly records: readonly { readonly key: string; readonly source: string; readonly present: boolean; readonly juvenile: boolean }[];
}

// ---- seeded randomness -------------------------------------------------------------------

/** A 32-bit hash of a string (FNV-1a), to seed each person's generator from (seed, index). */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast and good enough for test data; the same seed gives the same sequence. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) if ((r -= w) < 0) return item;
    return items.at(-1)![0];
  }
  letters(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(65 + this.int(0, 25));
    return s;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

// ---- dates ----------------------------------------------------------------------------------

const DAY = 86_400_000;
const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
/** The simulated world's "now": records are dated up to this day. */
export const SIM_TODAY = '2026-11-01';

function dateBetween(rng: Rng, from: string, to: string): string {
  return isoOf(msOf(from) + Math.floor(rng.next() * ((msOf(to) - msOf(from)) / DAY)) * DAY);
}

/** Day and month swapped (a clerk's slip), where the swap still makes a date. */
function swapDayMonth(iso: string): string {
  const [y, m, d] = iso.split('-') as [string, string, string];
  return Number(d) <= 12 && d !== m ? `${y}-${d}-${m}` : iso;
}

type DateStyle = 'ISO' | 'MMDDYYYY' | 'MM/DD/YYYY' | 'MM-DD-YYYY' | 'YYYYMMDD';
function writeDate(iso: string, style: DateStyle): string {
  const [y, m, d] = iso.split('-') as [string, string, string];
  switch (style) {
    case 'ISO':
      return iso;
    case 'MMDDYYYY':
      return `${m}${d}${y}`;
    case 'MM/DD/YYYY':
      return `${m}/${d}/${y}`;
    case 'MM-DD-YYYY':
      return `${m}-${d}-${y}`;
    case 'YYYYMMDD':
      return `${y}${m}${d}`;
  }
}

// ---- names as each source spells them -------------------------------------------------------

/** How a source writes names: its habits and its clerks' slips (probabilities per record). */
interface NameStyle {
  readonly upper?: boolean;
  /** Accents and apostrophes the system cannot store. */
  readonly ascii?: boolean;
  readonly nickname?: number;
  readonly typo?: number;
  readonly transpose?: number;
  readonly dobSwap?: number;
  /** Middle name as its initial. */
  readonly initial?: boolean;
}

interface Written {
  readonly first: string;
  readonly middle?: string;
  readonly last: string;
  readonly suffix?: string;
  readonly dob: string;
}

const stripAccents = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ł/g, 'l').replace(/Ł/g, 'L').replace(/ø/g, 'o');

function typo(rng: Rng, word: string): string {
  if (word.length < 4) return word;
  const i = rng.int(1, word.length - 2);
  switch (rng.int(0, 3)) {
    case 0:
      return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
    case 1:
      return word.slice(0, i) + word.slice(i + 1);
    case 2:
      return word.slice(0, i) + word[i] + word.slice(i);
    default: {
      const vowels = 'aeiou';
      const c = word[i]!;
      return vowels.includes(c.toLowerCase()) ? word.slice(0, i) + rng.pick([...vowels].filter((v) => v !== c.toLowerCase())) + word.slice(i + 1) : word;
    }
  }
}

/** The ways one surname gets written: particles joined or dropped, Mc/Mac, apostrophes, one half of a double name. */
function surnameVariant(rng: Rng, last: string, ascii: boolean): string {
  let out = last;
  if (/^Ma?c[A-Z]/.test(out) && rng.chance(0.15)) out = out.startsWith('Mac') ? `Mc${out.slice(3)}` : `Mac${out.slice(2)}`;
  if (/^(de la|de|del|van der|van|De|St\.) /i.test(out)) {
    if (rng.chance(0.15)) out = out.replace(/ /g, '');
    else if (rng.chance(0.08)) out = out.split(' ').at(-1)!;
  }
  if (out.includes('-')) {
    const r = rng.next();
    if (r < 0.2) out = out.split('-')[0]!;
    else if (r < 0.4) out = out.replace('-', ' ');
  }
  if (out.includes("'") && (ascii ? rng.chance(0.6) : rng.chance(0.1))) out = rng.chance(0.5) ? out.replace("'", '') : out.replace("'", ' ');
  return out;
}

function write(rng: Rng, p: SimPerson, style: NameStyle): Written {
  let first = p.first;
  let last = surnameVariant(rng, p.last, style.ascii ?? false);
  let middle = p.middle && (style.initial ? p.middle[0] : p.middle);
  const nick = NICKNAMES[first];
  if (nick && style.nickname && rng.chance(style.nickname)) first = rng.pick(nick);
  if (style.typo && rng.chance(style.typo)) {
    if (rng.chance(0.6)) last = typo(rng, last);
    else first = typo(rng, first);
  }
  if (rng.chance(0.25)) middle = undefined;
  if (style.transpose && rng.chance(style.transpose)) [first, last] = [last, first];
  if (style.ascii) {
    first = stripAccents(first);
    last = stripAccents(last);
    middle = middle && stripAccents(middle);
  }
  if (style.upper) {
    first = first.toUpperCase();
    last = last.toUpperCase();
    middle = middle?.toUpperCase();
  }
  const dob = style.dobSwap && rng.chance(style.dobSwap) ? swapDayMonth(p.dob) : p.dob;
  return { first, last, dob, ...(middle ? { middle } : {}), ...(p.suffix ? { suffix: style.upper ? p.suffix.toUpperCase() : p.suffix } : {}) };
}

const full = (w: Written) => [w.first, w.middle, w.last, w.suffix].filter(Boolean).join(' ');
const lastFirst = (w: Written) => `${w.last}${w.suffix ? ` ${w.suffix}` : ''}, ${[w.first, w.middle].filter(Boolean).join(' ')}`;
const lastFirstNoComma = (w: Written) => [w.last, w.first, w.middle].filter(Boolean).join(' ');

// ---- people ---------------------------------------------------------------------------------

const townOf = (rng: Rng) => rng.weighted(TOWNS);
/**
 * A town's police agency as the agency registry has it (functions/agencies), so an RMS incident,
 * a criminal-history arrest and the workflow's own packets name one agency by one ORI (New Haven,
 * the demo agency, is CT0000100 everywhere). Every town of TOWNS is a municipality of the registry.
 */
export function agencyOf(town: string): Agency {
  const agency = agencyOfTown(town);
  if (!agency) throw new Error(`The simulator's town ${town} is not a municipality of the agency registry`);
  return agency;
}
const oriOf = (town: string) => agencyOf(town).ori;

function makePerson(rng: Rng, index: number): SimPerson {
  const sex = rng.chance(0.5) ? 'M' : 'F';
  const first = rng.pick(sex === 'M' ? FIRST_MALE : FIRST_FEMALE);
  const last = rng.chance(0.05) ? `${rng.pick(LAST)}-${rng.pick(LAST)}` : rng.pick(LAST);
  const middle = rng.chance(0.6) ? rng.pick(sex === 'M' ? FIRST_MALE : FIRST_FEMALE) : undefined;
  const suffix = sex === 'M' && rng.chance(0.03) ? rng.pick(['Jr', 'Sr', 'III']) : undefined;
  // A few young people, whose records before their eighteenth birthday are juvenile records.
  const dob = rng.chance(0.04) ? dateBetween(rng, '2006-01-01', '2010-12-31') : dateBetween(rng, '1950-01-01', '2005-12-31');
  // A licence from sixteen on.
  const licence = ageAt(dob, SIM_TODAY) >= 17 && rng.chance(0.85) ? pad((index * 7919 + 100_000_007) % 1_000_000_000, 9) : undefined;
  return { id: `p${index}`, index, first, last, sex, dob, town: townOf(rng), plates: [], dockets: [], ...(middle && middle !== first ? { middle } : {}), ...(suffix ? { suffix } : {}), ...(licence ? { licence } : {}) };
}

const sidOf = (index: number) => `CT${pad((index * 37 + 1_234_567) % 100_000_000, 8)}`;
const fbiOf = (rng: Rng, index: number) => `${pad((index * 613 + 4099) % 1_000_000, 6)}${rng.letters(2)}${rng.digits(1)}`;
const plateOf = (rng: Rng) => (rng.chance(0.8) ? `${rng.letters(2)} ${rng.digits(5)}` : `${rng.digits(3)}-${rng.letters(3)}`);
const ageAt = (dob: string, on: string) => {
  const [by, bm, bd] = dob.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
};

// ---- the world ----------------------------------------------------------------------------------

class PersonWorld {
  readonly deliveries: SimDelivery[] = [];
  private readonly finals = new Map<string, { source: string; present: boolean; juvenile: boolean }>();

  constructor(readonly person: SimPerson) {}

  /** A record's versions in order (each an upsert), then maybe its removal. */
  add(source: string, id: string, versions: readonly Record<string, unknown>[], options: { juvenile?: boolean; removal?: 'erase' | 'seal'; idFields?: Record<string, unknown> } = {}): void {
    const key = `${source}/${id}`;
    versions.forEach((record, i) => this.deliveries.push({ source, key, personId: this.person.id, change: { op: 'upsert', version: i + 1, ...record } }));
    if (options.removal) this.deliveries.push({ source, key, personId: this.person.id, change: { op: options.removal, version: versions.length + 1, ...(options.idFields ?? {}) } });
    this.finals.set(key, { source, present: !options.removal, juvenile: options.juvenile ?? false });
  }

  records() {
    return [...this.finals].map(([key, f]) => ({ key, ...f }));
  }
}

/** One person of the world of this seed, and everything the sources say about them. */
export function simulatePerson(seed: number, index: number): SimWorldPart {
  const rng = new Rng(hash32(`${seed}:${index}`));
  const base = makePerson(rng, index);
  const criminal = rng.chance(0.18);
  const person: SimPerson = { ...base, ...(criminal ? { sid: sidOf(index), fbi: rng.chance(0.7) ? fbiOf(rng, index) : undefined } : {}) } as SimPerson;
  const world = new PersonWorld(person);
  const plates: string[] = [];
  const dockets: string[] = [];
  const adultFrom = isoOf(msOf(person.dob) + 18 * 365.25 * DAY);
  const since = msOf(adultFrom) > msOf('2012-01-01') ? adultFrom : '2012-01-01';
  const activeSince = msOf(since) < msOf(SIM_TODAY) ? since : undefined;
  let seq = 0;
  const nextSeq = () => index * 16 + seq++;

  // DMV: the licence, and the vehicles registered to the person.
  if (person.licence) {
    const w = write(rng, person, { upper: true, ascii: true, typo: 0.02, transpose: 0.01, dobSwap: 0.01 });
    const sixteen = isoOf(msOf(person.dob) + 16 * 365.25 * DAY);
    const issued = dateBetween(rng, sixteen > '2016-01-01' ? sixteen : '2016-01-01', '2026-10-01');
    const licence = { LIC_NO: person.licence, LAST_NM: w.last, FIRST_NM: w.first, MID_NM: w.middle, SFX: w.suffix, DOB: writeDate(w.dob, 'MMDDYYYY'), SEX: person.sex, STREET_TOWN: person.town.toUpperCase(), ISSUE_DT: writeDate(issued, 'MMDDYYYY'), EXP_DT: writeDate(isoOf(msOf(issued) + 6 * 365 * DAY), 'MMDDYYYY'), CLASS: rng.chance(0.95) ? 'D' : rng.pick(['A', 'B', 'C', 'M']), STATUS: 'VALID' };
    const versions: Record<string, unknown>[] = [licence];
    if (rng.chance(0.05)) versions.push({ ...licence, STATUS: 'SUSPENDED' });
    world.add('dmv-licences', person.licence, versions);
    const vehicles = rng.chance(0.6) ? rng.int(1, 2) : 0;
    for (let k = 0; k < vehicles; k++) {
      const plate = plateOf(rng);
      plates.push(plate);
      const [make, models] = rng.pick(MAKES);
      const wr = write(rng, person, { upper: true, ascii: true, typo: 0.04, transpose: 0.03, dobSwap: 0.02 });
      const id = `R${pad(nextSeq(), 9)}`;
      world.add('dmv-registrations', id, [
        { REG_ID: id, PLATE: plate, VIN: `${rng.digits(1)}${rng.letters(4)}${rng.digits(4)}${rng.letters(2)}${rng.digits(6)}`, MAKE: make, MODEL: rng.pick(models), YEAR: String(rng.int(2005, 2026)), OWNER_NAME: lastFirstNoComma(wr), OWNER_DOB: writeDate(wr.dob, 'MMDDYYYY'), OWNER_LIC_NO: person.licence, REG_TOWN: person.town.toUpperCase(), REG_DT: writeDate(dateBetween(rng, '2020-01-01', '2026-10-01'), 'MMDDYYYY') },
      ]);
    }
    if (rng.chance(0.07)) {
      const w2 = write(rng, person, { typo: 0.02 });
      const id = `PP${pad(nextSeq(), 8)}`;
      const issued2 = dateBetween(rng, '2015-01-01', '2026-10-01');
      const permit = { PERMIT_NO: id, PERMIT_TYPE: rng.chance(0.8) ? 'Pistol permit' : 'Eligibility certificate', HOLDER_LAST: w2.last, HOLDER_FIRST: w2.first, HOLDER_MI: w2.middle?.[0], HOLDER_DOB: w2.dob, TOWN: person.town, ISSUED: writeDate(issued2, 'MM/DD/YYYY'), EXPIRES: writeDate(isoOf(msOf(issued2) + 5 * 365 * DAY), 'MM/DD/YYYY'), STATUS: 'Active', LIC_NO: person.licence };
      world.add('despp-weapons', id, criminal && rng.chance(0.3) ? [permit, { ...permit, STATUS: 'Revoked' }] : [permit]);
    }
  }

  // Police incidents the person appears in without an arrest (victim, witness, complainant, driver).
  if (activeSince && rng.chance(0.15)) incident(world, rng, person, activeSince, rng.pick(['victim', 'witness', 'complainant', 'driver']), nextSeq(), plates);

  // A criminal history: arrests, court cases, prosecution, defence, supervision, custody.
  if (criminal && activeSince) criminalHistory(world, rng, person, activeSince, nextSeq, dockets, plates);
  else if (criminal) criminalHistory(world, rng, person, isoOf(msOf(person.dob) + 14 * 365.25 * DAY), nextSeq, dockets, plates);

  // A protective order against the person, protecting another (synthetic) person.
  if (activeSince && rng.chance(0.04)) {
    const w = write(rng, person, { nickname: 0.1, typo: 0.04, dobSwap: 0.02 });
    const issued = dateBetween(rng, since, SIM_TODAY);
    const protectedSex = rng.chance(0.7) ? 'F' : 'M';
    const protectedName = `${rng.pick(protectedSex === 'F' ? FIRST_FEMALE : FIRST_MALE)} ${rng.pick(LAST)}`;
    const [court, courtName] = rng.pick(COURTS);
    const docket = `${court}-CR${issued.slice(2, 4)}-${pad(nextSeq() % 10_000_000, 7)}-S`;
    dockets.push(docket);
    const id = `PO-${issued.slice(2, 4)}-${pad(nextSeq(), 8)}`;
    const order = { orderNumber: id, orderType: rng.pick(['Protective order', 'Restraining order', 'Standing criminal protective order']), respondent: { last: w.last, first: w.first, dob: writeDate(w.dob, 'MM/DD/YYYY'), sex: person.sex }, protectedParty: { name: protectedName, dob: dateBetween(rng, '1960-01-01', '2020-01-01') }, issued: writeDate(issued, 'MM/DD/YYYY'), expires: isoOf(msOf(issued) + 365 * DAY), court: courtName, town: person.town, docket, status: 'Active' };
    world.add('jud-por', id, rng.chance(0.3) ? [order, { ...order, status: 'Expired' }] : [order]);
  }

  const finished: SimPerson = { ...person, plates, dockets };
  return { person: finished, deliveries: world.deliveries.map((d) => ({ ...d, personId: finished.id })), records: world.records() };
}

function incident(world: PersonWorld, rng: Rng, person: SimPerson, since: string, role: string, n: number, plates: readonly string[], on?: string): { ori: string; incidentNumber: string; date: string; town: string } {
  const date = on ?? dateBetween(rng, since, SIM_TODAY);
  const town = rng.chance(0.7) ? person.town : townOf(rng);
  const ori = oriOf(town);
  const incidentNumber = `${date.slice(0, 4)}-${pad(n, 8)}`;
  const w = write(rng, person, { nickname: 0.25, typo: 0.08, transpose: 0.05, dobSwap: 0.05 });
  const juvenile = ageAt(person.dob, date) < 18;
  const [statute, offense] = rng.pick(OFFENSES);
  const record = { agency: agencyOf(town).name, ori, incidentNumber, reportedAt: `${date}T${pad(rng.int(0, 23), 2)}:${pad(rng.int(0, 59), 2)}:00-05:00`, town, offense: `${offense} (${statute})`, subject: { name: full(w), dob: rng.chance(0.85) ? writeDate(w.dob, 'MM/DD/YYYY') : undefined, role }, plate: role === 'driver' ? plates[0] : undefined, juvenile: juvenile ? 'Y' : 'N' };
  world.add('rms-incidents', `${ori}:${incidentNumber}`, [record], { juvenile, removal: juvenile && rng.chance(0.3) ? 'seal' : undefined, idFields: { ori, incidentNumber } });
  return { ori, incidentNumber, date, town };
}

function criminalHistory(world: PersonWorld, rng: Rng, person: SimPerson, since: string, nextSeq: () => number, dockets: string[], plates: readonly string[]): void {
  const sid = person.sid!;
  const arrests = rng.int(1, 3);
  const aliases = [write(rng, person, { upper: true, ascii: true, nickname: 0.5, typo: 0.2 }), write(rng, person, { upper: true, ascii: true, typo: 0.3 })];
  const cchName = write(rng, person, { upper: true, ascii: true, typo: 0.03, dobSwap: 0.02 });
  world.add('despp-cch', `${sid}-P`, [{ RECORD_NO: `${sid}-P`, REC_TYPE: 'PER', SID: sid, FBI_NO: person.fbi, NAME: lastFirst(cchName), AKA: [...new Set(aliases.map(lastFirst))].filter((a) => a !== lastFirst(cchName)), DOB: writeDate(cchName.dob, 'YYYYMMDD'), SEX: person.sex, TOWN: person.town.toUpperCase(), JUV_FLAG: 'N', OFFENSE: 'Person record' }]);
  let guilty = false;
  for (let k = 1; k <= arrests; k++) {
    const date = dateBetween(rng, since, SIM_TODAY);
    const juvenile = ageAt(person.dob, date) < 18;
    const [statute, offense] = rng.pick(OFFENSES);
    const [court, courtName] = rng.pick(COURTS);
    const motorVehicle = statute.startsWith('14-');
    const docket = `${court}-${motorVehicle ? 'MV' : 'CR'}${date.slice(2, 4)}-${pad(nextSeq() % 10_000_000, 7)}-S`;
    dockets.push(docket);
    const outcome = rng.weighted<string>([['Guilty', 5], ['Nolle', 3], ['Dismissed', 2], ['Pending', 2]]);
    guilty ||= outcome === 'Guilty';
    // Dismissed and nolled cases are erased (CGS § 54-142a); juvenile records are often sealed.
    const removal: 'erase' | 'seal' | undefined = outcome === 'Dismissed' || (outcome === 'Nolle' && rng.chance(0.5)) ? 'erase' : juvenile && rng.chance(0.4) ? 'seal' : undefined;
    const rms = rng.chance(0.6) ? incident(world, rng, person, since, 'arrestee', nextSeq(), plates, date) : undefined;
    const ori = rms?.ori ?? oriOf(person.town);

    const arrestNo = `${sid}-A${k}`;
    const arrest = { RECORD_NO: arrestNo, REC_TYPE: 'ARR', SID: sid, FBI_NO: person.fbi, NAME: lastFirst(cchName), DOB: writeDate(cchName.dob, 'YYYYMMDD'), SEX: person.sex, EVENT_DATE: writeDate(date, 'YYYYMMDD'), ARREST_ORI: ori, OFFENSE: `${offense} (${statute})`, TOWN: (rms?.town ?? person.town).toUpperCase(), JUV_FLAG: juvenile ? 'Y' : 'N' };
    world.add('despp-cch', arrestNo, [arrest], { juvenile, removal, idFields: { RECORD_NO: arrestNo } });
    if (outcome !== 'Pending') {
      const dispNo = `${sid}-D${k}`;
      world.add('despp-cch', dispNo, [{ ...arrest, RECORD_NO: dispNo, REC_TYPE: 'DSP', DISPOSITION: outcome.toUpperCase(), EVENT_DATE: writeDate(isoOf(Math.min(msOf(date) + rng.int(30, 300) * DAY, msOf(SIM_TODAY))), 'YYYYMMDD') }], { juvenile, removal, idFields: { RECORD_NO: dispNo } });
    }

    const jw = write(rng, person, { initial: true, typo: 0.03, dobSwap: 0.02 });
    const caseRecord = { docketNo: docket, defendant: { lastName: jw.last, firstName: jw.first, middleInitial: jw.middle?.[0], dateOfBirth: jw.dob, sid }, filedDate: date, town: rms?.town ?? person.town, courtLocation: courtName, caseType: motorVehicle ? 'Motor vehicle' : 'Criminal', charges: [{ statute, description: offense }], disposition: 'Pending', juvenile };
    world.add('jud-crmvs', docket, outcome === 'Pending' ? [caseRecord] : [caseRecord, { ...caseRecord, disposition: outcome }], { juvenile, removal, idFields: { docketNo: docket } });

    if (!juvenile && rng.chance(0.7)) {
      const dw = write(rng, person, { nickname: 0.05, typo: 0.03 });
      const caseNumber = `DCJ-${date.slice(2, 4)}-${pad(nextSeq(), 8)}`;
      world.add('dcj-cms', caseNumber, [{ caseNumber, docketNumber: docket, defendantName: full(dw), defendantDob: dw.dob, sid, office: `${rng.pick(['Hartford', 'New Haven', 'Fairfield', 'Waterbury', 'Stamford-Norwalk', 'New London'])} Judicial District`, filed: date, town: rms?.town ?? person.town, charges: [`${statute} ${offense}`], status: outcome === 'Pending' ? 'Open' : 'Closed' }], { removal: removal === 'erase' ? 'erase' : undefined, idFields: { caseNumber } });
    }
    if (rng.chance(0.35)) {
      const pw = write(rng, person, { nickname: 0.15, typo: 0.04 });
      const pdCaseId = `PD${pad(nextSeq(), 9)}`;
      world.add('pds-cases', pdCaseId, [{ pdCaseId, client: { name: { given: pw.first, family: pw.last }, dob: pw.dob }, docket, office: `${courtName} Public Defender`, opened: `${date}T09:00:00Z`, town: rms?.town ?? person.town, status: outcome === 'Pending' ? 'Open' : 'Closed' }], { juvenile, removal, idFields: { pdCaseId } });
    }
    if (outcome === 'Guilty' && rng.chance(0.35)) {
      const cw = write(rng, person, { typo: 0.05, dobSwap: 0.03 });
      const cssdCaseNo = `CSSD-${pad(nextSeq(), 9)}`;
      const start = isoOf(Math.min(msOf(date) + 60 * DAY, msOf(SIM_TODAY)));
      world.add('cssd-probation', cssdCaseNo, [{ cssdCaseNo, client: { last: cw.last, first: cw.first, birthDate: writeDate(cw.dob, 'MM-DD-YYYY') }, docket, officeTown: person.town, startDate: start, endDate: isoOf(msOf(start) + rng.int(1, 3) * 365 * DAY), conditions: rng.chance(0.5) ? ['Report monthly', 'No contact with the victim'] : ['Report monthly'], juvenile: juvenile ? 'true' : 'false', officer: PROBATION_OFFICERS[person.index % PROBATION_OFFICERS.length] }], { juvenile, removal: juvenile && rng.chance(0.4) ? 'seal' : undefined, idFields: { cssdCaseNo } });
    }
  }
  if (guilty && rng.chance(0.15) && ageAt(person.dob, SIM_TODAY) >= 18) {
    const ow = write(rng, person, { upper: true, ascii: true, typo: 0.04, dobSwap: 0.04, initial: true });
    const inmate = String(300_000 + person.index);
    const admitted = dateBetween(rng, '2015-01-01', SIM_TODAY);
    const [statute, offense] = rng.pick(OFFENSES);
    const custody = { INMATE_NUMBER: inmate, INMATE_NAME: lastFirst(ow), DATE_OF_BIRTH: writeDate(ow.dob, 'MM/DD/YYYY'), SID: sid, FACILITY: rng.pick(DOC_FACILITIES), ADMIT_DATE: writeDate(admitted, 'MM/DD/YYYY'), STATUS: 'SENTENCED', CONTROLLING_OFFENSE: `${statute} ${offense}`.toUpperCase(), COMMIT_TOWN: person.town };
    const paroled = rng.chance(0.4);
    world.add('doc-custody', inmate, paroled ? [custody, { ...custody, STATUS: 'PAROLED' }] : [custody]);
    if (paroled) {
      const bw = write(rng, person, { nickname: 0.05, typo: 0.03 });
      const caseId = `BP-${pad(person.index, 8)}`;
      world.add('bopp-parole', caseId, [{ caseId, parolee: { fullName: full(bw), dob: bw.dob }, sid, startDate: isoOf(Math.min(msOf(admitted) + 400 * DAY, msOf(SIM_TODAY))), office: rng.pick(['Hartford', 'New Haven', 'Bridgeport', 'Waterbury', 'Norwich']) + ' Parole Office', town: person.town, status: 'Active', officer: PAROLE_OFFICERS[person.index % PAROLE_OFFICERS.length] }]);
    }
  }
  if (rng.chance(0.02) && ageAt(person.dob, SIM_TODAY) >= 18) {
    const sw = write(rng, person, { typo: 0.02 });
    const registrantId = `SOR${pad(person.index, 8)}`;
    world.add('despp-sor', registrantId, [{ registrantId, name: { first: sw.first, middle: sw.middle, last: sw.last }, aliases: [full(write(rng, person, { nickname: 0.8 }))], dob: writeDate(sw.dob, 'MM/DD/YYYY'), sid, address: { town: person.town }, registrationDate: writeDate(dateBetween(rng, since, SIM_TODAY), 'MM/DD/YYYY'), offense: 'Registered offense', status: 'Compliant' }]);
  }
}

/** The world of this seed, person by person (lazily: a million people need not be in memory at once). */
export function* simulate(options: { readonly seed: number; readonly people: number; readonly from?: number }): Generator<SimWorldPart> {
  for (let i = options.from ?? 0; i < options.people; i++) yield simulatePerson(options.seed, i);
}

/** Every delivery of one source in the world of this seed, in the order the source sends them (each record's versions in order). */
export function sourceDeliveries(seed: number, people: number, source: string): SimDelivery[] {
  const out: SimDelivery[] = [];
  for (const part of simulate({ seed, people })) for (const d of part.deliveries) if (d.source === source) out.push(d);
  return out;
}
