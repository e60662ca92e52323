import { useState } from 'preact/hooks';
import type { FailedNoticeView, RuleView } from '../../../functions/dissemination/use-cases/operate';
import { usePortal, useLoad } from '../api';
import type { Section } from '../kinds';
import { Done, Facts, Failure, Loading, Page, Status, When, TableRegion } from '../ui/components';

/**
 * The dissemination rules as the unit and operations see them (GET /dissemination/rules): each
 * rule's event, condition, receivers and fields as data, its version and review, and a switch
 * that takes effect from the next event, without a deployment (audited). Operations also see
 * the notices whose e-mail kept failing, and redrive them.
 */

function useAction() {
  const { api } = usePortal();
  const [error, setError] = useState<Error | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const run = async (path: string, body: unknown, said: string, after: () => void) => {
    setError(undefined);
    setDone(undefined);
    try {
      await api.post(path, body);
      setDone(said);
      after();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return { error, done, run };
}

function RuleCard(props: { readonly rule: RuleView; readonly canSwitch: boolean; readonly onChanged: () => void }) {
  const r = props.rule;
  const action = useAction();
  const condition = r.condition.kind === 'always' ? 'every such event' : `the arrestee has an ${r.condition.activeOnly ? 'active ' : ''}${r.condition.recordKind} record (matched by ${r.condition.matchBy.join(' or ')})`;
  const receivers = r.recipients.map((x) => (x.kind === 'office' ? `${x.role} office of the ${x.of.replace('packet-', "packet's ")}` : `the ${x.assignee} (as ${x.role})`)).join('; ');
  return (
    <article class="card" aria-labelledby={`rule-${r.id}`}>
      <h2 id={`rule-${r.id}`}>
        {r.title} <Status value={r.enabled ? 'ACTIVE' : 'SWITCHED_OFF'} />
      </h2>
      <p>{r.purpose}</p>
      <Facts
        label={`Rule ${r.id}`}
        items={[
          ['Rule', `${r.id}, version ${r.version}`],
          ['Reviewed', `${r.review.by}, ${r.review.on}`],
          ['Listens to', r.on],
          ['When', condition],
          ['Tells', receivers],
          ['Fields sent', r.fields.join(', ')],
          ['Receivers may mute it', r.mutable ? 'yes' : 'no'],
          ['Last switched', r.switched ? <span>{r.switched.enabled ? 'on' : 'off'} by {r.switched.by}, <When at={r.switched.at} />: {r.switched.reason}</span> : undefined],
        ]}
      />
      {props.canSwitch ? (
        <p>
          <button
            type="button"
            onClick={() => {
              const reason = window.prompt(`Why switch "${r.title}" ${r.enabled ? 'off' : 'on'}?`) ?? '';
              if (reason.trim()) void action.run(`/dissemination/rules/${r.id}/switch`, { enabled: !r.enabled, reason }, `${r.title}: switched ${r.enabled ? 'off' : 'on'}.`, props.onChanged);
            }}
          >
            {r.enabled ? 'Switch off' : 'Switch on'}
          </button>
        </p>
      ) : null}
      {action.done ? <Done>{action.done}</Done> : null}
      {action.error ? <Failure error={action.error} /> : null}
    </article>
  );
}

function FailedNotices() {
  const failed = useLoad((api) => api.get<{ notices: FailedNoticeView[] }>('/dissemination/failed-notices'), []);
  const action = useAction();
  if (!failed.data) return failed.error ? <Failure error={failed.error} /> : <Loading what="the failed notices" />;
  return (
    <section aria-labelledby="failed-notices">
      <h2 id="failed-notices">Notices whose e-mail failed</h2>
      {!failed.data.notices.length ? <p>None.</p> : null}
      {failed.data.notices.length ? (
        <TableRegion label="Failed notices">
          <table>
            <thead>
              <tr>
                <th scope="col">Notice</th>
                <th scope="col">Rule</th>
                <th scope="col">To</th>
                <th scope="col">Attempts</th>
                <th scope="col">Error</th>
                <th scope="col">Failed</th>
                <th scope="col">Redrive</th>
              </tr>
            </thead>
            <tbody>
              {failed.data.notices.map((n) => (
                <tr key={n.noticeId}>
                  <td>
                    <code>{n.noticeId}</code>
                  </td>
                  <td>
                    {n.rule} v{n.ruleVersion}
                  </td>
                  <td>{[n.recipient.role, n.recipient.court, n.recipient.agency].filter(Boolean).join(' ')}</td>
                  <td>{n.attempts}</td>
                  <td>{n.lastError ?? '—'}</td>
                  <td>
                    <When at={n.failedAt} />
                  </td>
                  <td>
                    <button type="button" aria-label={`Redrive ${n.noticeId}`} onClick={() => void action.run(`/dissemination/failed-notices/${n.noticeId}/redrive`, undefined, `${n.noticeId}: redriven.`, failed.reload)}>
                      Redrive
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      ) : null}
      {action.done ? <Done>{action.done}</Done> : null}
      {action.error ? <Failure error={action.error} /> : null}
    </section>
  );
}

function RulesPage() {
  const roles = usePortal().session.person?.roles ?? [];
  const rules = useLoad((api) => api.get<{ rules: RuleView[] }>('/dissemination/rules'), []);
  const canSwitch = roles.includes('unit') || roles.includes('operations');
  return (
    <Page title="Dissemination rules" lead="Who hears of what, by which rule: each rule as data, with its version and review. Switching a rule takes effect from the next event and is recorded.">
      {roles.includes('operations') ? <FailedNotices /> : null}
      {rules.data ? rules.data.rules.map((r) => <RuleCard key={r.id} rule={r} canSwitch={canSwitch} onChanged={rules.reload} />) : rules.error ? <Failure error={rules.error} /> : <Loading what="the rules" />}
    </Page>
  );
}

export const disseminationPages: Section = {
  id: 'dissemination',
  title: 'Dissemination',
  summary: 'The dissemination rules, their switches, and the notices whose e-mail failed.',
  roles: ['unit', 'operations', 'auditor'],
  home: '/dissemination',
  routes: [{ pattern: '/dissemination', render: () => <RulesPage /> }],
};
