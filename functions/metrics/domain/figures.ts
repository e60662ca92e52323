/**
 * The program's figures, from the audit trail and the agency registry: what counts, and how.
 * Plain functions over records already read, so each rule is unit-tested.
 */

/** Searches: one per `SearchPerformed` record (a query of CISS Search, with its purpose). */
export const SEARCH_TYPE = 'SearchPerformed';

/**
 * A document exchange is one document moving between partners, each counted when its audit record
 * is written:
 * - **sent**: an agency RMS sends a packet, or a new version of one (`ArrestPacketReceived`);
 * - **transmitted**: a packet handed to DCJ's case management system (`ArrestPacketTransmitted`);
 * - **notified**: the agency told of its packet: rejected, returned or processed (`AgencyNotified`);
 * - **disseminated**: a notice delivered to an authorized person by a dissemination rule (`NoticeSent`).
 */
export const EXCHANGE_TYPES = { sent: 'ArrestPacketReceived', transmitted: 'ArrestPacketTransmitted', notified: 'AgencyNotified', disseminated: 'NoticeSent' } as const;
export type ExchangeKind = keyof typeof EXCHANGE_TYPES;
export const EXCHANGE_KINDS = Object.keys(EXCHANGE_TYPES) as ExchangeKind[];

/** The records the medians start and end on. */
export const ARREST_AVAILABLE_TYPE = 'ArrestDataAvailable';
export const ACCESS_STATUS_TYPE = 'AccessRequestStatusChanged';

/** A source system is live when its last successful delivery is this recent. */
export const SOURCE_LIVE_HOURS = 24;

/** What the figures read of one audit record. */
export interface TrailRecord {
  readonly at: string;
  readonly subject: { readonly type: string; readonly id: string };
  readonly details: Readonly<Record<string, unknown>>;
}

export type Exchanges = Readonly<Record<ExchangeKind, number>> & { readonly total: number };

export interface Period {
  /** `YYYY-MM` for a month, `YYYY-MM-DD` for a day (UTC). */
  readonly period: string;
  readonly searches: number;
  readonly exchanges: Exchanges;
}

/** The UTC days from `from` (inclusive) to `to` (exclusive), `YYYY-MM-DD`. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(to);
  for (let t = Date.parse(from.slice(0, 10)); t < end; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** Counts records per period (the first `length` characters of their time: 7 for months, 10 for days), every period present. */
export function periods(keys: readonly string[], length: 7 | 10, searches: readonly TrailRecord[], exchanges: Readonly<Record<ExchangeKind, readonly TrailRecord[]>>): Period[] {
  const count = (records: readonly TrailRecord[]) => {
    const by = new Map<string, number>();
    for (const r of records) by.set(r.at.slice(0, length), (by.get(r.at.slice(0, length)) ?? 0) + 1);
    return by;
  };
  const s = count(searches);
  const e = Object.fromEntries(EXCHANGE_KINDS.map((k) => [k, count(exchanges[k])])) as Record<ExchangeKind, Map<string, number>>;
  return [...new Set(keys.map((k) => k.slice(0, length)))].map((period) => {
    const parts = Object.fromEntries(EXCHANGE_KINDS.map((k) => [k, e[k].get(period) ?? 0])) as Record<ExchangeKind, number>;
    return { period, searches: s.get(period) ?? 0, exchanges: { ...parts, total: EXCHANGE_KINDS.reduce((n, k) => n + parts[k], 0) } };
  });
}

/** The median of the numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Seconds from each subject's start to its end record, for the subjects whose start is known. */
export function durations(ends: readonly TrailRecord[], startOf: ReadonlyMap<string, string>): number[] {
  return ends.flatMap((r) => {
    const start = startOf.get(r.subject.id);
    return start ? [Math.max(0, (Date.parse(r.at) - Date.parse(start)) / 1000)] : [];
  });
}

/** The first record of each subject (a packet made AVAILABLE again by a later version counts once, at its first). */
export function firstPerSubject(records: readonly TrailRecord[]): TrailRecord[] {
  const seen = new Map<string, TrailRecord>();
  for (const r of [...records].sort((a, b) => a.at.localeCompare(b.at))) if (!seen.has(r.subject.id)) seen.set(r.subject.id, r);
  return [...seen.values()];
}

export interface SourceState {
  readonly id: string;
  readonly name: string;
  readonly lastDeliveredAt?: string;
  /** The days of the range asked for on which it delivered (search_source_day), when a range was asked. */
  readonly daysDelivered?: number;
}

/**
 * A source system is live in a period when it delivered in it: pushed its changes, or answered a
 * poll or a batch run without error, on at least one day of the period (a source with nothing new
 * that answers is live; one that errs or is silent all period is not). Search records each
 * source's delivery days (search_source_day) as it records its state.
 */
export function liveInRange(sources: readonly SourceState[]): { live: SourceState[]; down: SourceState[] } {
  return { live: sources.filter((s) => (s.daysDelivered ?? 0) > 0), down: sources.filter((s) => (s.daysDelivered ?? 0) === 0) };
}

/** The sources whose last successful delivery is within `SOURCE_LIVE_HOURS` of `at`. */
export function liveSources(sources: readonly SourceState[], at: string): SourceState[] {
  const since = Date.parse(at) - SOURCE_LIVE_HOURS * 3_600_000;
  return sources.filter((s) => s.lastDeliveredAt !== undefined && Date.parse(s.lastDeliveredAt) >= since && Date.parse(s.lastDeliveredAt) <= Date.parse(at));
}
