'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { yuan } from '@/app/_lib/format';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { CarePhotoField } from './photo';
import './care.css';

const KINDS = ['medicine', 'groceries', 'help', 'other'] as const;

/**
 * On the resident's home: 需求登记 for my household, what became of it, and settling what the
 * volunteer advanced — in the app, or in cash to the volunteer (who records it).
 */
export function ResidentNeeds({ communityId }: { communityId: string }) {
  const t = useTranslations('care.needs');
  const trpc = useTRPC();
  const qc = useQueryClient();
  const errorText = useErrorMessage('care');
  const home = useQuery(trpc.roster.myHousehold.queryOptions({ communityId }));
  const mine = useQuery(trpc.needs.mine.queryOptions({ communityId }));
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.needs.mine.queryKey() });
  const [kind, setKind] = useState<(typeof KINDS)[number]>('groceries');
  const [urgent, setUrgent] = useState(false);
  const [note, setNote] = useState('');
  const [photoKey, setPhotoKey] = useState<string | null>(null);
  const record = useMutation(
    trpc.needs.record.mutationOptions({
      onSuccess: () => {
        setNote('');
        setPhotoKey(null);
        refresh();
      },
    }),
  );
  const pay = useMutation(trpc.needs.payOnline.mutationOptions({ onSuccess: refresh }));
  const householdId = home.data?.household.id;
  if (!householdId) return null;
  return (
    <section aria-labelledby="my-needs" data-section="my-needs">
      <h2 id="my-needs">{t('mineTitle')}</h2>
      <ul className="care-list">
        {mine.data?.map((n) => (
          <li key={n.id} className="card care-item" data-need={n.id}>
            <div className="care-row">
              <strong>{t(`kinds.${n.kind}`)}</strong>
              <span className="care-meta">{t(`statuses.${n.status}`)}</span>
            </div>
            {n.note && <p>{n.note}</p>}
            {n.claimedByName && <p className="care-meta">{t('claimedBy', { name: n.claimedByName })}</p>}
            {n.status === 'delivered' && n.advancedFen > 0 && (
              <div className="care-actions">
                <button
                  type="button"
                  className="button"
                  disabled={pay.isPending}
                  onClick={() => pay.mutate({ communityId, needId: n.id })}
                >
                  {t('payOnline', { amount: yuan(n.advancedFen) })}
                </button>
                <p className="care-meta">{t('orCash')}</p>
              </div>
            )}
            {n.status === 'settled' && n.advancedFen > 0 && (
              <p className="care-meta">
                {t(n.settlement === 'cash' ? 'paidCash' : 'paidOnline', { amount: yuan(n.advancedFen) })}
              </p>
            )}
          </li>
        ))}
      </ul>
      {pay.error && (
        <p className="error" role="alert">
          {errorText(pay.error)}
        </p>
      )}
      <form
        className="card care-form"
        aria-label={t('record')}
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
        <label>
          {t('kind')}
          <select
            name="kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="care-check">
          <input
            type="checkbox"
            name="urgent"
            checked={urgent}
            onChange={(e) => setUrgent(e.target.checked)}
          />
          {t('urgent')}
        </label>
        <label>
          {t('note')}
          <textarea
            name="note"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            maxLength={500}
            rows={2}
          />
        </label>
        <CarePhotoField communityId={communityId} value={photoKey} onChange={setPhotoKey} />
        <button type="submit" className="button" disabled={record.isPending}>
          {record.isPending ? t('saving') : t('record')}
        </button>
        {record.isSuccess && <p role="status">{t('recorded')}</p>}
        {record.error && (
          <p className="error" role="alert">
            {errorText(record.error)}
          </p>
        )}
      </form>
    </section>
  );
}
