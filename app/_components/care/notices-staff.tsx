'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { dayTime } from '@/app/_lib/format';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { CarePhotoField, CarePhotoView } from './photo';
import './care.css';

type Target = 'compound' | 'buildings' | 'stairwells';

/** Posting: a coordinator to the compound, a building or a stairwell; a leader to the stairwells they lead. */
function PostForm({ communityId, coordinator }: { communityId: string; coordinator: boolean }) {
  const t = useTranslations('care.notices');
  const trpc = useTRPC();
  const qc = useQueryClient();
  const errorText = useErrorMessage('care');
  const mine = useQuery({ ...trpc.roster.myStairwells.queryOptions({ communityId }), enabled: !coordinator });
  const overview = useQuery({ ...trpc.roster.overview.queryOptions({ communityId }), enabled: coordinator });
  const led = (mine.data ?? []).filter((s) => s.myRole === 'leader');
  const [target, setTarget] = useState<Target>(coordinator ? 'compound' : 'stairwells');
  const [picked, setPicked] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [needsConfirm, setNeedsConfirm] = useState(false);
  const [photoKey, setPhotoKey] = useState<string | null>(null);
  const post = useMutation(
    trpc.notices.post.mutationOptions({
      onSuccess: () => {
        setTitle('');
        setBody('');
        setNeedsConfirm(false);
        setPhotoKey(null);
        void qc.invalidateQueries({ queryKey: trpc.notices.list.queryKey() });
      },
    }),
  );
  if (!coordinator && mine.data && led.length === 0) return <p className="card">{t('notLeader')}</p>;
  const stairwells = coordinator
    ? (overview.data?.buildings ?? []).flatMap((b) =>
        b.stairwells.map((s) => ({ id: s.id, name: `${b.number}-${s.number}` })),
      )
    : led.map((s) => ({ id: s.id, name: `${s.buildingNumber}-${s.number}` }));
  const ids =
    target === 'compound'
      ? []
      : picked.length
        ? picked
        : !coordinator && led.length === 1
          ? [led[0]!.id]
          : [];
  return (
    <form
      className="card care-form"
      aria-labelledby="notice-post"
      onSubmit={(e) => {
        e.preventDefault();
        post.mutate({ communityId, title, body, needsConfirm, target, targetIds: ids, photoKey });
      }}
    >
      <h2 id="notice-post">{t('post')}</h2>
      {coordinator && (
        <label>
          {t('postTo')}
          <select
            name="target"
            value={target}
            onChange={(e) => {
              setTarget(e.target.value as Target);
              setPicked([]);
            }}
          >
            <option value="compound">{t('targets.compound')}</option>
            <option value="buildings">{t('targets.buildings')}</option>
            <option value="stairwells">{t('targets.stairwells')}</option>
          </select>
        </label>
      )}
      {target === 'buildings' && (
        <label>
          {t('targets.buildings')}
          <select name="building" value={picked[0] ?? ''} onChange={(e) => setPicked([e.target.value])}>
            <option value="">—</option>
            {overview.data?.buildings.map((b) => (
              <option key={b.id} value={b.id}>
                {t('building', { number: b.number })}
              </option>
            ))}
          </select>
        </label>
      )}
      {target === 'stairwells' && (
        <fieldset>
          <legend>{t('postTo')}</legend>
          {coordinator ? (
            <select
              name="stairwell"
              aria-label={t('targets.stairwells')}
              value={picked[0] ?? ''}
              onChange={(e) => setPicked([e.target.value])}
            >
              <option value="">—</option>
              {stairwells.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          ) : (
            stairwells.map((s) => (
              <label key={s.id}>
                <input
                  type="checkbox"
                  checked={ids.includes(s.id)}
                  onChange={(e) =>
                    setPicked(e.target.checked ? [...new Set([...ids, s.id])] : ids.filter((x) => x !== s.id))
                  }
                />
                {t('stairwell', { name: s.name })}
              </label>
            ))
          )}
        </fieldset>
      )}
      <label>
        {t('titleField')}
        <input
          name="title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          maxLength={80}
          required
        />
      </label>
      <label>
        {t('bodyField')}
        <textarea
          name="body"
          value={body}
          onChange={(e) => setBody(e.target.value)}
          maxLength={2000}
          rows={4}
          required
        />
      </label>
      <label className="care-check">
        <input
          type="checkbox"
          name="needsConfirm"
          checked={needsConfirm}
          onChange={(e) => setNeedsConfirm(e.target.checked)}
        />
        {t('needsConfirm')}
      </label>
      <CarePhotoField communityId={communityId} value={photoKey} onChange={setPhotoKey} />
      <button type="submit" className="button" disabled={post.isPending}>
        {post.isPending ? t('posting') : t('send')}
      </button>
      {post.data && (
        <p role="status">
          {t('posted', { count: post.data.householdCount })}
          {post.data.smsSent > 0 && ` · ${t('sms', { count: post.data.smsSent })}`}
        </p>
      )}
      {post.error && (
        <p className="error" role="alert">
          {errorText(post.error)}
        </p>
      )}
    </form>
  );
}

/** One stairwell's households for a notice: who is left first, care households first among them. */
function StairwellList({
  communityId,
  noticeId,
  stairwellId,
}: {
  communityId: string;
  noticeId: string;
  stairwellId: string;
}) {
  const t = useTranslations('care.notices');
  const trpc = useTRPC();
  const qc = useQueryClient();
  const errorText = useErrorMessage('care');
  const list = useQuery(trpc.notices.stairwell.queryOptions({ communityId, noticeId, stairwellId }));
  const informed = useMutation(
    trpc.notices.markInformed.mutationOptions({
      onSuccess: () => {
        void qc.invalidateQueries({ queryKey: trpc.notices.stairwell.queryKey() });
        void qc.invalidateQueries({ queryKey: trpc.notices.reach.queryKey() });
        void qc.invalidateQueries({ queryKey: trpc.notices.list.queryKey() });
      },
    }),
  );
  if (list.isPending)
    return (
      <p className="muted" role="status">
        {t('loading')}
      </p>
    );
  if (list.isError) return <p className="error">{errorText(list.error)}</p>;
  return (
    <div data-testid="who-is-left">
      <p role="status">
        <strong>{t('whoIsLeft', { left: list.data.left })}</strong>
      </p>
      <ul className="care-list">
        {list.data.households.map((h) => (
          <li
            key={h.householdId}
            className={`card care-item ${h.outstanding ? 'unread' : ''}`}
            data-household={h.householdId}
            data-room={h.room}
            data-outstanding={h.outstanding ? 'yes' : 'no'}
          >
            <div className="care-row">
              <span>
                <strong>{h.room}</strong> {h.residents}{' '}
                {h.care && <span className="care-tag">{t('care')}</span>}
              </span>
              <span className="care-meta">
                {h.informedAt
                  ? t('informed')
                  : h.confirmedAt
                    ? t('confirmedState')
                    : h.readAt
                      ? t('read')
                      : t('unread')}
              </span>
            </div>
            {h.outstanding && (
              <div className="care-actions">
                <button
                  type="button"
                  className="button"
                  disabled={informed.isPending}
                  onClick={() => informed.mutate({ communityId, noticeId, householdId: h.householdId })}
                >
                  {t('markInformed', { room: h.room })}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {informed.error && (
        <p className="error" role="alert">
          {errorText(informed.error)}
        </p>
      )}
    </div>
  );
}

/** A notice's reach per stairwell of my scope; open one to see who is left. */
function NoticeDetail({ communityId, noticeId }: { communityId: string; noticeId: string }) {
  const t = useTranslations('care.notices');
  const trpc = useTRPC();
  const errorText = useErrorMessage('care');
  const reach = useQuery(trpc.notices.reach.queryOptions({ communityId, noticeId }));
  const [open, setOpen] = useState<string | null>(null);
  if (reach.isPending)
    return (
      <p className="muted" role="status">
        {t('loading')}
      </p>
    );
  if (reach.isError) return <p className="error">{errorText(reach.error)}</p>;
  const shown = open ?? (reach.data.stairwells.length === 1 ? reach.data.stairwells[0]!.stairwellId : null);
  return (
    <div>
      <p>{reach.data.notice.body}</p>
      {reach.data.notice.photoKey && (
        <CarePhotoView communityId={communityId} photoKey={reach.data.notice.photoKey} />
      )}
      <ul className="care-list">
        {reach.data.stairwells.map((s) => (
          <li key={s.stairwellId} data-stairwell={s.name}>
            <button
              type="button"
              className="button"
              aria-expanded={shown === s.stairwellId}
              onClick={() => setOpen(shown === s.stairwellId ? null : s.stairwellId)}
            >
              {t('stairwellLeft', { name: s.name, left: s.left, households: s.households, care: s.careLeft })}
            </button>
            {shown === s.stairwellId && (
              <StairwellList communityId={communityId} noticeId={noticeId} stairwellId={s.stairwellId} />
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * 通知 for staff: post (coordinators anywhere, leaders to their stairwells), then follow each
 * notice up: how far it reached, and per stairwell the households not read or not confirmed —
 * care households first — to knock on and mark 已当面告知.
 */
export function NoticesStaff({ communityId, coordinator }: { communityId: string; coordinator: boolean }) {
  const t = useTranslations('care.notices');
  const locale = useLocale();
  const trpc = useTRPC();
  const errorText = useErrorMessage('care');
  const list = useQuery(trpc.notices.list.queryOptions({ communityId }));
  const [open, setOpen] = useState<string | null>(null);
  return (
    <main className="care-page" data-page="notices">
      <h1>{t('title')}</h1>
      <PostForm communityId={communityId} coordinator={coordinator} />
      <section aria-labelledby="notice-sent">
        <h2 id="notice-sent">{t('sent')}</h2>
        {list.isPending && (
          <p className="muted" role="status">
            {t('loading')}
          </p>
        )}
        {list.isError && <p className="error">{errorText(list.error)}</p>}
        {list.data?.length === 0 && <p className="muted">{t('empty')}</p>}
        <ul className="care-list">
          {list.data?.map((n) => (
            <li key={n.id} className="card care-item" data-notice={n.id}>
              <button
                type="button"
                className="button"
                aria-expanded={open === n.id}
                onClick={() => setOpen(open === n.id ? null : n.id)}
              >
                {n.title}
              </button>
              <p className="care-meta">
                {dayTime(n.createdAt, locale)} ·{' '}
                {t('reach', {
                  read: n.read,
                  households: n.households,
                  confirmed: n.confirmed,
                  informed: n.informed,
                })}
                {n.needsConfirm && ` · ${t('asksConfirm')}`}
              </p>
              {open === n.id && <NoticeDetail communityId={communityId} noticeId={n.id} />}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
