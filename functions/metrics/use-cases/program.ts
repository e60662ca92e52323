import * as z from 'zod/mini';
import { ValidationFailed, type FieldProblem } from '#shared/errors';
import { municipalitiesConnected } from '../../agencies/domain/state';
import {
  ACCESS_STATUS_TYPE,
  ARREST_AVAILABLE_TYPE,
  daysBetween,
  durations,
  EXCHANGE_KINDS,
  EXCHANGE_TYPES,
  firstPerSubject,
  liveInRange,
  liveSources,
  median,
  periods,
  SEARCH_TYPE,
  SOURCE_LIVE_HOURS,
  type ExchangeKind,
  type Period,
  type TrailRecord,
} from '../domain/figures';
import type { ProgramPorts } from '../ports';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The longest range one request may ask for. */
export const MAX_RANGE_DAYS = 366;

/** `from` and `to` are UTC days (`YYYY-MM-DD`), `to` inclusive; both default to the current month. */
export const ProgramQuerySchema = z.object({
  from: z.optional(z.string().check(z.regex(DAY, 'must be a day, YYYY-MM-DD'))),
  to: z.optional(z.string().check(z.regex(DAY, 'must be a day, YYYY-MM-DD'))),
});
export type ProgramQuery = z.infer<typeof ProgramQuerySchema>;

export interface Median {
  /** The median in seconds; null when nothing ended in the range. */
  readonly seconds: number | null;
  /** How many it is the median of. */
  readonly count: number;
}

export interface ProgramFigures {
  readonly from: string;
  readonly to: string;
  readonly asOf: string;
  readonly totals: { readonly searches: number; readonly exchanges: Period['exchanges'] };
  readonly months: readonly Period[];
  readonly days: readonly Period[];
  readonly municipalities: { readonly connected: number; readonly total: number; readonly share: number };
  readonly agencies: { readonly total: number; readonly provisioned: number; readonly connected: number; readonly provisionedInRange: number; readonly connectedInRange: number };
  /**
   * Source systems live in the range (delivered on at least one of its days: `ids`, with the days
   * each delivered on) and those not (`down`); `liveNow`: delivered within `liveWithinHours` of
   * the answer. `unavailable` (and nulls) when the search database did not answer.
   */
  readonly sources: {
    readonly live: number | null;
    readonly total: number | null;
    readonly ids: readonly string[];
    readonly down: readonly string[];
    readonly daysDelivered: Readonly<Record<string, number>>;
    readonly liveNow: number | null;
    readonly liveWithinHours: number;
    readonly unavailable?: true;
  };
  readonly medians: { readonly arrestToAvailable: Median; readonly requestToActive: Median };
}

/** A day that is on the calendar (2026-02-31 is not: Date would roll it into March). */
const realDay = (day: string): boolean => !Number.isNaN(Date.parse(day)) && new Date(Date.parse(day)).toISOString().slice(0, 10) === day;

/** The range as instants: from the start of `from` to the end of `to` (or now, when earlier). */
function rangeOf(query: ProgramQuery, now: string): { from: string; to: string; end: string } {
  const month = now.slice(0, 7);
  const from = query.from ?? `${month}-01`;
  const nextMonth = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1));
  const to = query.to ?? new Date(nextMonth.getTime() - 86_400_000).toISOString().slice(0, 10);
  const problems: FieldProblem[] = [];
  if (!realDay(from)) problems.push({ field: 'from', rule: 'must be a real day' });
  if (!realDay(to)) problems.push({ field: 'to', rule: 'must be a real day' });
  if (!problems.length && to < from) problems.push({ field: 'to', rule: 'must not be before from' });
  if (!problems.length && (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 > MAX_RANGE_DAYS) problems.push({ field: 'to', rule: `must be at most ${MAX_RANGE_DAYS} days after from, counting both` });
  if (problems.length) throw new ValidationFailed(problems);
  return { from, to, end: new Date(Date.parse(to) + 86_400_000).toISOString() };
}

/**
 * GET /metrics/program?from=&to= (auditor, operations): the program's figures over a range of days.
 * 1. read each counted type of the audit trail over the range by its index (never a scan)
 * 2. count searches and document exchanges per month and per day (domain/figures.ts defines them)
 * 3. the medians: from a packet's first receipt to its first AVAILABLE, and from an access
 *    request's receipt to ACTIVE, for those that ended in the range (their start from the
 *    subject's own trail)
 * 4. municipalities connected and agencies provisioned and connected, from the registry, as of
 *    the range's end; source systems live in the range (delivered on one of its days) and now
 *    (within SOURCE_LIVE_HOURS), or said to be unavailable when the search database does not
 *    answer (the rest still does)
 */
export async function programFigures(query: ProgramQuery, ports: ProgramPorts): Promise<ProgramFigures> {
  const now = ports.now();
  const range = rangeOf(query, now);
  const start = `${range.from}T00:00:00.000Z`;
  const [searches, available, access, ...exchangeLists] = await Promise.all([
    ports.trail.ofType(SEARCH_TYPE, start, range.end),
    ports.trail.ofType(ARREST_AVAILABLE_TYPE, start, range.end),
    ports.trail.ofType(ACCESS_STATUS_TYPE, start, range.end),
    ...EXCHANGE_KINDS.map((k) => ports.trail.ofType(EXCHANGE_TYPES[k], start, range.end)),
  ]);
  const exchanges = Object.fromEntries(EXCHANGE_KINDS.map((k, i) => [k, exchangeLists[i] ?? []])) as Record<ExchangeKind, TrailRecord[]>;
  const days = daysBetween(start, range.end);
  const byDay = periods(days, 10, searches, exchanges);
  const byMonth = periods(days, 7, searches, exchanges);
  const sum = (k: ExchangeKind) => exchanges[k].length;
  const exchangeTotals = { ...(Object.fromEntries(EXCHANGE_KINDS.map((k) => [k, sum(k)])) as Record<ExchangeKind, number>), total: EXCHANGE_KINDS.reduce((n, k) => n + sum(k), 0) };

  const madeAvailable = firstPerSubject(available);
  const activated = firstPerSubject(access.filter((r) => r.details['to'] === 'ACTIVE'));
  const starts = async (records: readonly TrailRecord[]) => new Map((await Promise.all(records.map(async (r) => [r.subject.id, await ports.trail.firstAt(r.subject)] as const))).flatMap(([id, at]) => (at ? [[id, at] as const] : [])));
  const [availableStarts, activeStarts] = await Promise.all([starts(madeAvailable), starts(activated)]);
  const arrestToAvailable = durations(madeAvailable, availableStarts);
  const requestToActive = durations(activated, activeStarts);

  const asOf = range.end < now ? range.end : now;
  const agencies = await ports.agencies();
  const inRange = (at: string | undefined) => at !== undefined && at >= start && at < range.end;
  // The search database may be cold or down: the other figures still answer, and this one says so.
  const sources = await ports.sources({ from: range.from, to: range.to }).catch(() => undefined);
  const inPeriod = sources ? liveInRange(sources) : undefined;
  return {
    from: range.from,
    to: range.to,
    asOf,
    totals: { searches: searches.length, exchanges: exchangeTotals },
    months: byMonth,
    days: byDay,
    municipalities: municipalitiesConnected(agencies, asOf),
    agencies: {
      total: agencies.length,
      provisioned: agencies.filter((a) => a.provisionedAt !== undefined && a.provisionedAt <= asOf).length,
      connected: agencies.filter((a) => a.connectedAt !== undefined && a.connectedAt <= asOf).length,
      provisionedInRange: agencies.filter((a) => inRange(a.provisionedAt)).length,
      connectedInRange: agencies.filter((a) => inRange(a.connectedAt)).length,
    },
    sources:
      sources && inPeriod
        ? {
            live: inPeriod.live.length,
            total: sources.length,
            ids: inPeriod.live.map((s) => s.id),
            down: inPeriod.down.map((s) => s.id),
            daysDelivered: Object.fromEntries(inPeriod.live.map((s) => [s.id, s.daysDelivered ?? 0])),
            liveNow: liveSources(sources, now).length,
            liveWithinHours: SOURCE_LIVE_HOURS,
          }
        : { live: null, total: null, ids: [], down: [], daysDelivered: {}, liveNow: null, liveWithinHours: SOURCE_LIVE_HOURS, unavailable: true },
    medians: {
      arrestToAvailable: { seconds: median(arrestToAvailable), count: arrestToAvailable.length },
      requestToActive: { seconds: median(requestToActive), count: requestToActive.length },
    },
  };
}
