'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { dayTime, yuan } from '@/app/_lib/format';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { ShowMore, useShowMore } from '@/app/c/[communityId]/roster/_components/parts';
import { CarePhotoField, CarePhotoView } from './photo';
import './care.css';

const KINDS = ['medicine', 'groceries', 'help', 'other'] as const;

/** Yuan as typed ("23.5") to fen; null when it is not an amount. */
function toFen(s: string): number | null {
  const m = /^\s*(\d{1,6})(?:\.(\d{1,2}))?\s*$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function useRefresh() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: trpc.needs.list.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.needs.checkins.queryKey() });
  };
}

/** 登记需求 for a care household of my stairwells (any care household for a coordinator). */
function RecordNeed({
  communityId,
  households,
  householdId,
  setHouseholdId,
}: {
  communityId: string;
  households: { householdId: string; place: string; residents: string }[];
  householdId: string;
  setHouseholdId: (id: string) => void;
}) {
  const t = useTranslations('care.needs');
  const trpc = useTRPC();
  const refresh = useRefresh();
  const errorText = useErrorMessage('care');
  const [kind, setKind] = useState<(typeof KINDS)[number]>('medicine');
  const [urgent, setUrgent] = useState(false);
  const [note, setNote] = useState('');
  const [photoKey, setPhotoKey] = useState<string | null>(null);
  const record = useMutation(
    trpc.needs.record.mutationOptions({
      onSuccess: () => {
        setNote('');
        setUrgent(false);
        setPhotoKey(null);
        refresh();
      },
    }),
  );
  return (
    <form
      id="record-need"
      className="card care-form"
      aria-labelledby="need-record"
      onSubmit={(e) => {
        e.preventDefault();
        record.mutate({
          communityId,
          householdId,
          kind,
          urgency: urgent ? 'urgent' : 'normal',
          note,
          photoKey,
        });
      }}
    >
      <h2 id="need-record">{t('record')}</h2>
      <label>
        {t('household')}
        <select
          name="household"
          value={householdId}
          onChange={(e) => setHouseholdId(e.target.value)}
          required
        >
          <option value="">—</option>
          {households.map((h) => (
            <option key={h.householdId} value={h.householdId}>
              {h.place} {h.residents}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('kind')}
        <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="care-check">
        <input type="checkbox" name="urgent" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} />
        {t('urgent')}
      </label>
      <label>
        {t('note')}
        <textarea
          name="note"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          maxLength={500}
          rows={3}
        />
      </label>
      <CarePhotoField communityId={communityId} value={photoKey} onChange={setPhotoKey} />
      <button type="submit" className="button" disabled={record.isPending || !householdId}>
        {record.isPending ? t('saving') : t('save')}
      </button>
      {record.isSuccess && <p role="status">{t('recorded')}</p>}
      {record.error && (
        <p className="error" role="alert">
          {errorText(record.error)}
        </p>
      )}
    </form>
  );
}

/** 询问需求: care households with "last contacted"; overdue ones first, with quick marks. */
function Checkins({
  communityId,
  coordinator,
  onRecord,
}: {
  communityId: string;
  coordinator: boolean;
  onRecord: (householdId: string) => void;
}) {
  const t = useTranslations('care.checkins');
  const locale = useLocale();
  const trpc = useTRPC();
  const refresh = useRefresh();
  const errorText = useErrorMessage('care');
  const list = useQuery(trpc.needs.checkins.queryOptions({ communityId }));
  const contact = useMutation(trpc.needs.contact.mutationOptions({ onSuccess: refresh }));
  // A coordinator is shown the flagged ones (hundreds of care households otherwise), a page at a time.
  const all = list.data?.households ?? [];
  const { shown, remaining, more } = useShowMore(coordinator ? all.filter((h) => h.overdue) : all);
  if (!list.data) return list.isError ? <p className="error">{errorText(list.error)}</p> : null;
  return (
    <section aria-labelledby="checkins" data-section="checkins">
      <h2 id="checkins">{t('title')}</h2>
      <p className="care-meta">{t('rule', { days: list.data.days, overdue: list.data.overdue })}</p>
      {shown.length === 0 && <p className="muted">{coordinator ? t('noneOverdue') : t('empty')}</p>}
      <ul className="care-list">
        {list.data.households.map((h) => (
          <li
            key={h.householdId}
            className="card care-item"
            data-household={h.householdId}
            data-place={h.place}
          >
            <div className="care-row">
              <strong>
                {h.place} {h.residents}
              </strong>
              {h.overdue && (
                <span className="care-tag overdue">{t('overdue', { days: list.data.days })}</span>
              )}
            </div>
            <p className="care-meta">
              {h.lastContactAt
                ? t('last', {
                    when: dayTime(h.lastContactAt, locale),
                    how: t(`outcomes.${h.lastOutcome ?? 'called'}`),
                    who: h.lastBy ?? '',
                  })
                : t('never')}
              {h.openNeeds > 0 && ` · ${t('openNeeds', { count: h.openNeeds })}`}
            </p>
            <div className="care-actions">
              <button
                type="button"
                className="button"
                disabled={contact.isPending}
                onClick={() => contact.mutate({ communityId, householdId: h.householdId, outcome: 'called' })}
              >
                {t('called')}
              </button>
              <button
                type="button"
                className="button"
                disabled={contact.isPending}
                onClick={() =>
                  contact.mutate({ communityId, householdId: h.householdId, outcome: 'visited' })
                }
              >
                {t('visited')}
              </button>
              <button type="button" className="button" onClick={() => onRecord(h.householdId)}>
                {t('recordNeed')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      {remaining > 0 && <ShowMore remaining={remaining} onClick={more} />}
      {contact.error && (
        <p className="error" role="alert">
          {errorText(contact.error)}
        </p>
      )}
    </section>
  );
}

type NeedItem = {
  id: string;
  kind: (typeof KINDS)[number];
  urgency: 'normal' | 'urgent';
  note: string;
  status: string;
  place: string;
  ageMinutes: number;
  advancedFen: number;
  claimedByName: string | null;
  mine: boolean;
  myStairwell: boolean;
  care?: boolean;
  photoKey: string | null;
  deliveryPhotoKey: string | null;
};

/** One need with the step its claimant can take next. */
function NeedCard({ communityId, n }: { communityId: string; n: NeedItem }) {
  const t = useTranslations('care.needs');
  const trpc = useTRPC();
  const refresh = useRefresh();
  const errorText = useErrorMessage('care');
  const opts = { onSuccess: refresh };
  const claim = useMutation(trpc.needs.claim.mutationOptions(opts));
  const release = useMutation(trpc.needs.release.mutationOptions(opts));
  const bought = useMutation(trpc.needs.bought.mutationOptions(opts));
  const delivered = useMutation(trpc.needs.delivered.mutationOptions(opts));
  const cash = useMutation(trpc.needs.settleCash.mutationOptions(opts));
  const [amount, setAmount] = useState('');
  const [photoKey, setPhotoKey] = useState<string | null>(null);
  const error = claim.error ?? release.error ?? bought.error ?? delivered.error ?? cash.error;
  const fen = toFen(amount || '0');
  const hours = Math.floor(n.ageMinutes / 60);
  return (
    <li
      className={`card care-item ${n.urgency === 'urgent' ? 'unread' : ''}`}
      data-need={n.id}
      data-place={n.place}
    >
      <div className="care-row">
        <strong>
          {t(`kinds.${n.kind}`)} · {n.place}
        </strong>
        <span>
          {n.urgency === 'urgent' && <span className="care-tag urgent">{t('urgent')}</span>}{' '}
          {n.care && <span className="care-tag">{t('care')}</span>}
        </span>
      </div>
      {n.note && <p>{n.note}</p>}
      <p className="care-meta">
        {t(`statuses.${n.status}`)} ·{' '}
        {hours > 0
          ? t('ageHours', { hours, minutes: n.ageMinutes % 60 })
          : t('age', { minutes: n.ageMinutes })}
        {n.claimedByName && ` · ${t('claimedBy', { name: n.claimedByName })}`}
        {n.advancedFen > 0 && ` · ${t('advancedShown', { amount: yuan(n.advancedFen) })}`}
      </p>
      {n.photoKey && <CarePhotoView communityId={communityId} photoKey={n.photoKey} />}
      {n.deliveryPhotoKey && <CarePhotoView communityId={communityId} photoKey={n.deliveryPhotoKey} />}
      <div className="care-actions">
        {n.status === 'open' && (
          <button
            type="button"
            className="button"
            disabled={claim.isPending}
            onClick={() => claim.mutate({ communityId, needId: n.id })}
          >
            {t('claim')}
          </button>
        )}
        {n.mine && n.status === 'claimed' && (
          <button
            type="button"
            className="button"
            disabled={bought.isPending}
            onClick={() => bought.mutate({ communityId, needId: n.id })}
          >
            {t('bought')}
          </button>
        )}
        {n.mine && (n.status === 'claimed' || n.status === 'bought') && (
          <button
            type="button"
            className="button"
            disabled={release.isPending}
            onClick={() => release.mutate({ communityId, needId: n.id })}
          >
            {t('release')}
          </button>
        )}
        {n.mine && n.status === 'delivered' && n.advancedFen > 0 && (
          <button
            type="button"
            className="button"
            disabled={cash.isPending}
            onClick={() => cash.mutate({ communityId, needId: n.id, amountFen: n.advancedFen })}
          >
            {t('cash', { amount: yuan(n.advancedFen) })}
          </button>
        )}
      </div>
      {n.mine && (n.status === 'claimed' || n.status === 'bought') && (
        <form
          className="care-form"
          aria-label={t('deliverForm', { place: n.place })}
          onSubmit={(e) => {
            e.preventDefault();
            if (fen === null) return;
            delivered.mutate({ communityId, needId: n.id, advancedFen: fen, photoKey });
          }}
        >
          <label>
            {t('advanced')}
            <input
              name="advanced"
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              placeholder="0"
            />
          </label>
          {fen === null && (
            <p className="error" role="alert">
              {t('badAmount')}
            </p>
          )}
          <CarePhotoField communityId={communityId} value={photoKey} onChange={setPhotoKey} />
          <button type="submit" className="button" disabled={delivered.isPending || fen === null}>
            {t('delivered')}
          </button>
        </form>
      )}
      {error && (
        <p className="error" role="alert">
          {errorText(error)}
        </p>
      )}
    </li>
  );
}

/**
 * 需求与代送 for staff: my check-in list of care households, recording a need, and the open needs
 * (my stairwells first, then any; a coordinator sees every unsettled need, urgent on top, with its age).
 */
export function NeedsStaff({ communityId, coordinator }: { communityId: string; coordinator: boolean }) {
  const t = useTranslations('care.needs');
  const trpc = useTRPC();
  const errorText = useErrorMessage('care');
  const list = useQuery(trpc.needs.list.queryOptions({ communityId }));
  const checkins = useQuery(trpc.needs.checkins.queryOptions({ communityId }));
  const [householdId, setHouseholdId] = useState('');
  const [mineOnly, setMineOnly] = useState(false);
  const needs = (list.data ?? []).filter((n) => !mineOnly || n.mine);
  return (
    <main className="care-page" data-page="needs">
      <h1>{t('title')}</h1>
      <section aria-labelledby="needs-open" data-section="needs">
        <h2 id="needs-open">{coordinator ? t('allOpen') : t('open')}</h2>
        {!coordinator && (
          <div className="care-tabs">
            <button type="button" aria-pressed={!mineOnly} onClick={() => setMineOnly(false)}>
              {t('everyone')}
            </button>
            <button type="button" aria-pressed={mineOnly} onClick={() => setMineOnly(true)}>
              {t('mine')}
            </button>
          </div>
        )}
        {list.isPending && (
          <p className="muted" role="status">
            {t('loading')}
          </p>
        )}
        {list.isError && <p className="error">{errorText(list.error)}</p>}
        {list.data && needs.length === 0 && <p className="muted">{t('empty')}</p>}
        <ul className="care-list">
          {needs.map((n) => (
            <NeedCard key={n.id} communityId={communityId} n={n} />
          ))}
        </ul>
      </section>
      <Checkins
        communityId={communityId}
        coordinator={coordinator}
        onRecord={(id) => {
          setHouseholdId(id);
          document.getElementById('record-need')?.scrollIntoView({ behavior: 'smooth' });
        }}
      />
      {(checkins.data?.households.length ?? 0) > 0 && (
        <RecordNeed
          communityId={communityId}
          households={checkins.data?.households ?? []}
          householdId={householdId}
          setHouseholdId={setHouseholdId}
        />
      )}
    </main>
  );
}
