/** The program's figures: what counts as a search and an exchange, per day and month, the medians, and the range rules. */
import { ValidationFailed } from '#shared/errors';
import { PROGRAM_METRIC } from '#shared/metrics';
import { AGENCIES, agencyOfTown } from '../../functions/agencies/domain/registry';
import { withState } from '../../functions/agencies/domain/state';
import { daysBetween, median, type SourceState, type TrailRecord } from '../../functions/metrics/domain/figures';
import type { ProgramPorts } from '../../functions/metrics/ports';
import { programFigures } from '../../functions/metrics/use-cases/program';
import { hourFigures } from '../../functions/metrics/use-cases/publish';

const rec = (at: string, id: string, details: Record<string, unknown> = {}, type = 'x'): TrailRecord => ({ at, subject: { type, id }, details });

/** An audit trail in memory, by type, and the registry and sources as given. */
function ports(trail: Record<string, TrailRecord[]>, now: string, options: { sources?: SourceState[] | Error; states?: Parameters<typeof withState>[1] } = {}): ProgramPorts & { reads: string[] } {
  const reads: string[] = [];
  const all = Object.values(trail).flat();
  return {
    reads,
    trail: {
      ofType: async (type, from, to) => (reads.push(`${type} ${from} ${to}`), (trail[type] ?? []).filter((r) => r.at >= from && r.at < to)),
      firstAt: async (subject) => all.filter((r) => r.subject.id === subject.id).map((r) => r.at).sort()[0],
    },
    agencies: async () => withState(AGENCIES, options.states ?? []),
    sources: async () => {
      if (options.sources instanceof Error) throw options.sources;
      return options.sources ?? [];
    },
    now: () => now,
  };
}

const DECEMBER: Record<string, TrailRecord[]> = {
  SearchPerformed: [rec('2026-12-01T09:00:00.000Z', 'sq-1'), rec('2026-12-01T10:00:00.000Z', 'sq-2'), rec('2026-12-15T10:00:00.000Z', 'sq-3'), rec('2027-01-01T00:00:00.000Z', 'sq-4')],
  ArrestPacketReceived: [rec('2026-12-01T08:00:00.000Z', 'ap-1'), rec('2026-12-02T08:00:00.000Z', 'ap-2'), rec('2026-12-03T08:00:00.000Z', 'ap-3')],
  ArrestPacketTransmitted: [rec('2026-12-01T10:00:00.000Z', 'ap-1'), rec('2026-12-02T12:00:00.000Z', 'ap-2')],
  AgencyNotified: [rec('2026-12-01T10:00:01.000Z', 'ap-1')],
  NoticeSent: [rec('2026-12-01T10:00:02.000Z', 'n-1'), rec('2026-12-01T10:00:03.000Z', 'n-2')],
  // Made available 2 h and 6 h after receipt; ap-1 again (a later version) counts once, at its first.
  ArrestDataAvailable: [rec('2026-12-01T10:00:00.000Z', 'ap-1'), rec('2026-12-02T14:00:00.000Z', 'ap-2'), rec('2026-12-05T10:00:00.000Z', 'ap-1')],
  AccessRequestStatusChanged: [rec('2026-11-30T09:00:00.000Z', 'ar-1', { to: 'RECEIVED' }), rec('2026-12-01T09:00:00.000Z', 'ar-1', { to: 'ACTIVE' }), rec('2026-12-01T09:00:00.000Z', 'ar-2', { to: 'RECEIVED' })],
};

describe('the program figures', () => {
  it('counts searches and each kind of document exchange, per day and per month, within the range only', async () => {
    const f = await programFigures({ from: '2026-12-01', to: '2026-12-31' }, ports(DECEMBER, '2027-01-10T00:00:00.000Z'));
    expect(f.totals).toEqual({ searches: 3, exchanges: { sent: 3, transmitted: 2, notified: 1, disseminated: 2, total: 8 } });
    expect(f.months).toEqual([{ period: '2026-12', searches: 3, exchanges: f.totals.exchanges }]);
    expect(f.days).toHaveLength(31);
    expect(f.days[0]).toEqual({ period: '2026-12-01', searches: 2, exchanges: { sent: 1, transmitted: 1, notified: 1, disseminated: 2, total: 5 } });
    expect(f.days[30]).toEqual({ period: '2026-12-31', searches: 0, exchanges: { sent: 0, transmitted: 0, notified: 0, disseminated: 0, total: 0 } });
  });

  it('reads each type by the index over the range, from the start of `from` to the end of `to`', async () => {
    const p = ports(DECEMBER, '2027-01-10T00:00:00.000Z');
    await programFigures({ from: '2026-12-01', to: '2026-12-31' }, p);
    expect(p.reads).toContain('SearchPerformed 2026-12-01T00:00:00.000Z 2027-01-01T00:00:00.000Z');
    expect(p.reads).toHaveLength(7);
  });

  it('takes the medians from each subject’s first record to its first end in the range', async () => {
    const f = await programFigures({ from: '2026-12-01', to: '2026-12-31' }, ports(DECEMBER, '2027-01-10T00:00:00.000Z'));
    expect(f.medians.arrestToAvailable).toEqual({ seconds: 4 * 3600, count: 2 });
    expect(f.medians.requestToActive).toEqual({ seconds: 24 * 3600, count: 1 });
    const none = await programFigures({ from: '2026-11-01', to: '2026-11-30' }, ports(DECEMBER, '2027-01-10T00:00:00.000Z'));
    expect(none.medians.arrestToAvailable).toEqual({ seconds: null, count: 0 });
  });

  it('counts municipalities connected as of the range’s end, and agencies provisioned and connected in it', async () => {
    const states = [
      { ori: 'CT0000100', connectedAt: '2026-11-20T00:00:00.000Z' },
      { ori: agencyOfTown('Hamden')!.ori, provisionedAt: '2026-12-02T00:00:00.000Z', connectedAt: '2026-12-03T00:00:00.000Z' },
      { ori: agencyOfTown('Avon')!.ori, connectedAt: '2027-01-05T00:00:00.000Z' },
    ];
    const f = await programFigures({ from: '2026-12-01', to: '2026-12-31' }, ports(DECEMBER, '2027-01-10T00:00:00.000Z', { states }));
    expect(f.municipalities).toEqual({ connected: 2, total: 169, share: 2 / 169 });
    expect(f.agencies).toEqual({ total: AGENCIES.length, provisioned: 1, connected: 2, provisionedInRange: 1, connectedInRange: 1 });
  });

  it('counts a source live in the range when it delivered on one of its days, and live now within 24 hours; says when the search database does not answer', async () => {
    const sources = [
      { id: 'a', name: 'A', lastDeliveredAt: '2026-12-10T01:00:00.000Z', daysDelivered: 9 },
      { id: 'b', name: 'B', lastDeliveredAt: '2026-12-08T00:00:00.000Z', daysDelivered: 2 },
      { id: 'c', name: 'C', daysDelivered: 0 },
    ];
    const asked: unknown[] = [];
    const p = ports({}, '2026-12-10T12:00:00.000Z', { sources });
    const f = await programFigures({ from: '2026-12-01', to: '2026-12-31' }, { ...p, sources: (range) => (asked.push(range), p.sources(range)) });
    expect(asked).toEqual([{ from: '2026-12-01', to: '2026-12-31' }]);
    expect(f.sources).toEqual({ live: 2, total: 3, ids: ['a', 'b'], down: ['c'], daysDelivered: { a: 9, b: 2 }, liveNow: 1, liveWithinHours: 24 });
    const down = await programFigures({ from: '2026-12-01', to: '2026-12-31' }, ports(DECEMBER, '2026-12-10T12:00:00.000Z', { sources: new Error('timeout') }));
    expect(down.sources).toEqual({ live: null, total: null, ids: [], down: [], daysDelivered: {}, liveNow: null, liveWithinHours: 24, unavailable: true });
    expect(down.totals.searches).toBe(3);
  });

  it('defaults to the current month, and refuses a range backwards, too long, or not a day, naming the field', async () => {
    const f = await programFigures({}, ports({}, '2027-02-10T12:00:00.000Z'));
    expect([f.from, f.to, f.days.length]).toEqual(['2027-02-01', '2027-02-28', 28]);
    await expect(programFigures({ from: '2026-12-10', to: '2026-12-01' }, ports({}, '2027-01-01T00:00:00.000Z'))).rejects.toThrow(new ValidationFailed([{ field: 'to', rule: 'must not be before from' }]));
    await expect(programFigures({ from: '2025-01-01', to: '2026-12-31' }, ports({}, '2027-01-01T00:00:00.000Z'))).rejects.toThrow(ValidationFailed);
    await expect(programFigures({ from: '2026-02-31' }, ports({}, '2027-01-01T00:00:00.000Z'))).rejects.toThrow(ValidationFailed);
  });

  it('has days and medians that hold for any input (unit rules)', () => {
    expect(daysBetween('2026-12-30T00:00:00.000Z', '2027-01-02T00:00:00.000Z')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01']);
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('the hourly metrics', () => {
  it('publishes the whole hour before: counts, gauges, and one value per duration that ended in it', async () => {
    const trail = {
      SearchPerformed: [rec('2026-12-01T09:10:00.000Z', 'sq-1'), rec('2026-12-01T09:59:59.999Z', 'sq-2'), rec('2026-12-01T10:00:00.000Z', 'sq-3')],
      ArrestPacketReceived: [rec('2026-12-01T07:00:00.000Z', 'ap-1'), rec('2026-12-01T09:30:00.000Z', 'ap-2')],
      ArrestDataAvailable: [rec('2026-12-01T09:00:00.000Z', 'ap-1')],
    };
    const out = await hourFigures(ports(trail, '2026-12-01T10:20:00.000Z', { states: [{ ori: 'CT0000100', connectedAt: '2026-11-01T00:00:00.000Z' }], sources: [{ id: 'a', name: 'A', lastDeliveredAt: '2026-12-01T10:00:00.000Z' }] }));
    expect([out.from, out.to]).toEqual(['2026-12-01T09:00:00.000Z', '2026-12-01T10:00:00.000Z']);
    expect(out.values).toEqual([
      { name: PROGRAM_METRIC.searches, unit: 'Count', value: 2 },
      { name: PROGRAM_METRIC.documentExchanges, unit: 'Count', value: 1 },
      { name: PROGRAM_METRIC.municipalitiesConnectedPercent, unit: 'Percent', value: 0.6 },
      { name: PROGRAM_METRIC.agenciesConnected, unit: 'Count', value: 1 },
      { name: PROGRAM_METRIC.sourceSystemsLive, unit: 'Count', value: 1 },
      { name: PROGRAM_METRIC.arrestToAvailableSeconds, unit: 'Seconds', value: 7200 },
    ]);
  });

  it('publishes the rest when the search database does not answer', async () => {
    const out = await hourFigures(ports({}, '2026-12-01T10:20:00.000Z', { sources: new Error('down') }));
    expect(out.values.map((v) => v.name)).not.toContain(PROGRAM_METRIC.sourceSystemsLive);
    expect(out.values.map((v) => v.name)).toContain(PROGRAM_METRIC.searches);
  });
});
