import { useState } from 'preact/hooks';
import { AdjudicationSchema, DISPOSITIONS } from '../../../functions/arrests/domain/adjudication';
import type { PacketSummary } from '../../../functions/arrests/use-cases/packet';
import { useLoad, usePortal } from '../api';
import { href } from '../router';
import { Done, Failure, Loading, Page, Status } from '../ui/components';
import { OtherProblems, SelectField, TextField, useSchemaForm } from '../ui/form';
import { dispositionInWords, packetFailure, stepInWords, type PacketRead } from './arrests-packet';

/**
 * `#/arrests/:packetId/adjudication`: Judicial gives the disposition of every charge of a packet
 * awaiting adjudication (AVAILABLE). The form checks with the API's own schema
 * (domain/adjudication.ts) before it sends, and shows each field's problem beside the field; what
 * the API still refuses (a charge left out, a 409 for a packet not awaiting adjudication) lands
 * the same way.
 */
interface Row {
  readonly disposition: string;
  readonly dispositionDate: string;
}

const OPTIONS: readonly (readonly [string, string])[] = [['', 'Choose a disposition'], ...DISPOSITIONS.map((d) => [d, dispositionInWords(d)] as const)];

export function AdjudicationPage(props: { readonly packetId: string }) {
  const packet = useLoad((api) => api.get<PacketRead>(`/arrests/${encodeURIComponent(props.packetId)}`), [props.packetId]);
  const back = (
    <p>
      <a href={href(`/arrests/${encodeURIComponent(props.packetId)}`)}>Back to the packet</a>
    </p>
  );
  if (packet.error) {
    return (
      <Page title="Dispositions">
        <Failure error={packetFailure(packet.error)} />
        {back}
      </Page>
    );
  }
  if (!packet.data) return <Loading what="the arrest packet" />;
  const view = packet.data;
  return (
    <Page title={`Dispositions for packet ${view.incidentNumber}`} lead={`Give the disposition of each of its ${view.charges.length} charge${view.charges.length === 1 ? '' : 's'}.`}>
      <p>
        <Status value={view.status} /> {stepInWords(view.currentStep)}.
      </p>
      {view.status === 'AVAILABLE' ? <AdjudicationForm view={view} onDone={packet.reload} /> : view.dispositions ? <Done>The dispositions are recorded.</Done> : <p>Only a packet awaiting adjudication (available) takes dispositions.</p>}
      {back}
    </Page>
  );
}

function AdjudicationForm(props: { readonly view: PacketRead; readonly onDone: () => void }) {
  const { api } = usePortal();
  const { charges } = props.view;
  const form = useSchemaForm(AdjudicationSchema);
  const [rows, setRows] = useState<readonly Row[]>(() => charges.map(() => ({ disposition: '', dispositionDate: '' })));
  const set = (i: number, change: Partial<Row>) => setRows((all) => all.map((r, j) => (j === i ? { ...r, ...change } : r)));

  const submit = () =>
    form.submit(
      { dispositions: charges.map((c, i) => ({ chargeSequenceID: c.chargeSequenceID, ...rows[i] })) },
      (body) => api.post<PacketSummary>(`/arrests/${encodeURIComponent(props.view.packetId)}/adjudication`, body).then(props.onDone),
      packetFailure,
    );

  const shown = charges.flatMap((_, i) => [`dispositions.${i}.disposition`, `dispositions.${i}.dispositionDate`]);
  return (
    <form
      class="card"
      aria-label="Dispositions"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {charges.map((c, i) => (
        <fieldset key={c.chargeSequenceID}>
          <legend>
            {c.charge}: {c.citation}
            {c.title ? `, ${c.title}` : ''} ({c.offenseClass})
          </legend>
          <SelectField name={`dispositions.${i}.disposition`} label="Disposition" problems={form.problems} value={rows[i]?.disposition ?? ''} onValue={(v) => set(i, { disposition: v })} options={OPTIONS} />
          <TextField name={`dispositions.${i}.dispositionDate`} label="Date of the disposition" hint="The day the court disposed of this charge." type="date" problems={form.problems} value={rows[i]?.dispositionDate ?? ''} onValue={(v) => set(i, { dispositionDate: v })} />
        </fieldset>
      ))}
      <OtherProblems problems={form.problems} shown={shown} />
      {form.error ? <Failure error={form.error} /> : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={form.busy}>
          Record the dispositions
        </button>
      </div>
    </form>
  );
}
