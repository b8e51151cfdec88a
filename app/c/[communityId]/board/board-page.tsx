'use client';
import { useQuery } from '@tanstack/react-query';
import { useLocale, useTranslations } from 'next-intl';
import { dayTime } from '@/app/_lib/format';
import { useState } from 'react';
import { BOARD_ONLY_WITH_BAGS_COOKIE } from './board-cookie';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import { hhmm, placeLabel } from '@/app/v/[communityId]/checkoff/_kit/format';
import { useDistributionLive } from '@/app/v/[communityId]/checkoff/_kit/use-live';
import '@/app/v/[communityId]/checkoff/_kit/distribution.css';
import { keepOnThisPhone } from '@/app/_lib/phone-preference';

/**
 * 保供看板: the compound's old tally form, live — per stairwell (households, bags, delivered,
 * exceptions, last activity), per batch the time of each step, per merchant the share on time.
 */

/** A switch's label: the whole row is the 44 px tap target. */
const switchLabel = {
  display: 'flex',
  alignItems: 'center',
  gap: 8,
  fontWeight: 400,
  margin: 0,
  minHeight: 44,
} as const;
export function BoardPage({
  communityId,
  onlyWithBagsAtFirst,
}: {
  communityId: string;
  /** The coordinator's last choice, read by the server from the cookie, so the first HTML is already filtered. */
  onlyWithBagsAtFirst: boolean;
}) {
  const t = useTranslations('distribution');
  const locale = useLocale();
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('distribution');
  const live = useDistributionLive(communityId);
  const query = useQuery(trpc.distribution.board.queryOptions({ communityId }));
  const notes = useQuery(trpc.distribution.boardNotes.queryOptions({ communityId })).data;
  const [onlyOpen, setOnlyOpen] = useState(false);
  const [onlyWithBags, setOnlyWithBags] = useRememberedSwitch(
    BOARD_ONLY_WITH_BAGS_COOKIE,
    onlyWithBagsAtFirst,
  );
  const b = query.data;
  // Stairwells with bags today first (route order kept within each group), issue 13 item 7: of
  // 135 stairwells the few being served are at the top, not behind a hundred rows of zeros.
  const rows = b
    ? [
        ...b.stairwells.filter((s) => s.bags > 0),
        ...(onlyWithBags ? [] : b.stairwells.filter((s) => s.bags === 0)),
      ].filter((s) => !onlyOpen || s.pending + s.exceptions > 0)
    : [];
  const pct = b && b.totals.bags ? Math.round((100 * b.totals.delivered) / b.totals.bags) : 0;
  return (
    <main data-page="board" style={{ maxWidth: 960 }}>
      <div className="dist-head">
        <h1>{t('board.title')}</h1>
        <span className="dist-live" data-state={live}>
          {t(`live.${live}`)}
          {b && ` · ${hhmm(b.serverNow)}`}
        </span>
      </div>
      {query.isPending && <p className="muted">{t('loading')}</p>}
      {query.isError && <p className="error">{errorMessage(query.error)}</p>}
      {b && (
        <>
          <section className="card" aria-label={t('board.totals')}>
            <div className="dist-row" data-testid="board-totals">
              {(['bags', 'delivered', 'exceptions', 'pending'] as const).map((k) => (
                <div key={k}>
                  <div className="muted">{t(`board.cols.${k}`)}</div>
                  <div className="dist-big" data-testid={`total-${k}`}>
                    {b.totals[k]}
                  </div>
                </div>
              ))}
            </div>
            <div
              className="dist-bar"
              role="progressbar"
              aria-valuenow={pct}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-label={t('board.deliveredShare')}
            >
              <span style={{ width: `${pct}%` }} />
            </div>
            <p className="muted" style={{ marginBottom: 0 }}>
              {t('board.scope', { time: hhmm(b.since) })}
            </p>
          </section>

          <OpenProblems problems={notes?.openProblems ?? []} />

          <section aria-labelledby="board-batches">
            <h2 id="board-batches">{t('board.batches')}</h2>
            {b.batches.length === 0 && <p className="muted">{t('board.noBatches')}</p>}
            {b.batches.length > 0 && (
              <div className="dist-table-wrap" tabIndex={0} role="region" aria-labelledby="board-batches">
                <table className="dist-table">
                  <thead>
                    <tr>
                      <th>{t('board.batchCols.merchant')}</th>
                      <th>{t('board.batchCols.status')}</th>
                      <th>{t('board.batchCols.arrived')}</th>
                      <th>{t('board.batchCols.disinfected')}</th>
                      <th>{t('board.batchCols.released')}</th>
                      <th>{t('board.batchCols.firstBag')}</th>
                      <th>{t('board.batchCols.completed')}</th>
                      <th>{t('board.batchCols.bags')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {b.batches.map((x) => (
                      <tr key={x.batchId}>
                        <td>
                          {x.merchantName}
                          {(notes?.batchRelays[x.batchId] ?? []).map((r) => (
                            <div key={r.relayId} className="muted" data-testid="batch-relay">
                              {t('board.batchRelay', { title: r.title, cutoff: dayTime(r.closesAt, locale) })}
                            </div>
                          ))}
                        </td>
                        <td>{t(`batchStatus.${x.status}`)}</td>
                        <td>
                          {hhmm(x.receivedAt)}
                          {x.receivedAt > x.eta && (
                            <span className="dist-chip" data-tone="warn" style={{ marginLeft: 4 }}>
                              {t('board.late')}
                            </span>
                          )}
                        </td>
                        <td>{hhmm(x.disinfectionStartedAt) || '—'}</td>
                        <td>{hhmm(x.releasedAt) || (x.releasableAt ? `≥${hhmm(x.releasableAt)}` : '—')}</td>
                        <td>{hhmm(x.firstDeliveredAt) || '—'}</td>
                        <td>{hhmm(x.completedAt) || '—'}</td>
                        <td>
                          {x.delivered}/{x.bags}
                          {x.exceptions > 0 && ` · ${t('board.exceptionsShort', { count: x.exceptions })}`}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <section aria-labelledby="board-stairwells">
            <div className="dist-head">
              <h2 id="board-stairwells">{t('board.stairwells')}</h2>
              <label style={switchLabel}>
                <input
                  type="checkbox"
                  checked={onlyOpen}
                  onChange={(e) => setOnlyOpen(e.target.checked)}
                  style={{ width: 24, minHeight: 24 }}
                />
                {t('board.onlyOpen')}
              </label>
              <label style={switchLabel}>
                <input
                  type="checkbox"
                  checked={onlyWithBags}
                  onChange={(e) => setOnlyWithBags(e.target.checked)}
                  style={{ width: 24, minHeight: 24 }}
                  data-testid="only-with-bags"
                />
                {t('board.onlyWithBags')}
              </label>
            </div>
            <div className="dist-table-wrap" tabIndex={0} role="region" aria-labelledby="board-stairwells">
              <table className="dist-table" data-testid="stairwell-table">
                <thead>
                  <tr>
                    <th>{t('board.cols.stairwell')}</th>
                    <th>{t('board.cols.households')}</th>
                    <th>{t('board.cols.bags')}</th>
                    <th>{t('board.cols.delivered')}</th>
                    <th>{t('board.cols.exceptions')}</th>
                    <th>{t('board.cols.lastActivity')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((s) => (
                    <tr key={s.stairwellId} data-alert={s.exceptions > 0} data-testid="stairwell-row">
                      <td>{placeLabel(t, s)}</td>
                      <td>{s.households}</td>
                      <td>{s.bags}</td>
                      <td>{s.delivered}</td>
                      <td>{s.exceptions}</td>
                      <td>{hhmm(s.lastActivity) || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section aria-labelledby="board-merchants">
            <h2 id="board-merchants">{t('board.merchants', { days: b.onTimeWindowDays })}</h2>
            {b.merchants.length === 0 && <p className="muted">{t('board.noMerchants')}</p>}
            {b.merchants.map((m) => (
              <div key={m.merchantId} className="card">
                <div className="dist-head">
                  <strong>{m.merchantName}</strong>
                  <span
                    className="dist-chip"
                    data-tone={m.onTimeShare != null && m.onTimeShare >= 90 ? 'ok' : 'warn'}
                  >
                    {t('board.onTime', { share: m.onTimeShare ?? 0 })}
                  </span>
                </div>
                <p className="muted" style={{ margin: '4px 0 0' }}>
                  {t('board.onTimeDetail', { onTime: m.onTime, arrived: m.arrived })}
                  {m.avgLateMinutes != null && ` · ${t('board.avgLate', { minutes: m.avgLateMinutes })}`}
                </p>
              </div>
            ))}
          </section>
        </>
      )}
    </main>
  );
}

/**
 * A checkbox remembered on this phone in a cookie: the coordinator's choice survives a reload, and
 * the server renders the page with it, so the list does not arrive unfiltered and then jump.
 */
function useRememberedSwitch(name: string, atFirst: boolean): [boolean, (v: boolean) => void] {
  const [on, setOn] = useState(atFirst);
  return [
    on,
    (v: boolean) => {
      setOn(v);
      keepOnThisPhone(name, v ? '1' : '0');
    },
  ];
}

type OpenProblem = {
  reportId: string;
  kind: 'missing_item' | 'damaged_item' | 'other';
  building: string;
  stairwell: string;
  room: string;
  itemName: string | null;
  qty: number | null;
  description: string;
  relayTitle: string;
  merchantName: string;
  createdAt: Date;
};

/** Residents' problem reports the merchant has not decided yet, oldest first. */
function OpenProblems({ problems }: { problems: OpenProblem[] }) {
  const t = useTranslations('distribution');
  const locale = useLocale();
  return (
    <section aria-labelledby="board-problems" data-testid="board-problems">
      <h2 id="board-problems">{t('board.openProblems', { count: problems.length })}</h2>
      {problems.length === 0 && <p className="muted">{t('board.noOpenProblems')}</p>}
      <ul style={{ paddingLeft: '1.2em' }}>
        {problems.map((p) => (
          <li key={p.reportId} data-testid="board-problem">
            {t('board.problemLine', {
              place: `${p.building}-${p.stairwell}-${p.room}`,
              kind: t(`problemKinds.${p.kind}`),
              item: p.itemName ? `${p.itemName}${p.qty ? ` ×${p.qty}` : ''}` : '',
              relay: `${p.merchantName} · ${p.relayTitle}`,
              time: dayTime(p.createdAt, locale),
            })}
            {p.description && <div className="muted">{p.description}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}
