'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { RoundsList } from '@/app/_health/rounds-list';
import { hhmm } from '@/app/_health/use-health-live';
import '@/app/_health/health.css';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';

/** 防疫 for coordinators: open a self-test round or a testing session, the rounds, the gate shifts. */
export function CoordinatorHealth({ communityId }: { communityId: string }) {
  const t = useTranslations('health');
  const trpc = useTRPC();
  const router = useRouter();
  const errorMessage = useErrorMessage('health');
  const [minutes, setMinutes] = useState(120);
  const openSelfTest = useMutation(
    trpc.healthRounds.openSelfTest.mutationOptions({
      onSuccess: (r) => router.push(`/c/${communityId}/health/${r.roundId}`),
    }),
  );
  const openTesting = useMutation(
    trpc.healthRounds.openTesting.mutationOptions({
      onSuccess: (r) => router.push(`/c/${communityId}/health/testing/${r.roundId}`),
    }),
  );
  const error = openSelfTest.error ?? openTesting.error;
  return (
    <main data-page="health-coordinator">
      <h1>{t('title')}</h1>
      <section className="card">
        <label htmlFor="deadline-minutes">{t('rounds.deadlineMinutes')}</label>
        <input
          id="deadline-minutes"
          type="number"
          inputMode="numeric"
          min={10}
          max={1440}
          value={minutes}
          onChange={(e) => setMinutes(Number(e.target.value))}
        />
        <div className="health-grid" style={{ marginTop: 12 }}>
          <button
            type="button"
            className="primary"
            disabled={openSelfTest.isPending}
            onClick={() => openSelfTest.mutate({ communityId, deadlineMinutes: minutes })}
          >
            {t('rounds.openSelfTest')}
          </button>
          <button
            type="button"
            disabled={openTesting.isPending}
            onClick={() => openTesting.mutate({ communityId })}
          >
            {t('rounds.openTesting')}
          </button>
        </div>
        {error && (
          <p className="error" role="alert">
            {errorMessage(error)}
          </p>
        )}
      </section>
      <RoundsList
        communityId={communityId}
        hrefOf={(r) =>
          r.kind === 'self_test'
            ? `/c/${communityId}/health/${r.id}`
            : `/c/${communityId}/health/testing/${r.id}`
        }
      />
      <GateDuties communityId={communityId} />
    </main>
  );
}

function GateDuties({ communityId }: { communityId: string }) {
  const t = useTranslations('health.gate');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('health');
  const q = useQuery(trpc.healthRounds.gateDuties.queryOptions({ communityId }));
  const [userId, setUserId] = useState('');
  const [hours, setHours] = useState(4);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.healthRounds.gateDuties.queryKey() });
  const assign = useMutation(trpc.healthRounds.assignGateDuty.mutationOptions({ onSuccess: refresh }));
  const end = useMutation(trpc.healthRounds.endGateDuty.mutationOptions({ onSuccess: refresh }));
  return (
    <section aria-labelledby="gate-duties">
      <h2 id="gate-duties">{t('duties')}</h2>
      <p className="muted">{t('privacy')}</p>
      <div className="health-row">
        <a className="button" href={`/c/${communityId}/health/gate`}>
          {t('title')}
        </a>
        <a className="button" href={`/c/${communityId}/health/codes`}>
          {t('printCodes')}
        </a>
      </div>
      {q.data && (
        <>
          {q.data.duties.length === 0 && <p className="muted">{t('noDuties')}</p>}
          <ul className="health-list">
            {q.data.duties.map((d) => (
              <li key={d.dutyId}>
                <span>
                  {d.name} · {hhmm(d.startsAt)}–{hhmm(d.endsAt)}
                </span>
                <button type="button" onClick={() => end.mutate({ communityId, dutyId: d.dutyId })}>
                  {t('end', { name: d.name })}
                </button>
              </li>
            ))}
          </ul>
          <form
            className="card"
            onSubmit={(e) => {
              e.preventDefault();
              const startsAt = new Date();
              assign.mutate({
                communityId,
                userId,
                startsAt,
                endsAt: new Date(startsAt.getTime() + hours * 3600_000),
              });
            }}
          >
            <label htmlFor="duty-volunteer">{t('volunteer')}</label>
            <select id="duty-volunteer" value={userId} onChange={(e) => setUserId(e.target.value)} required>
              <option value="" />
              {q.data.volunteers.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
            <label htmlFor="duty-hours">{t('hours')}</label>
            <input
              id="duty-hours"
              type="number"
              inputMode="numeric"
              min={1}
              max={24}
              value={hours}
              onChange={(e) => setHours(Number(e.target.value))}
            />
            <button
              type="submit"
              className="primary"
              style={{ marginTop: 12 }}
              disabled={!userId || assign.isPending}
            >
              {t('assign')}
            </button>
            {assign.error && <p className="error">{errorMessage(assign.error)}</p>}
          </form>
        </>
      )}
    </section>
  );
}
