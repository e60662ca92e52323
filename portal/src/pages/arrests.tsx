import { useEffect, useState } from 'preact/hooks';
import { CURRENT_STEP, STATUSES, type PacketStatus } from '../../../functions/arrests/domain/status';
import type { PacketSummary } from '../../../functions/arrests/use-cases/packet';
import type { Role } from '../../../functions/shared/roles';
import type { TaskView } from '../../../functions/tasks/use-cases/api';
import { useLoad, usePages, usePortal } from '../api';
import { href, navigate } from '../router';
import type { Section } from '../kinds';
import { Failure, Loading, More, Page, Status, When, TableRegion } from '../ui/components';
import { SelectField } from '../ui/form';
import { AdjudicationPage } from './arrests-adjudication';
import { PacketPage, stepInWords } from './arrests-packet';

/**
 * The arrests section: the packets a person may see (GET /arrests: an agency its own, a court
 * clerk their courts', Judicial and DCJ all; audience.ts decides), one packet as a document
 * (arrests-packet.tsx), and Judicial's dispositions (arrests-adjudication.tsx). A court clerk's
 * list starts with the packets that wait for their review, oldest first (their clerk-review
 * tasks); Judicial's starts at the packets awaiting adjudication.
 */
const READERS = ['court-clerk', 'agency-staff', 'agency-admin', 'judicial', 'dcj'] as const satisfies readonly Role[];

/** GET /arrests's answer. */
interface PacketPage {
  readonly packets: PacketSummary[];
  readonly nextToken: string | null;
}

/** `?status=any` lists every status; no `status` is the person's usual list (awaiting adjudication for Judicial). */
const ANY = 'any';

const statusWords = (s: PacketStatus) => s.toLowerCase().replace(/_/g, ' ');
const statusLabel = (s: PacketStatus) => `${s.charAt(0)}${statusWords(s).slice(1)}: ${stepInWords(CURRENT_STEP[s]).replace(/^S/, 's')}`;
const STATUS_OPTIONS: readonly (readonly [string, string])[] = [[ANY, 'Every status'], ...STATUSES.map((s) => [s, statusLabel(s)] as const)];

const isStatus = (s: string): s is PacketStatus => (STATUSES as readonly string[]).includes(s);

function PacketList(props: { readonly query: URLSearchParams }) {
  const { session } = usePortal();
  const person = session.person;
  const roles = person?.roles ?? [];
  const clerk = roles.includes('court-clerk');
  const agency = roles.includes('agency-staff') || roles.includes('agency-admin');
  const judicialOnly = roles.includes('judicial') && !clerk && !agency && !roles.includes('dcj');
  const asked = props.query.get('status') ?? '';
  const status = isStatus(asked) ? asked : asked === ANY || !judicialOnly ? '' : 'AVAILABLE';
  const [chosen, setChosen] = useState<string>(status || ANY);
  useEffect(() => setChosen(status || ANY), [status]);

  const whose = agency ? `Your agency's packets${person?.ori ? ` (${person.ori})` : ''}` : clerk ? `The packets of your courts${person?.courts.length ? ` (${person.courts.join(', ')})` : ''}` : 'Arrest packets';
  const lead = judicialOnly && status === 'AVAILABLE' ? 'Packets awaiting adjudication: open one to enter the dispositions.' : agency ? 'Where each packet stands, the rules a rejected one broke, and the docket number once it is transmitted.' : undefined;
  return (
    <Page title="Arrest packets" lead={lead}>
      {clerk ? <ReviewQueue /> : null}
      <section aria-labelledby="packets">
        <h2 id="packets">{status ? `${whose}, ${statusWords(status)}` : whose}</h2>
        <form
          class="filters"
          aria-label="Filter the packets"
          onSubmit={(e) => {
            e.preventDefault();
            navigate('/arrests', { status: chosen });
          }}
        >
          <SelectField name="status" label="Status" problems={{}} value={chosen} onValue={setChosen} options={STATUS_OPTIONS} />
          <button type="submit">Show</button>
        </form>
        <Packets status={status} showAgency={!agency} />
      </section>
    </Page>
  );
}

/** GET /arrests, a page at a time (the API's cursor), newest first. */
function Packets(props: { readonly status: string; readonly showAgency: boolean }) {
  const list = usePages(
    (api, nextToken) => api.get<PacketPage>('/arrests', { status: props.status || undefined, limit: 25, nextToken }).then((page) => ({ items: page.packets, nextToken: page.nextToken })),
    [props.status],
  );
  if (!list.pages) return list.error ? <Failure error={list.error} /> : <Loading what="the packets" />;
  const packets = list.items;
  if (!packets.length) return <p>No packets{isStatus(props.status) ? ` are ${statusWords(props.status)}` : ' yet'}.</p>;
  return (
    <>
      <TableRegion label="Packets">
        <table>
          <thead>
            <tr>
              <th scope="col">Incident</th>
              <th scope="col">Status</th>
              <th scope="col">Where it stands</th>
              {props.showAgency ? <th scope="col">Agency</th> : null}
              <th scope="col">Received</th>
              <th scope="col">Last change</th>
            </tr>
          </thead>
          <tbody>
            {packets.map((p) => (
              <tr key={p.packetId}>
                <td>
                  <a href={href(`/arrests/${encodeURIComponent(p.packetId)}`)}>{p.incidentNumber}</a>
                  {p.version > 1 ? <span class="muted"> v{p.version}</span> : null}
                </td>
                <td>
                  <Status value={p.status} />
                </td>
                <td>{stepInWords(p.currentStep)}</td>
                {props.showAgency ? <td>{p.ori}</td> : null}
                <td>
                  <When at={p.receivedAt} />
                </td>
                <td>
                  <When at={p.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      {list.error ? <Failure error={list.error} /> : null}
      <More nextToken={list.nextToken} loading={list.loading} onMore={list.more} />
    </>
  );
}

/** The clerk's pending reviews (their `arrest-packet/clerk-review` tasks, GET /tasks), oldest first. */
function ReviewQueue() {
  const tasks = useLoad((api) => api.get<{ tasks: TaskView[] }>('/tasks'), []);
  const reviews = [...(tasks.data?.tasks ?? [])].filter((t) => t.workflow === 'arrest-packet' && t.step === 'clerk-review').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return (
    <section aria-labelledby="queue">
      <h2 id="queue">Awaiting your review</h2>
      {tasks.error ? <Failure error={tasks.error} /> : null}
      {tasks.loading && !tasks.data ? <Loading what="your reviews" /> : null}
      {tasks.data && !reviews.length ? <p>No packet awaits your review.</p> : null}
      {reviews.length ? (
        <ol class="queue">
          {reviews.map((t) => (
            <li key={t.taskId} class="card">
              <p class="queue-title">
                <a href={href(`/tasks/${encodeURIComponent(t.taskId)}`)}>{t.subject.title}</a>
              </p>
              <p class="muted">
                {t.assignee.court ? `${t.assignee.court}, ` : ''}waiting since <When at={t.createdAt} />, due <When at={t.expiresAt} />
                {t.reminder ? ` (reminder ${t.reminder})` : ''}
              </p>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

export const arrestPages: Section = {
  id: 'arrests',
  title: 'Arrest packets',
  summary: "Arrest packets: a court's queue for review, an agency's packets with their status and rules, Judicial's dispositions.",
  roles: READERS,
  home: '/arrests',
  routes: [
    { pattern: '/arrests', render: (_, query) => <PacketList query={query} /> },
    { pattern: '/arrests/:packetId', render: (p) => <PacketPage packetId={p['packetId'] ?? ''} /> },
    { pattern: '/arrests/:packetId/adjudication', render: (p) => <AdjudicationPage packetId={p['packetId'] ?? ''} /> },
  ],
};
