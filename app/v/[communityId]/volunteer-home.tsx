'use client';
import { useQuery } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { OnBehalfOrders } from './on-behalf-orders';
import { UnpaidReminders } from './unpaid-reminders';
import { HouseholdCard, Loading, QueryError } from '@/app/c/[communityId]/roster/_components/parts';

/**
 * My stairwells (in route order) and their households: names, rooms and headcounts; care
 * households highlighted with their needs and notes. No phone numbers: those stay with coordinators.
 */
export function VolunteerHome({ communityId }: { communityId: string }) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const mine = useQuery(trpc.roster.myStairwells.queryOptions({ communityId }));
  const [careOnly, setCareOnly] = useState(false);

  return (
    <main data-page="volunteer-home">
      <h1>{t('volunteer.title')}</h1>
      <OnBehalfOrders communityId={communityId} />
      <UnpaidReminders communityId={communityId} />
      {mine.isPending && <Loading />}
      {mine.isError && <QueryError error={mine.error} retry={() => void mine.refetch()} />}
      {mine.data && mine.data.length === 0 && <p className="card">{t('volunteer.none')}</p>}
      {mine.data && mine.data.length > 0 && (
        <>
          <div className="roster-filters">
            <button type="button" aria-pressed={!careOnly} onClick={() => setCareOnly(false)}>
              {t('volunteer.everyone')}
            </button>
            <button type="button" aria-pressed={careOnly} onClick={() => setCareOnly(true)}>
              {t('volunteer.careFirst')} ({mine.data.reduce((n, s) => n + s.careHouseholds, 0)})
            </button>
          </div>
          {mine.data.map((s) => {
            const households = careOnly ? s.households.filter((h) => h.care) : s.households;
            const teammates = s.team;
            return (
              <section key={s.id} aria-labelledby={`sw-${s.id}`}>
                <h2 id={`sw-${s.id}`} className="roster-section-title">
                  <span>{t('stairwellName', { building: s.buildingNumber, stairwell: s.number })}</span>
                  <span className={`roster-role ${s.myRole}`}>
                    {t('volunteer.myRole', { role: t(`roles.${s.myRole}`) })}
                  </span>
                </h2>
                <p className="roster-meta">
                  {t('volunteer.summary', { households: s.households.length, care: s.careHouseholds })}
                  {teammates.length > 0 && (
                    <>
                      {' · '}
                      {t('volunteer.teammates')}:{' '}
                      {teammates.map((m) => `${m.name}（${t(`roles.${m.role}`)}）`).join('、')}
                    </>
                  )}
                </p>
                <ul className="roster-list">
                  {households.map((h) => (
                    <li key={h.id}>
                      <HouseholdCard household={h} showNotes />
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
          <p className="muted">{t('volunteer.privacy')}</p>
        </>
      )}
    </main>
  );
}
