'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';

type TrpcLikeError = { data?: { field?: string | null } | null };

export function TeamView({ merchantId }: { merchantId: string }) {
  const t = useTranslations('merchant.team');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('merchant');
  const team = useQuery(trpc.merchant.team.queryOptions({ merchantId }));
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.merchant.team.queryKey({ merchantId }) });
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const invite = useMutation(
    trpc.merchant.inviteStaff.mutationOptions({
      onSuccess: (r) => {
        setAdded(r.name);
        setPhone('');
        setName('');
        void refresh();
      },
    }),
  );
  const remove = useMutation(trpc.merchant.removeStaff.mutationOptions({ onSuccess: refresh }));
  const phoneId = useId();
  const nameId = useId();
  const inviteField = (invite.error as TrpcLikeError | null)?.data?.field;
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {team.isPending && <p className="muted">{tc('loading')}</p>}
      {team.error && (
        <div role="alert" className="card">
          <p className="error">{errorMessage(team.error)}</p>
          <button type="button" onClick={() => void team.refetch()}>
            {tc('retry')}
          </button>
        </div>
      )}
      <ul className="ob-list">
        {(team.data?.members ?? []).map((m) => (
          <li
            key={m.userId}
            className="card"
            style={{
              margin: 0,
              display: 'flex',
              justifyContent: 'space-between',
              alignItems: 'center',
              gap: 8,
            }}
            data-member={m.name}
          >
            <span>
              <strong>{m.name}</strong>
              {m.isMe && t('me')}
              <br />
              <span className="muted">
                {m.role === 'owner' ? t('owner') : t('staff')} · {m.phone}
              </span>
            </span>
            {team.data?.myRole === 'owner' && m.role === 'staff' && (
              <button
                type="button"
                disabled={remove.isPending}
                onClick={() => {
                  if (window.confirm(t('removeConfirm', { name: m.name })))
                    remove.mutate({ merchantId, userId: m.userId });
                }}
              >
                {t('remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {remove.error && (
        <p role="alert" className="error">
          {errorMessage(remove.error)}
        </p>
      )}
      {team.data?.myRole === 'owner' && (
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            setAdded(null);
            invite.mutate({ merchantId, phone, name });
          }}
        >
          <h2 style={{ marginTop: 0 }}>{t('invite')}</h2>
          <div className="ob-field">
            <label htmlFor={phoneId}>{t('phone')}</label>
            <input
              id={phoneId}
              name="phone"
              type="tel"
              inputMode="tel"
              autoComplete="off"
              value={phone}
              onChange={(e) => setPhone(e.target.value)}
              aria-invalid={inviteField === 'phone' || undefined}
              required
            />
          </div>
          <div className="ob-field">
            <label htmlFor={nameId}>{t('name')}</label>
            <input id={nameId} name="name" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          {invite.error && (
            <p role="alert" className="ob-field-error">
              {errorMessage(invite.error)}
            </p>
          )}
          {added && (
            <p role="status" className="ob-notice ok">
              {t('invited', { name: added })}
            </p>
          )}
          <button
            type="submit"
            className="primary ob-big"
            disabled={invite.isPending || !phone.trim()}
            data-action="invite-staff"
          >
            {invite.isPending ? t('inviting') : t('invite')}
          </button>
        </form>
      )}
    </>
  );
}
