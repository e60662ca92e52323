import type { ComponentChildren } from 'preact';
import { ARREST_TYPE_WORDS, DOCUMENT_WORDS, RELEASE_WORDS, ruleInWords } from '../../../functions/arrests/domain/field-words';
import type { readPacket } from '../../../functions/arrests/use-cases/read';
import type { TaskView } from '../../../functions/tasks/use-cases/api';
import { ApiError, useLoad, usePortal } from '../api';
import { href } from '../router';
import type { StepView } from '../kinds';
import { Facts, Failure, Loading, Page, Status, When } from '../ui/components';

/**
 * One arrest packet as people read it: the document (arrestee, charges with their statutes,
 * officer, court, release, documents), where it stands and its timeline. The same document is
 * what the court clerk reads above the decision on the review task's page (`ClerkReview`). The
 * API decides who may open which packet (audience.ts): another agency's or court's packet is a
 * 404, exactly as a missing one, and the page says so.
 */
export type PacketRead = Awaited<ReturnType<typeof readPacket>>;
type Packet = PacketRead['packet'];

/** What the API's 404 (or 403) means to the person: the packet is not theirs, or not there. */
export const NOT_YOURS = 'This arrest packet is not yours to open: it belongs to another agency or court, or there is no such packet. Check the link, or ask the agency that sent it.';

export const packetFailure = (error: Error): Error => (error instanceof ApiError && (error.status === 404 || error.status === 403) ? new Error(NOT_YOURS) : error);

const PACKET_PATH = (packetId: string) => `/arrests/${encodeURIComponent(packetId)}`;

/** The audit events of a packet's timeline in words; an event not named here shows its type. */
const EVENT_WORDS: Readonly<Record<string, string>> = {
  ArrestPacketReceived: "Received from the agency's records system",
  ArrestPacketValidated: 'Passed validation and went to the court clerk for review',
  ArrestPacketRejected: 'Rejected by validation',
  ArrestPacketAccepted: 'Accepted by the court clerk',
  ArrestPacketReturned: 'Returned to the agency by the court clerk',
  ArrestPacketReviewTimedOut: 'Not reviewed by the court clerk in time',
  ArrestPacketTransmitted: "Taken into DCJ's case management system",
  ArrestDataAvailable: 'Available to the justice community; awaiting adjudication',
  ArrestPacketAdjudicated: 'Adjudicated by Judicial',
  ArrestPacketArchived: 'Kept as a historical record',
  AgencyNotified: 'The agency was e-mailed',
  AdjudicationWaitContinued: 'Still awaiting adjudication',
  TaskCreated: "The court clerk's review was opened",
  TaskDecided: 'The court clerk decided',
  TaskExpired: 'The review task expired',
  TaskCancelled: 'The review task was closed',
  TaskDecisionUndone: 'A decision could not reach the workflow and was undone',
  ApprovalLinkRefused: 'An e-mailed review link was refused',
};

/** Reads are on the audit trail, not in the packet's story (the API already leaves out its own). */
const READS = new Set(['ArrestPacketRead', 'TaskRead']);

const CHOICE_WORDS: Readonly<Record<string, string>> = { accept: 'accept', return: 'return to the agency' };

/** Where a packet stands, from the API's `currentStep` (`7 awaiting adjudication` → `Step 7 of 7: awaiting adjudication`). */
export const stepInWords = (currentStep: string): string => {
  const numbered = /^(\d) (.+)$/.exec(currentStep);
  const words = numbered ? `Step ${numbered[1]} of 7: ${numbered[2]}` : currentStep;
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const NOTICE_WORDS: Readonly<Record<string, string>> = { rejected: 'the rules that failed', returned: "the clerk's reason", 'review-timed-out': 'that no clerk decided in time', processed: 'the docket number' };

const DISPOSITION_WORDS: Readonly<Record<string, string>> = {
  guilty: 'Guilty',
  'guilty-lesser-offense': 'Guilty of a lesser offense',
  'not-guilty': 'Not guilty',
  nolle: 'Nolle (not prosecuted)',
  dismissed: 'Dismissed',
  'diversionary-program': 'Diversionary program',
};
export const dispositionInWords = (d: string): string => DISPOSITION_WORDS[d] ?? d;

const SEX: Readonly<Record<string, string>> = { M: 'Male', F: 'Female', X: 'X', U: 'Unknown' };
const RACE: Readonly<Record<string, string>> = { W: 'White', B: 'Black', A: 'Asian', I: 'American Indian or Alaska Native', P: 'Native Hawaiian or Pacific Islander', U: 'Unknown' };

const nameOf = (n: { givenName: string; middleName?: string | undefined; surName: string; nameSuffix?: string | undefined }) => [n.givenName, n.middleName, n.surName, n.nameSuffix].filter(Boolean).join(' ');
const addressOf = (a: Packet['arrestee']['address']) => `${a.streetFullText}, ${a.cityName}, ${a.stateCode} ${a.postalCode}`;
const money = (n: number) => n.toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

function Section(props: { readonly title: string; readonly children: ComponentChildren }) {
  const id = `doc-${props.title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** The charges with their statutes: citation as sent, the section's title and class, what was charged, and the clerk's warnings. */
function Charges(props: { readonly view: PacketRead }) {
  const warningsOf = (i: number) => props.view.warnings.filter((w) => w.field.startsWith(`charges.${i}.`) || w.field === `charges.${i}`);
  return (
    <ol class="charges">
      {props.view.charges.map((c, i) => (
        <li key={c.chargeSequenceID} class="charge">
          <h3>
            {c.charge}: {c.citation}
            {c.title ? `, ${c.title}` : ''}
          </h3>
          <Facts
            items={[
              ['Statute', c.section === null ? `${c.citation} (not in the reference table)` : c.section === c.citation ? c.citation : `${c.citation} (section ${c.section})`],
              ['Title', c.title ?? 'Not in the reference table'],
              ['Class', c.baseClass && c.baseClass !== c.offenseClass ? `charged as ${c.offenseClass}; the statute's base class is ${c.baseClass}` : c.offenseClass],
              ['Counts', String(c.chargeCountQuantity)],
              ["Agency's description", c.chargeDescriptionText],
            ]}
          />
          {warningsOf(i).map((w) => (
            <p key={w.field} class="warning">
              <strong>Warning:</strong> {ruleInWords(w)}
            </p>
          ))}
        </li>
      ))}
    </ol>
  );
}

/** The packet as a document, for the clerk, the agency and Judicial alike. */
export function PacketDocument(props: { readonly view: PacketRead }) {
  const { view } = props;
  const p = view.packet;
  const otherWarnings = view.warnings.filter((w) => !w.field.startsWith('charges.'));
  return (
    <article class="document" aria-label={`Arrest packet ${view.incidentNumber}`}>
      <Section title="Arrestee">
        <Facts
          items={[
            ['Name', nameOf(p.arrestee.personName)],
            ['Date of birth', p.arrestee.personBirthDate],
            ['Sex', SEX[p.arrestee.personSex] ?? p.arrestee.personSex],
            ['Race', RACE[p.arrestee.personRace] ?? p.arrestee.personRace],
            ['Address', addressOf(p.arrestee.address)],
            ['State id (SID)', p.arrestee.stateIdentification],
            ['FBI number', p.arrestee.fbiIdentification],
          ]}
        />
      </Section>
      <Section title="Arrest">
        <Facts
          items={[
            ['Arrested', <When at={p.arrest.activityDateTime} />],
            ['Type', ARREST_TYPE_WORDS[p.arrest.arrestType]],
            ['Place', addressOf(p.arrest.location)],
            ['Agency', `${p.agency.organizationName} (${p.agency.ori})`],
            ['Incident number', p.incidentNumber],
          ]}
        />
      </Section>
      <Section title={`Charges (${view.charges.length})`}>
        <Charges view={view} />
        {otherWarnings.map((w) => (
          <p key={w.field} class="warning">
            <strong>Warning:</strong> {ruleInWords(w)}
          </p>
        ))}
      </Section>
      <Section title="Arresting officer">
        <Facts items={[['Name', nameOf({ ...p.arrestingOfficer.personName })], ['Badge', p.arrestingOfficer.badgeIdentification]]} />
      </Section>
      <Section title="Court and release">
        <Facts
          items={[
            ['Court', `GA ${p.court.gaNumber}${p.court.locationName ? `, ${p.court.locationName}` : ''}`],
            ['Arraignment', p.arraignmentDate],
            ['Release', RELEASE_WORDS[p.release.releaseType]],
            ['Bond', p.release.bondAmount === undefined ? undefined : money(p.release.bondAmount)],
          ]}
        />
      </Section>
      <Section title={`Documents (${p.documents.length})`}>
        {p.documents.length ? (
          <ul>
            {p.documents.map((d) => (
              <li key={`${d.documentType}-${d.documentReference}`}>
                {DOCUMENT_WORDS[d.documentType]}: {d.documentReference}
              </li>
            ))}
          </ul>
        ) : (
          <p>No documents are attached.</p>
        )}
      </Section>
    </article>
  );
}

/** What the packet's reader most needs about where it stands: the rules that failed, the clerk's reason, the docket number, the dispositions. */
export function Standing(props: { readonly view: PacketRead }) {
  const { view } = props;
  return (
    <>
      <Facts
        items={[
          ['Status', <Status value={view.status} />],
          ['Where it stands', stepInWords(view.currentStep)],
          ['Version', String(view.version)],
          ['Agency', view.ori],
          ['Received', <When at={view.receivedAt} />],
          ['Last change', <When at={view.updatedAt} />],
          ['Docket number', view.docketNumber ? <strong class="docket">{view.docketNumber}</strong> : undefined],
          ['Decided by', view.decidedBy ?? undefined],
        ]}
      />
      {view.problems.length ? (
        <div class="error rules" role="region" aria-label="Why the packet was rejected">
          <h2>Why it was rejected</h2>
          <p>Every rule the packet broke; send a new version with all of them fixed.</p>
          <ul>
            {view.problems.map((x) => (
              <li key={`${x.field}:${x.rule}`}>{ruleInWords(x)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {view.status === 'RETURNED' && view.returnReason ? (
        <div class="error rules" role="region" aria-label="Why the packet was returned">
          <h2>Returned by the court clerk</h2>
          <p>Reason: {view.returnReason}</p>
        </div>
      ) : null}
      {view.dispositions ? (
        <section aria-labelledby="dispositions">
          <h2 id="dispositions">Dispositions</h2>
          <ul>
            {view.dispositions.map((d) => (
              <li key={d.chargeSequenceID}>
                {view.charges.find((c) => c.chargeSequenceID === d.chargeSequenceID)?.charge ?? `Charge number ${d.chargeSequenceID}`}: {dispositionInWords(d.disposition)}, {d.dispositionDate}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function Timeline(props: { readonly view: PacketRead }) {
  const events = props.view.timeline.filter((e) => !READS.has(String(e.type))).sort((a, b) => String(a.at).localeCompare(String(b.at)));
  return (
    <section aria-labelledby="timeline">
      <h2 id="timeline">Timeline</h2>
      <ol class="timeline">
        {events.map((e, i) => {
          const type = String(e.type);
          const d = e.details as Record<string, unknown>;
          const extra = [
            typeof d['version'] === 'number' && type !== 'AgencyNotified' ? `version ${d['version']}` : '',
            typeof d['reason'] === 'string' ? `reason: ${d['reason']}` : '',
            typeof d['docketNumber'] === 'string' ? `docket ${d['docketNumber']}` : '',
            typeof d['problems'] === 'number' ? `${d['problems']} rule${d['problems'] === 1 ? '' : 's'} failed` : '',
            type === 'TaskDecided' && typeof d['choice'] === 'string' ? CHOICE_WORDS[d['choice']] ?? d['choice'] : '',
            type === 'TaskCreated' && typeof d['reminder'] === 'number' && d['reminder'] > 0 ? `reminder ${d['reminder']}` : '',
            type === 'AgencyNotified' && typeof d['kind'] === 'string' ? `with ${NOTICE_WORDS[d['kind']] ?? d['kind']}` : '',
          ].filter(Boolean);
          return (
            <li key={`${String(e.at)}-${i}`}>
              <When at={String(e.at)} />: {EVENT_WORDS[type] ?? type}
              {extra.length ? ` (${extra.join('; ')})` : ''}
              <span class="muted"> · {String(e.actor)}</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** The clerk's review task for this packet, if one waits for them: the page links to the decision. */
function ReviewLink(props: { readonly packetId: string }) {
  const tasks = useLoad((api) => api.get<{ tasks: TaskView[] }>('/tasks'), [props.packetId]);
  const task = tasks.data?.tasks.find((t) => t.workflow === 'arrest-packet' && t.step === 'clerk-review' && t.subject.id === props.packetId);
  if (!task) return null;
  return (
    <p class="actions">
      <a class="button primary" href={href(`/tasks/${task.taskId}`)}>
        Review: accept or return
      </a>
    </p>
  );
}

/** `#/arrests/:packetId`: the packet, where it stands, what its reader can do next, and its timeline. */
export function PacketPage(props: { readonly packetId: string }) {
  const { session } = usePortal();
  const roles = session.person?.roles ?? [];
  const packet = useLoad((api) => api.get<PacketRead>(PACKET_PATH(props.packetId)), [props.packetId]);
  if (packet.error) {
    return (
      <Page title="Arrest packet">
        <Failure error={packetFailure(packet.error)} />
        <p>
          <a href={href('/arrests')}>Back to the arrest packets</a>
        </p>
      </Page>
    );
  }
  if (!packet.data) return <Loading what="the arrest packet" />;
  const view = packet.data;
  const p = view.packet;
  return (
    <Page title={`Arrest packet ${view.incidentNumber}`} lead={`${nameOf(p.arrestee.personName)}, arrested by ${p.agency.organizationName}, for GA ${p.court.gaNumber}.`}>
      <Standing view={view} />
      {roles.includes('court-clerk') && view.status === 'VALIDATED' ? <ReviewLink packetId={view.packetId} /> : null}
      {roles.includes('judicial') && view.status === 'AVAILABLE' ? (
        <p class="actions">
          <a class="button primary" href={href(`${PACKET_PATH(view.packetId)}/adjudication`)}>
            Enter the dispositions
          </a>
        </p>
      ) : null}
      <PacketDocument view={view} />
      <Timeline view={view} />
    </Page>
  );
}

/**
 * The clerk's review step (`arrest-packet/clerk-review`): the packet as a document above the
 * decision. The task names the packet (`subject.id`); the packet is read through the API, so a
 * clerk of another court, who cannot open the task either, could not read it here.
 */
// Keyed by the task's status: once decided, the packet is read again (ACCEPTED, RETURNED).
export const ClerkReview: StepView = ({ task }) => <ClerkReviewDocument key={task.status} packetId={task.subject.id} />;

function ClerkReviewDocument(props: { readonly packetId: string }) {
  const packet = useLoad((api) => api.get<PacketRead>(PACKET_PATH(props.packetId)), [props.packetId]);
  if (packet.error) return <Failure error={packetFailure(packet.error)} />;
  if (!packet.data) return <Loading what="the arrest packet" />;
  const view = packet.data;
  return (
    <>
      <p>
        <Status value={view.status} /> Version {view.version} from {view.packet.agency.organizationName} ({view.ori}), received <When at={view.receivedAt} />.{' '}
        <a href={href(PACKET_PATH(view.packetId))}>The packet's page and timeline</a>
      </p>
      {view.warnings.length ? (
        <p class="warning">
          <strong>For your attention:</strong> the packet passed validation with {view.warnings.length} warning{view.warnings.length === 1 ? '' : 's'}, shown where {view.warnings.length === 1 ? 'it applies' : 'they apply'}.
        </p>
      ) : null}
      <PacketDocument view={view} />
    </>
  );
}
