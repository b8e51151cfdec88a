'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { hhmm, useHealthLive } from './use-health-live';
import './health.css';

type Area = 'coordinator' | 'volunteer' | 'resident';

/**
 * The testing call-out, live: "now calling" for everyone; a resident sees where their building
 * stands (轮到你们楼了 / the expected wait); the coordinator calls, recalls and skips; volunteers at
 * the site mark stairwells sampled (with walk-ins) and tick the door-to-door list.
 */
export function TestingView({
  communityId,
  roundId,
  area,
}: {
  communityId: string;
  roundId: string;
  area: Area;
}) {
  const t = useTranslations('health');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('health');
  const live = useHealthLive(communityId, ['testing']);
  const q = useQuery(trpc.healthRounds.testing.queryOptions({ communityId, roundId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.healthRounds.pathKey() });
  const callNext = useMutation(trpc.healthRounds.callNext.mutationOptions({ onSuccess: refresh }));
  const recall = useMutation(trpc.healthRounds.recall.mutationOptions({ onSuccess: refresh }));
  const skip = useMutation(trpc.healthRounds.skip.mutationOptions({ onSuccess: refresh }));
  const error = callNext.error ?? recall.error ?? skip.error;
  const s = q.data;
  const calling = s?.buildings.filter((b) => b.status === 'called') ?? [];
  return (
    <main data-page="health-testing">
      <div className="health-row" style={{ justifyContent: 'space-between' }}>
        <h1>{s ? s.round.title : t('testing.title')}</h1>
        <span className="muted" data-live={live}>
          {t(`live.${live}`)}
        </span>
      </div>
      {q.isPending && <p className="muted">{t('loading')}</p>}
      {q.isError && <p className="error">{errorMessage(q.error)}</p>}
      {s && (
        <>
          {s.mine && <MyStanding mine={s.mine} />}
          <section className="card" aria-labelledby="now-calling">
            <h2 id="now-calling" style={{ marginTop: 0 }}>
              {t('testing.nowCalling')}
            </h2>
            <p className="health-big" data-testid="now-calling">
              {calling.length
                ? calling.map((b) => t('testing.building', { number: b.number })).join('、')
                : t('testing.none')}
            </p>
            <p className="muted">
              {t('testing.progress', { done: s.progress.done, total: s.progress.buildings })}
            </p>
            {area === 'coordinator' && s.round.status === 'open' && (
              <button
                type="button"
                className="primary"
                style={{ width: '100%' }}
                disabled={callNext.isPending}
                onClick={() => callNext.mutate({ communityId, roundId })}
              >
                {t('testing.callNext')}
              </button>
            )}
            {error && (
              <p className="error" role="alert">
                {errorMessage(error)}
              </p>
            )}
          </section>
          <ul className="health-list" data-testid="buildings">
            {s.buildings.map((b) => (
              <li key={b.buildingId} data-status={b.status}>
                <div>
                  <strong>{t('testing.building', { number: b.number })}</strong> ·{' '}
                  {t(`testing.bStatus.${b.status}`)}
                  <div className="muted">
                    {b.calledAt && t('testing.calledAt', { time: hhmm(b.calledAt) })}
                    {b.doneAt && ` · ${t('testing.doneAt', { time: hhmm(b.doneAt) })}`}
                    {'stairwells' in b &&
                      b.stairwells !== undefined &&
                      ` · ${t('testing.stairwells', { done: b.stairwellsDone ?? 0, total: b.stairwells })}`}
                    {'walkIns' in b && b.walkIns ? ` · ${t('testing.walkIns', { count: b.walkIns })}` : ''}
                  </div>
                </div>
                {area === 'coordinator' && s.round.status === 'open' && (
                  <div className="health-row">
                    {(b.status === 'called' || b.status === 'done' || b.status === 'skipped') && (
                      <button
                        type="button"
                        onClick={() => recall.mutate({ communityId, roundId, buildingId: b.buildingId })}
                      >
                        {t('testing.recall', { number: b.number })}
                      </button>
                    )}
                    {(b.status === 'queued' || b.status === 'called') && (
                      <button
                        type="button"
                        onClick={() => skip.mutate({ communityId, roundId, buildingId: b.buildingId })}
                      >
                        {t('testing.skip', { number: b.number })}
                      </button>
                    )}
                  </div>
                )}
                {area === 'volunteer' && b.status === 'called' && 'stairwellList' in b && (
                  <SiteMarks communityId={communityId} roundId={roundId} stairwells={b.stairwellList ?? []} />
                )}
              </li>
            ))}
          </ul>
          {area !== 'resident' && <HomeVisits communityId={communityId} roundId={roundId} />}
        </>
      )}
    </main>
  );
}

function MyStanding({
  mine,
}: {
  mine: {
    building: string;
    standing:
      | { state: 'called' | 'done' | 'skipped' | 'absent' }
      | { state: 'waiting'; ahead: number; waitMinutes: number };
  };
}) {
  const t = useTranslations('health.testing');
  const st = mine.standing;
  if (st.state === 'called')
    return (
      <section className="health-call" role="status" data-testid="my-turn">
        <div>{t('yourTurn')}</div>
        <div style={{ fontSize: '1rem', fontWeight: 400 }}>{t('yourTurnHint')}</div>
      </section>
    );
  return (
    <section className="card" role="status" data-testid="my-standing">
      {st.state === 'waiting'
        ? t('waiting', { building: mine.building, ahead: st.ahead, minutes: st.waitMinutes })
        : st.state === 'done'
          ? t('done')
          : st.state === 'skipped'
            ? t('skipped')
            : ''}
    </section>
  );
}

function SiteMarks({
  communityId,
  roundId,
  stairwells,
}: {
  communityId: string;
  roundId: string;
  stairwells: { stairwellId: string; number: string; done: boolean; walkIns: number | null }[];
}) {
  const t = useTranslations('health.testing');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [walkIns, setWalkIns] = useState<Record<string, number>>({});
  const mark = useMutation(
    trpc.healthRounds.markStairwell.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.healthRounds.pathKey() }),
    }),
  );
  return (
    <div style={{ width: '100%' }}>
      {stairwells.map((s) => (
        <div key={s.stairwellId} className="health-grid" style={{ marginTop: 8 }}>
          <label className="health-check" style={{ margin: 0 }}>
            <span>{t('walkInsLabel', { number: s.number })}</span>
            <input
              type="number"
              inputMode="numeric"
              min={0}
              value={walkIns[s.stairwellId] ?? s.walkIns ?? 0}
              onChange={(e) => setWalkIns((w) => ({ ...w, [s.stairwellId]: Number(e.target.value) }))}
              style={{ width: 80 }}
            />
          </label>
          <button
            type="button"
            className={s.done ? '' : 'primary'}
            onClick={() =>
              mark.mutate({
                communityId,
                roundId,
                stairwellId: s.stairwellId,
                walkIns: walkIns[s.stairwellId] ?? 0,
              })
            }
          >
            {s.done ? '✓ ' : ''}
            {t('mark', { number: s.number })}
          </button>
        </div>
      ))}
    </div>
  );
}

function HomeVisits({ communityId, roundId }: { communityId: string; roundId: string }) {
  const t = useTranslations('health.testing');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const q = useQuery(trpc.healthRounds.homeVisits.queryOptions({ communityId, roundId }));
  const check = useMutation(
    trpc.healthRounds.checkHomeVisit.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.healthRounds.homeVisits.queryKey() }),
    }),
  );
  return (
    <section aria-labelledby="home-visits">
      <h2 id="home-visits">{t('homeVisits')}</h2>
      {q.data?.length === 0 && <p className="muted">{t('homeVisitsEmpty')}</p>}
      <ul className="health-list">
        {q.data?.map((v) => (
          <li key={v.householdId}>
            <label className="health-check" style={{ margin: 0 }}>
              <input
                type="checkbox"
                checked={!!v.doneAt}
                onChange={(e) =>
                  check.mutate({ communityId, roundId, householdId: v.householdId, done: e.target.checked })
                }
              />
              <span>
                {t('visit', { label: v.label })} · {v.categories.map((c) => t(`cat.${c}`)).join('、')}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}
