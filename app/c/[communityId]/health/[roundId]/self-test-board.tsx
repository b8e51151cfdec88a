'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { hhmm, useHealthLive } from '@/app/_health/use-health-live';
import '@/app/_health/health.css';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';

/**
 * The committee's self-test table, live: totals, stairwells with 异常 first, then the missing ones
 * (with their leader and a one-tap reminder), then the rest; the anomaly follow-ups; the export.
 */
export function SelfTestBoard({ communityId, roundId }: { communityId: string; roundId: string }) {
  const t = useTranslations('health');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('health');
  const live = useHealthLive(communityId, ['self_test']);
  const q = useQuery(trpc.healthRounds.selfTestBoard.queryOptions({ communityId, roundId }));
  const [reminded, setReminded] = useState<Set<string>>(new Set());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.healthRounds.pathKey() });
  const remind = useMutation(
    trpc.healthRounds.remind.mutationOptions({
      onSuccess: (_r, v) => setReminded((s) => new Set(s).add(v.stairwellId)),
    }),
  );
  const resolve = useMutation(trpc.healthRounds.resolveFollowUp.mutationOptions({ onSuccess: refresh }));
  const close = useMutation(trpc.healthRounds.closeRound.mutationOptions({ onSuccess: refresh }));
  const b = q.data;
  const exportHref = (format: string) =>
    `/api/export/health-rounds/${roundId}?communityId=${communityId}&format=${format}`;
  return (
    <main data-page="health-board" style={{ maxWidth: 960 }}>
      <div className="health-row" style={{ justifyContent: 'space-between' }}>
        <h1>{b ? b.round.title : t('board.title')}</h1>
        <span className="muted" data-live={live}>
          {t(`live.${live}`)}
        </span>
      </div>
      {q.isPending && <p className="muted">{t('loading')}</p>}
      {q.isError && <p className="error">{errorMessage(q.error)}</p>}
      {b && (
        <>
          <section className="card" aria-label={t('board.totals')}>
            <p className="muted" style={{ marginTop: 0 }}>
              {t(`status.${b.round.status}`)}
              {b.round.deadlineAt && ` · ${t('rounds.deadline', { time: hhmm(b.round.deadlineAt) })}`}
            </p>
            <div className="health-grid">
              <div>
                <div className="muted">{t('board.submitted')}</div>
                <div className="health-big" data-testid="submitted-count">
                  {b.submittedCount}/{b.stairwells.length}
                </div>
              </div>
              {(['actual', 'negative', 'abnormal', 'invalid'] as const).map((k) => (
                <div key={k}>
                  <div className="muted">{t(`board.cols.${k}`)}</div>
                  <div className="health-big" data-testid={`total-${k}`}>
                    {b.totals[k]}
                  </div>
                </div>
              ))}
            </div>
            <div className="health-row" style={{ marginTop: 12 }}>
              <a className="button" href={exportHref('xlsx')} download>
                {t('board.exportXlsx')}
              </a>
              <a className="button" href={exportHref('csv')} download>
                {t('board.exportCsv')}
              </a>
              {b.round.status === 'open' && (
                <button type="button" onClick={() => close.mutate({ communityId, roundId })}>
                  {t('rounds.close')}
                </button>
              )}
            </div>
          </section>

          {b.followUps.length > 0 && (
            <section aria-labelledby="follow-ups">
              <h2 id="follow-ups">{t('board.followUps')}</h2>
              <ul className="health-list">
                {b.followUps.map((f) => (
                  <li key={f.id} data-testid="follow-up">
                    <span>
                      {f.label} · {f.room ? t('board.room', { room: f.room }) : t('board.householdUnknown')} ·{' '}
                      {t('board.cols.abnormal')} {f.abnormal}
                    </span>
                    {f.resolvedAt ? (
                      <span className="muted">{t('board.resolved')}</span>
                    ) : (
                      <button type="button" onClick={() => resolve.mutate({ communityId, followUpId: f.id })}>
                        {t('board.resolve', { stairwell: f.label })}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}

          <section aria-labelledby="missing">
            <h2 id="missing">
              {t('board.missingList')} ({b.missingCount})
            </h2>
            <ul className="health-list" data-testid="missing-list">
              {b.stairwells
                .filter((s) => !s.submitted)
                .map((s) => (
                  <li key={s.stairwellId}>
                    <span>
                      {s.label} ·{' '}
                      {s.leaderName ? t('board.leader', { name: s.leaderName }) : t('board.noLeader')}
                    </span>
                    {b.round.editable &&
                      (reminded.has(s.stairwellId) ? (
                        <span className="muted">{t('board.reminded')}</span>
                      ) : (
                        <button
                          type="button"
                          onClick={() => remind.mutate({ communityId, roundId, stairwellId: s.stairwellId })}
                        >
                          {t('board.remind', { stairwell: s.label })}
                        </button>
                      ))}
                  </li>
                ))}
            </ul>
            {remind.error && <p className="error">{errorMessage(remind.error)}</p>}
          </section>

          <section aria-labelledby="table">
            <h2 id="table">{t('board.title')}</h2>
            <div className="health-wrap" tabIndex={0} role="region" aria-labelledby="table">
              <table className="health-table" data-testid="self-test-table">
                <thead>
                  <tr>
                    {(['stairwell', 'actual', 'negative', 'abnormal', 'invalid', 'by', 'at'] as const).map(
                      (k) => (
                        <th key={k}>{t(`board.cols.${k}`)}</th>
                      ),
                    )}
                  </tr>
                </thead>
                <tbody>
                  {b.stairwells.map((s) => (
                    <tr
                      key={s.stairwellId}
                      data-testid="self-test-row"
                      data-stairwell={s.label}
                      data-alert={(s.abnormal ?? 0) > 0}
                      data-missing={!s.submitted}
                    >
                      <td>{s.label}</td>
                      <td>{s.actual ?? '—'}</td>
                      <td>{s.negative ?? '—'}</td>
                      <td>{s.abnormal ?? '—'}</td>
                      <td>{s.invalid ?? '—'}</td>
                      <td>{s.submittedBy ?? ''}</td>
                      <td>{hhmm(s.submittedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </main>
  );
}
