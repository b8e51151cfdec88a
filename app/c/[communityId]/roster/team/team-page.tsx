'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { LIMITS } from '@/server/services/roster/constants';
import {
  Loading,
  MutationError,
  PagedList,
  PhoneLink,
  QueryError,
} from '@/app/c/[communityId]/roster/_components/parts';

type StaffRole = 'owner' | 'admin' | 'volunteer';
const FILTERS = ['all', 'owner', 'admin', 'volunteer'] as const;

/** The compound's team (1+X+N): owner, admins, volunteers; add by phone, remove a role. */
export function TeamPage({ communityId }: { communityId: string }) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.me.get.queryOptions());
  const members = useQuery(trpc.roster.members.queryOptions({ communityId }));
  const [filter, setFilter] = useState<(typeof FILTERS)[number]>('all');
  const revoke = useMutation(
    trpc.roster.revokeMembership.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() }),
    }),
  );
  const isOwner = me.data?.communities.find((c) => c.id === communityId)?.roles.includes('owner') ?? false;
  const canRevoke = (role: StaffRole) => role === 'volunteer' || isOwner;

  return (
    <main data-page="roster-team">
      <p>
        <Link className="roster-link-button" href={`/c/${communityId}/roster`}>
          ← {t('search.title')}
        </Link>
      </p>
      <h1>{t('team.title')}</h1>
      <p className="muted">{t('team.intro')}</p>
      <GrantForm communityId={communityId} isOwner={isOwner} />
      {members.isPending && <Loading />}
      {members.isError && <QueryError error={members.error} retry={() => void members.refetch()} />}
      {members.data && (
        <>
          <div className="roster-filters" role="group" aria-label={t('team.role')}>
            {FILTERS.map((f) => (
              <button key={f} type="button" aria-pressed={filter === f} onClick={() => setFilter(f)}>
                {t(`team.filter.${f}`)} (
                {members.data.filter((m) => f === 'all' || m.roles.includes(f)).length})
              </button>
            ))}
          </div>
          <MutationError error={revoke.error} />
          <PagedList
            key={filter}
            items={members.data.filter((m) => filter === 'all' || m.roles.includes(filter))}
            render={(m) => (
              <li key={m.userId} className="card">
                <div className="roster-row">
                  <strong className="roster-person-name">{m.name}</strong>
                  {m.phone && <PhoneLink name={m.name} phone={m.phone} />}
                </div>
                <ul className="roster-chips">
                  {m.roles.map((r) => (
                    <li key={r} className="roster-row">
                      <span className={`roster-role${r === 'owner' || r === 'admin' ? ' leader' : ''}`}>
                        {t(`roles.${r}`)}
                      </span>
                      {canRevoke(r) && (
                        <button
                          type="button"
                          disabled={revoke.isPending}
                          onClick={() => {
                            if (
                              window.confirm(t('team.revokeConfirm', { name: m.name, role: t(`roles.${r}`) }))
                            ) {
                              revoke.mutate({ communityId, userId: m.userId, role: r });
                            }
                          }}
                        >
                          {t('remove')}
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
                <p className="roster-meta">
                  {t('team.stairwells')}:{' '}
                  {m.stairwells.length === 0
                    ? t('team.noStairwells')
                    : m.stairwells.map((s) => `${s.label}（${t(`roles.${s.role}`)}）`).join('、')}
                </p>
              </li>
            )}
          />
        </>
      )}
    </main>
  );
}

function GrantForm({ communityId, isOwner }: { communityId: string; isOwner: boolean }) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRole>('volunteer');
  const grant = useMutation(
    trpc.roster.grantMembership.mutationOptions({
      onSuccess: async () => {
        setPhone('');
        setName('');
        await queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() });
      },
    }),
  );
  return (
    <details className="card">
      <summary
        style={{ minHeight: 48, display: 'flex', alignItems: 'center', cursor: 'pointer', fontWeight: 600 }}
      >
        {t('team.add')}
      </summary>
      <form
        className="roster-form"
        onSubmit={(e) => {
          e.preventDefault();
          grant.mutate({ communityId, phone, name: name.trim() || undefined, role });
        }}
      >
        <label htmlFor={`${id}-phone`}>{t('household.phone')}</label>
        <input
          id={`${id}-phone`}
          type="tel"
          inputMode="tel"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          required
          maxLength={32}
        />
        <label htmlFor={`${id}-name`}>{t('assignments.name')}</label>
        <input
          id={`${id}-name`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={LIMITS.nameLength}
        />
        <label htmlFor={`${id}-role`}>{t('team.role')}</label>
        <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as StaffRole)}>
          <option value="volunteer">{t('roles.volunteer')}</option>
          {isOwner && <option value="admin">{t('roles.admin')}</option>}
          {isOwner && <option value="owner">{t('roles.owner')}</option>}
        </select>
        <MutationError error={grant.error} />
        {grant.isSuccess && (
          <p className="roster-ok" role="status">
            {grant.data.alreadyHad
              ? t('team.alreadyHad', { name: grant.data.person.name, role: t(`roles.${grant.data.role}`) })
              : t('team.granted', { name: grant.data.person.name, role: t(`roles.${grant.data.role}`) })}
          </p>
        )}
        <div className="roster-actions">
          <button type="submit" className="primary" disabled={grant.isPending || !phone.trim()}>
            {grant.isPending ? t('saving') : t('team.add')}
          </button>
        </div>
      </form>
    </details>
  );
}
