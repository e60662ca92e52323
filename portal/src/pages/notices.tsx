import { useState } from 'preact/hooks';
import type { InboxAnswer, NoticeView } from '../../../functions/dissemination/use-cases/inbox';
import { usePortal, useLoad } from '../api';
import type { Section } from '../kinds';
import { href } from '../router';
import { Done, Facts, Failure, Loading, Page, Status, When } from '../ui/components';

/**
 * What the dissemination rules sent the signed-in person (GET /notices): to their address, or to
 * their office (their role, with their court or agency). Each notice shows only the fields its
 * rule sends and their role may see (the API cut them), and why they received it. A rule that
 * allows it can be muted here, for this person only (POST /notices/mutes, audited).
 */

const recipientWords = (r: NoticeView['recipient']): string =>
  r.kind === 'person' ? 'You, by name' : `Your office: ${r.role}${r.court ? ` of ${r.court}` : ''}${r.agency ? ` of ${r.agency}` : ''}`;

function NoticeCard(props: { readonly notice: NoticeView; readonly open?: boolean }) {
  const n = props.notice;
  return (
    <article class="card" aria-labelledby={`notice-${n.noticeId}`}>
      <h2 id={`notice-${n.noticeId}`}>{props.open ? n.rule.title : <a href={href(`/notices/${n.noticeId}`)}>{n.rule.title}</a>}</h2>
      <Facts label="What the notice says" items={n.fields.map((f) => [f.label, f.value] as const)} />
      <Facts
        label="About the notice"
        items={[
          ['Sent', <When at={n.createdAt} />],
          ['E-mail', <Status value={n.email} />],
          ['To', recipientWords(n.recipient)],
          ['Arrest packet', <a href={href(`/arrests/${n.packetId}`)}>{n.packetId}</a>],
          ...(n.record ? ([['Source record', n.record]] as const) : []),
          ['Rule', `${n.rule.id}, version ${n.rule.version}`],
        ]}
      />
    </article>
  );
}

function Mutes(props: { readonly answer: InboxAnswer; readonly onChanged: () => void }) {
  const { api } = usePortal();
  const [error, setError] = useState<Error | undefined>();
  const [done, setDone] = useState<string | undefined>();
  if (!props.answer.mutable.length) return null;
  const toggle = async (rule: string, muted: boolean) => {
    setError(undefined);
    try {
      await api.post('/notices/mutes', { rule, muted });
      setDone(muted ? `Muted: you will not receive "${rule}" notices.` : `Unmuted: you will receive "${rule}" notices again.`);
      props.onChanged();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return (
    <section class="card" aria-labelledby="mutes">
      <h2 id="mutes">Rules you may mute</h2>
      <p class="muted">Muting stops a rule's notices to you only; rules that must reach you cannot be muted.</p>
      <ul>
        {props.answer.mutable.map((r) => {
          const muted = props.answer.muted.includes(r.id);
          return (
            <li key={r.id}>
              {r.title} ({muted ? 'muted' : 'on'}){' '}
              <button type="button" aria-label={`${muted ? 'Unmute' : 'Mute'}: ${r.title}`} onClick={() => void toggle(r.id, !muted)}>
                {muted ? 'Unmute' : 'Mute'}
              </button>
            </li>
          );
        })}
      </ul>
      {done ? <Done>{done}</Done> : null}
      {error ? <Failure error={error} /> : null}
    </section>
  );
}

function NoticesPage() {
  const inbox = useLoad((api) => api.get<InboxAnswer>('/notices'), []);
  return (
    <Page title="Notices" lead="What CISS's dissemination rules sent you: arrests and dispositions you are authorised to hear of, newest first.">
      {!inbox.data ? (
        inbox.error ? <Failure error={inbox.error} /> : <Loading what="your notices" />
      ) : (
        <>
          {inbox.data.notices.length ? inbox.data.notices.map((n) => <NoticeCard key={n.noticeId} notice={n} />) : <p>No notices for you.</p>}
          <Mutes answer={inbox.data} onChanged={inbox.reload} />
        </>
      )}
    </Page>
  );
}

function NoticePage(props: { readonly noticeId: string }) {
  const notice = useLoad((api) => api.get<NoticeView>(`/notices/${encodeURIComponent(props.noticeId)}`), [props.noticeId]);
  return (
    <Page title="Notice" lead={<a href={href('/notices')}>All your notices</a>}>
      {notice.data ? <NoticeCard notice={notice.data} open /> : notice.error ? <Failure error={notice.error} /> : <Loading what="the notice" />}
    </Page>
  );
}

export const noticePages: Section = {
  id: 'notices',
  title: 'Notices',
  summary: 'What the dissemination rules sent you: a supervisee arrested, an accepted packet, a disposition.',
  roles: ['agency-admin', 'agency-staff', 'court-clerk', 'dcj', 'judicial', 'community'],
  home: '/notices',
  routes: [
    { pattern: '/notices', render: () => <NoticesPage /> },
    { pattern: '/notices/:noticeId', render: (p) => <NoticePage noticeId={p['noticeId'] ?? ''} /> },
  ],
};
