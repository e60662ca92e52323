import { useEffect, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import * as z from 'zod';
import type { ProgramFigures } from '../../../functions/metrics/use-cases/program';
import { useLoad } from '../api';
import type { Section } from '../kinds';
import { navigate, useLocation } from '../router';
import { Facts, Failure, Loading, Page, TableRegion } from '../ui/components';
import { TextField, useSchemaForm } from '../ui/form';

/**
 * The program's figures (GET /metrics/program): searches and document exchanges per day and per
 * month, drawn by uPlot with the same numbers in a table beneath (the table is what assistive
 * technology reads), municipalities connected, source systems live and the median times. The
 * range is in the address; the current month by default.
 */

const RangeSchema = z
  .object({ from: z.iso.date('must be a date'), to: z.iso.date('must be a date') })
  .refine((v) => v.from <= v.to, { path: ['to'], message: 'must be on or after the "from" day' });
type Range = z.output<typeof RangeSchema>;

const thisMonth = (): Range => {
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0));
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
};

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

/** A duration in words a reader takes in at once: hours (with one decimal) or days. */
export function duration(seconds: number | null): string {
  if (seconds === null) return 'none in the range';
  const hours = seconds / 3600;
  return hours < 48 ? `${hours.toFixed(1)} hours` : `${(hours / 24).toFixed(1)} days`;
}

function RangeForm(props: { readonly current: Range }) {
  const [from, setFrom] = useState(props.current.from);
  const [to, setTo] = useState(props.current.to);
  const form = useSchemaForm(RangeSchema);
  return (
    <form
      class="card"
      aria-label="Range of the figures"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const r = form.check({ from, to });
        if (r) navigate('/program', { from: r.from, to: r.to });
      }}
    >
      <div class="filters">
        <TextField name="from" label="From (UTC day)" type="date" problems={form.problems} value={from} onValue={setFrom} />
        <TextField name="to" label="To (UTC day, included)" type="date" problems={form.problems} value={to} onValue={setTo} />
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          Show figures
        </button>
      </div>
    </form>
  );
}

/** The daily series as a uPlot chart: the picture; the table below carries the same numbers. */
function DailyChart(props: { readonly days: ProgramFigures['days']; readonly label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    let chart: uPlot | undefined;
    let resize: ResizeObserver | undefined;
    let live = true;
    // Loaded when a chart is drawn, not with the portal: uPlot reads the browser's language when it
    // loads, and a tag Intl refuses (Chromium's "en-US@posix") must cost the chart, not the portal.
    import('uplot')
      .then(({ default: UPlot }) => {
        if (!live) return;
        const xs = props.days.map((d) => Date.parse(`${d.period}T00:00:00Z`) / 1000);
        const data: uPlot.AlignedData = [xs, props.days.map((d) => d.searches), props.days.map((d) => d.exchanges.total)];
        chart = new UPlot(
          {
            width: Math.max(260, el.clientWidth),
            height: 240,
            tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
            legend: { show: false },
            cursor: { show: false },
            series: [{}, { label: 'Searches', stroke: '#1f5f99', width: 2 }, { label: 'Document exchanges', stroke: '#a33c00', width: 2, dash: [6, 4] }],
            axes: [{}, { label: 'per day' }],
          },
          data,
          el,
        );
        // The chart follows its column's width (a narrow window, a zoomed page): 320 px must read.
        const drawn = chart;
        resize = new ResizeObserver(() => drawn.setSize({ width: Math.max(260, el.clientWidth), height: 240 }));
        resize.observe(el);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      resize?.disconnect();
      chart?.destroy();
    };
  }, [props.days]);
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={props.label} />
      <figcaption>
        {failed ? 'The chart could not be drawn in this browser; the table below holds the numbers. ' : ''}
        Per day (UTC): <span class="series-searches">searches, solid line</span>; <span class="series-exchanges">document exchanges, dashed line</span>. The table below holds the same numbers.
      </figcaption>
    </figure>
  );
}

function Figures(props: { readonly range: Range }) {
  const { from, to } = props.range;
  const loaded = useLoad((api) => api.get<ProgramFigures>('/metrics/program', { from, to }), [from, to]);
  const f = loaded.data;
  if (!f) return loaded.error ? <Failure error={loaded.error} /> : <Loading what="the figures" />;
  const x = f.totals.exchanges;
  return (
    <>
      <section aria-labelledby="totals">
        <h2 id="totals">
          {f.from} to {f.to}
        </h2>
        <Facts
          label="The figures of the range"
          items={[
            ['Searches', String(f.totals.searches)],
            ['Document exchanges', `${x.total} (sent ${x.sent}, transmitted ${x.transmitted}, notified ${x.notified}, disseminated ${x.disseminated})`],
            ['Municipalities connected', `${f.municipalities.connected} of ${f.municipalities.total} (${percent(f.municipalities.share)})`],
            ['Agencies connected', `${f.agencies.connected} of ${f.agencies.total} (${f.agencies.connectedInRange} in the range; ${f.agencies.provisioned} provisioned)`],
            ['Source systems live', f.sources.live === null ? 'not known: the search database did not answer' : `${f.sources.live} of ${f.sources.total} delivered in the range (${f.sources.liveNow ?? 0} within the last ${f.sources.liveWithinHours} hours)`],
            ...(f.sources.down.length ? ([['Source systems that did not deliver', f.sources.down.join(', ')]] as [string, string][]) : []),
            ['Median, arrest to AVAILABLE', `${duration(f.medians.arrestToAvailable.seconds)} (${f.medians.arrestToAvailable.count} packets)`],
            ['Median, request to ACTIVE', `${duration(f.medians.requestToActive.seconds)} (${f.medians.requestToActive.count} requests)`],
          ]}
        />
      </section>
      <section aria-labelledby="per-day">
        <h2 id="per-day">Per day</h2>
        <DailyChart days={f.days} label={`Chart of searches and document exchanges per day, ${f.from} to ${f.to}: ${f.totals.searches} searches and ${x.total} exchanges in all`} />
        <TableRegion label="Figures per day">
          <table class="program-days">
            <caption>Searches and document exchanges per day (UTC)</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Searches</th>
                <th scope="col">Exchanges</th>
                <th scope="col">Sent</th>
                <th scope="col">Transmitted</th>
                <th scope="col">Notified</th>
                <th scope="col">Disseminated</th>
              </tr>
            </thead>
            <tbody>
              {f.days.map((d) => (
                <tr key={d.period}>
                  <th scope="row">{d.period}</th>
                  <td>{d.searches}</td>
                  <td>{d.exchanges.total}</td>
                  <td>{d.exchanges.sent}</td>
                  <td>{d.exchanges.transmitted}</td>
                  <td>{d.exchanges.notified}</td>
                  <td>{d.exchanges.disseminated}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      </section>
      <section aria-labelledby="per-month">
        <h2 id="per-month">Per month</h2>
        <TableRegion label="Figures per month">
          <table class="program-months">
            <caption>Searches and document exchanges per month (the program's published goals: over 5,000 searches and 4,000 exchanges a month)</caption>
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col">Searches</th>
                <th scope="col">Exchanges</th>
              </tr>
            </thead>
            <tbody>
              {f.months.map((m) => (
                <tr key={m.period}>
                  <th scope="row">{m.period}</th>
                  <td>{m.searches}</td>
                  <td>{m.exchanges.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      </section>
    </>
  );
}

function ProgramPage() {
  const loc = useLocation();
  const parsed = RangeSchema.safeParse(Object.fromEntries(loc.query.entries()));
  const range = parsed.success ? parsed.data : thisMonth();
  return (
    <Page title="Program figures" lead="CISS's own numbers, counted from the audit trail and the agency registry: searches, document exchanges, municipalities connected, source systems live and how long the work takes.">
      <RangeForm key={loc.query.toString()} current={range} />
      <Figures key={JSON.stringify(range)} range={range} />
    </Page>
  );
}

export const programPages: Section = {
  id: 'program',
  title: 'Program figures',
  summary: 'Searches and document exchanges per month, municipalities connected, source systems live and median times.',
  roles: ['auditor', 'operations'],
  home: '/program',
  routes: [{ pattern: '/program', render: () => <ProgramPage /> }],
};
