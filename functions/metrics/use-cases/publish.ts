import { PROGRAM_METRIC } from '#shared/metrics';
import { municipalitiesConnected } from '../../agencies/domain/state';
import { ACCESS_STATUS_TYPE, ARREST_AVAILABLE_TYPE, durations, EXCHANGE_KINDS, EXCHANGE_TYPES, liveSources, SEARCH_TYPE, type TrailRecord } from '../domain/figures';
import type { ProgramPorts } from '../ports';

/** One metric value: a count or a gauge in `Count`/`Percent`, a duration in `Seconds`. */
export interface MetricValue {
  readonly name: string;
  readonly unit: 'Count' | 'Percent' | 'Seconds';
  readonly value: number;
}

export interface HourFigures {
  readonly from: string;
  readonly to: string;
  readonly values: readonly MetricValue[];
}

const HOUR = 3_600_000;

/**
 * Every hour (a schedule): the program's figures of the hour before, as CloudWatch metrics.
 * 1. the hour: the last whole UTC hour before now, so runs neither overlap nor leave gaps
 * 2. counts of that hour (searches, document exchanges) by the audit trail's byType index
 * 3. gauges now: municipalities connected (percent), agencies connected, source systems live
 * 4. each packet made AVAILABLE and each request made ACTIVE in the hour: its duration, one value
 *    each (CloudWatch's p50 over a month is then the month's median)
 */
export async function hourFigures(ports: ProgramPorts): Promise<HourFigures> {
  const now = ports.now();
  const to = new Date(Math.floor(Date.parse(now) / HOUR) * HOUR).toISOString();
  const from = new Date(Date.parse(to) - HOUR).toISOString();
  const [searches, available, access, ...exchanges] = await Promise.all([
    ports.trail.ofType(SEARCH_TYPE, from, to),
    ports.trail.ofType(ARREST_AVAILABLE_TYPE, from, to),
    ports.trail.ofType(ACCESS_STATUS_TYPE, from, to),
    ...EXCHANGE_KINDS.map((k) => ports.trail.ofType(EXCHANGE_TYPES[k], from, to)),
  ]);
  const startsOf = async (records: readonly TrailRecord[]) => new Map((await Promise.all(records.map(async (r) => [r.subject.id, await ports.trail.firstAt(r.subject)] as const))).flatMap(([id, at]) => (at ? [[id, at] as const] : [])));
  const activated = access.filter((r) => r.details['to'] === 'ACTIVE');
  // The search database may be cold or down: the other figures are published without this one.
  const [availableStarts, activeStarts, agencies, sources] = await Promise.all([startsOf(available), startsOf(activated), ports.agencies(), ports.sources().catch(() => undefined)]);
  const seconds = (name: string, values: readonly number[]): MetricValue[] => values.map((value) => ({ name, unit: 'Seconds', value }));
  return {
    from,
    to,
    values: [
      { name: PROGRAM_METRIC.searches, unit: 'Count', value: searches.length },
      { name: PROGRAM_METRIC.documentExchanges, unit: 'Count', value: exchanges.reduce((n, list) => n + list.length, 0) },
      { name: PROGRAM_METRIC.municipalitiesConnectedPercent, unit: 'Percent', value: Math.round(municipalitiesConnected(agencies, now).share * 1000) / 10 },
      { name: PROGRAM_METRIC.agenciesConnected, unit: 'Count', value: agencies.filter((a) => a.connectedAt !== undefined).length },
      ...(sources ? [{ name: PROGRAM_METRIC.sourceSystemsLive, unit: 'Count' as const, value: liveSources(sources, now).length }] : []),
      ...seconds(PROGRAM_METRIC.arrestToAvailableSeconds, durations(available, availableStarts)),
      ...seconds(PROGRAM_METRIC.requestToActiveSeconds, durations(activated, activeStarts)),
    ],
  };
}
