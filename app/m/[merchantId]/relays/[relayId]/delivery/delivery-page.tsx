'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo, useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import type { AppRouter } from '@/server/api/root';
import { agentName, dayTime, hhmm, placeLabel, yuan } from '@/app/v/[communityId]/checkoff/_kit/format';
import { PhotoView } from '@/app/v/[communityId]/checkoff/_kit/photo';
import '@/app/v/[communityId]/checkoff/_kit/distribution.css';
import { DEFAULT_TIME_ZONE } from '@/server/services/shared/time';

type View = inferRouterOutputs<AppRouter>['distribution']['relayDelivery'];

/** "2022-04-12T22:30" in Shanghai time for a datetime-local input, from a Date. */
function toLocalInput(d: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: DEFAULT_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour') === '24' ? '00' : get('hour')}:${get('minute')}`;
}
/** A datetime-local value read as Shanghai time (UTC+8, no daylight saving). */
function fromLocalInput(v: string): Date {
  return new Date(`${v}:00+08:00`);
}

/**
 * The merchant's delivery page for one relay: put it on a truck, follow it through the gate, record
 * what could actually be delivered (shortfalls are refunded first come, first served), and answer
 * residents' problem reports.
 */
export function DeliveryPage({
  merchantId,
  communityId,
  relayId,
}: {
  merchantId: string;
  communityId: string;
  relayId: string;
}) {
  const t = useTranslations('distribution');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('distribution');
  const query = useQuery(trpc.distribution.relayDelivery.queryOptions({ merchantId, communityId, relayId }));
  const v = query.data;
  return (
    <main data-page="merchant-delivery">
      {query.isPending && <p className="muted">{t('loading')}</p>}
      {query.isError && <p className="error">{errorMessage(query.error)}</p>}
      {v && (
        <>
          <h1>{v.relay.title}</h1>
          <p className="muted">
            {v.relay.communityName} · {t('bag.deliveryDate', { date: v.relay.deliveryDate })} ·{' '}
            <span className="dist-chip">{t(`relayStatus.${v.relay.status}`)}</span>
          </p>
          {v.relay.status === 'formed' && !v.delivery ? (
            <DispatchForm merchantId={merchantId} view={v} />
          ) : (
            <Trip view={v} />
          )}
          <Shortfall merchantId={merchantId} view={v} />
          <CashHeld view={v} />
          <Exceptions merchantId={merchantId} view={v} />
          <Problems merchantId={merchantId} view={v} />
        </>
      )}
    </main>
  );
}

function useRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.distribution.pathKey() });
}

function DispatchForm({ merchantId, view }: { merchantId: string; view: View }) {
  const t = useTranslations('distribution');
  const trpc = useTRPC();
  const refresh = useRefresh();
  const errorMessage = useErrorMessage('distribution');
  const [eta, setEta] = useState(() => toLocalInput(new Date(Date.now() + 2 * 3_600_000)));
  const [plate, setPlate] = useState(view.defaults.vehiclePlate);
  const [driver, setDriver] = useState(view.defaults.driverName);
  const [phone, setPhone] = useState(view.defaults.driverPhone);
  const dispatch = useMutation(trpc.distribution.dispatch.mutationOptions({ onSuccess: refresh }));
  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        dispatch.mutate({
          merchantId,
          communityId: view.relay.communityId,
          relayIds: [view.relay.id],
          eta: fromLocalInput(eta),
          vehiclePlate: plate,
          driverName: driver,
          driverPhone: phone,
        });
      }}
      data-testid="dispatch-form"
    >
      <h2 style={{ marginTop: 0 }}>{t('merchant.dispatchTitle')}</h2>
      <p className="muted">{t('merchant.dispatchHint')}</p>
      <label htmlFor="eta">{t('merchant.eta')}</label>
      <input id="eta" type="datetime-local" value={eta} onChange={(e) => setEta(e.target.value)} required />
      <div className="dist-grid2">
        <div>
          <label htmlFor="plate">{t('merchant.vehicle')}</label>
          <input id="plate" value={plate} onChange={(e) => setPlate(e.target.value)} maxLength={20} />
        </div>
        <div>
          <label htmlFor="driver">{t('merchant.driver')}</label>
          <input id="driver" value={driver} onChange={(e) => setDriver(e.target.value)} maxLength={40} />
        </div>
      </div>
      <label htmlFor="driver-phone">{t('merchant.driverPhone')}</label>
      <input
        id="driver-phone"
        type="tel"
        value={phone}
        onChange={(e) => setPhone(e.target.value)}
        maxLength={30}
      />
      {dispatch.error && (
        <p className="error" role="alert">
          {errorMessage(dispatch.error)}
        </p>
      )}
      <button
        type="submit"
        className="primary"
        disabled={dispatch.isPending}
        style={{ width: '100%', marginTop: 12 }}
        data-testid="dispatch"
      >
        {dispatch.isPending ? t('saving') : t('merchant.dispatch')}
      </button>
    </form>
  );
}

function Trip({ view }: { view: View }) {
  const t = useTranslations('distribution');
  const d = view.delivery;
  const b = view.batch;
  if (!d) return <p className="card muted">{t('merchant.notFormed')}</p>;
  const steps = [
    {
      key: 'dispatched',
      done: true,
      text: t('merchant.steps.dispatched', { time: hhmm(d.dispatchedAt), eta: hhmm(d.eta) }),
    },
    {
      key: 'arrived',
      done: !!d.arrivedAt,
      text: d.arrivedAt
        ? t('merchant.steps.arrived', {
            time: hhmm(d.arrivedAt),
            packages: d.packageCount ?? 0,
            name: d.receivedByName ?? '',
          })
        : t('bag.steps.arrive'),
    },
    {
      key: 'disinfected',
      done: !!b?.releasedAt,
      current: !!b?.disinfectionStartedAt && !b.releasedAt,
      text: b?.disinfectionStartedAt
        ? t('merchant.steps.disinfected', {
            time: hhmm(b.disinfectionStartedAt),
            agent: agentName(t, b.agent),
          })
        : t('bag.steps.disinfect'),
    },
    {
      key: 'released',
      done: !!b?.releasedAt,
      text: b?.releasedAt ? t('bag.steps.released', { time: hhmm(b.releasedAt) }) : t('bag.steps.release'),
    },
    {
      key: 'bags',
      done: !!b?.completedAt,
      // Before the gate releases the bags nothing is being delivered: say so, not "0/0 delivered".
      text:
        view.bags.total === 0 || (!b?.releasedAt && view.bags.delivered === 0)
          ? t('merchant.steps.bagsNotStarted')
          : t('merchant.steps.bags', {
              delivered: view.bags.delivered,
              total: view.bags.total,
              exceptions: view.bags.exception,
            }),
    },
  ];
  return (
    <section className="card" aria-labelledby="trip">
      <h2 id="trip" style={{ marginTop: 0 }}>
        {t('merchant.tripTitle')}
      </h2>
      <p className="muted">{[d.vehiclePlate, d.driverName].filter(Boolean).join(' · ')}</p>
      <ol className="dist-steps">
        {steps.map((s) => (
          <li key={s.key} data-done={s.done} data-current={!!s.current}>
            {s.text}
          </li>
        ))}
      </ol>
      {d.remarks && <p>{t('merchant.gateRemarks', { remarks: d.remarks })}</p>}
    </section>
  );
}

function Shortfall({ merchantId, view }: { merchantId: string; view: View }) {
  const t = useTranslations('distribution');
  const locale = useLocale();
  const trpc = useTRPC();
  const refresh = useRefresh();
  const errorMessage = useErrorMessage('distribution');
  const [qty, setQty] = useState<Record<string, string>>({});
  const [previewed, setPreviewed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const settleable = ['formed', 'dispatched', 'arrived', 'distributing', 'completed'].includes(
    view.relay.status,
  );
  const items = useMemo(
    () =>
      view.items.map((i) => {
        const raw = qty[i.relayItemId];
        return {
          relayItemId: i.relayItemId,
          deliveredQty: raw === undefined || raw === '' ? i.orderedQty : Number(raw),
        };
      }),
    [view.items, qty],
  );
  const preview = useQuery({
    ...trpc.distribution.previewShortfall.queryOptions({
      merchantId,
      communityId: view.relay.communityId,
      relayId: view.relay.id,
      items,
    }),
    enabled: previewed && !view.shortfall,
    retry: false,
  });
  const settle = useMutation(trpc.distribution.settleShortfall.mutationOptions({ onSuccess: refresh }));
  if (!settleable) return null;
  if (view.shortfall) {
    const s = view.shortfall;
    return (
      <section className="card" aria-labelledby="shortfall" data-testid="shortfall-settled">
        <h2 id="shortfall" style={{ marginTop: 0 }}>
          {t('merchant.shortfallTitle')}
        </h2>
        <p className="muted">{t('merchant.settledAt', { time: dayTime(s.settledAt, locale) })}</p>
        <ul style={{ paddingLeft: '1.2em' }}>
          {s.items.map((i) => (
            <li key={i.relayItemId}>
              {i.name}:{' '}
              {t('merchant.deliveredOf', { delivered: i.deliveredQty, ordered: i.orderedQty, unit: i.unit })}
              {i.shortQty > 0 &&
                ` · ${t('merchant.shortHouseholds', { count: i.households, amount: yuan(i.refundFen) })}`}
            </li>
          ))}
        </ul>
        <p>
          {t('merchant.refundTotal', { amount: yuan(s.totalRefundFen), count: s.refunds.length })}{' '}
          {s.refunds.some((r) => r.status === 'pending') && (
            <span className="dist-chip" data-tone="warn">
              {t('refundStatus.pending')}
            </span>
          )}
        </p>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="shortfall" data-testid="shortfall-form">
      <h2 id="shortfall" style={{ marginTop: 0 }}>
        {t('merchant.shortfallTitle')}
      </h2>
      <p className="muted">{t('merchant.shortfallHint')}</p>
      {view.items.map((i) => (
        <div key={i.relayItemId} className="dist-row" style={{ alignItems: 'flex-end' }}>
          <label htmlFor={`d-${i.relayItemId}`} style={{ flex: '1 1 55%' }}>
            {i.name} <span className="muted">{i.spec}</span>
            <br />
            <span className="muted" style={{ fontWeight: 400 }}>
              {t('merchant.ordered', { qty: i.orderedQty, unit: i.unit })}
            </span>
          </label>
          <input
            id={`d-${i.relayItemId}`}
            inputMode="numeric"
            style={{ flex: '0 0 7em' }}
            value={qty[i.relayItemId] ?? String(i.orderedQty)}
            onChange={(e) => {
              setQty((q) => ({ ...q, [i.relayItemId]: e.target.value.replace(/[^0-9-]/g, '') }));
              setPreviewed(false);
              setConfirming(false);
            }}
          />
        </div>
      ))}
      {preview.error && (
        <p className="error" role="alert">
          {errorMessage(preview.error)}
        </p>
      )}
      {previewed && preview.data && (
        <div
          className="dist-notice"
          data-tone={preview.data.totalRefundFen > 0 ? 'info' : undefined}
          style={{ marginTop: 12 }}
        >
          {preview.data.totalRefundFen > 0
            ? t('merchant.previewLine', {
                count: preview.data.households,
                amount: yuan(preview.data.totalRefundFen),
                seqs: preview.data.refunds.map((r) => `#${r.seq}`).join(' '),
              })
            : t('merchant.previewNone')}
        </div>
      )}
      {settle.error && (
        <p className="error" role="alert">
          {errorMessage(settle.error)}
        </p>
      )}
      <div className="dist-actions">
        <button type="button" onClick={() => setPreviewed(true)}>
          {t('merchant.preview')}
        </button>
        {confirming ? (
          <button
            type="button"
            className="primary"
            disabled={settle.isPending}
            onClick={() =>
              settle.mutate({
                merchantId,
                communityId: view.relay.communityId,
                relayId: view.relay.id,
                items,
              })
            }
            data-testid="settle-confirm"
          >
            {settle.isPending ? t('saving') : t('merchant.settleConfirm')}
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setPreviewed(true);
              setConfirming(true);
            }}
          >
            {t('merchant.settle')}
          </button>
        )}
      </div>
    </section>
  );
}

function Exceptions({ merchantId, view }: { merchantId: string; view: View }) {
  const t = useTranslations('distribution');
  const locale = useLocale();
  const trpc = useTRPC();
  const refresh = useRefresh();
  const errorMessage = useErrorMessage('distribution');
  const refund = useMutation(trpc.distribution.refundBag.mutationOptions({ onSuccess: refresh }));
  if (view.exceptions.length === 0) return null;
  return (
    <section aria-labelledby="exceptions">
      <h2 id="exceptions">{t('merchant.exceptionsTitle', { count: view.exceptions.length })}</h2>
      {refund.error && (
        <p className="error" role="alert">
          {errorMessage(refund.error)}
        </p>
      )}
      {view.exceptions.map((e) => (
        <div key={e.bagId} className="card">
          <strong>
            #{e.seq} {e.household ? placeLabel(t, e.household) : ''}
          </strong>
          <p style={{ margin: '4px 0' }}>
            {e.exceptionKind ? t(`exceptionKinds.${e.exceptionKind}`) : ''} · {dayTime(e.exceptionAt, locale)}
            {e.exceptionNote ? ` · ${e.exceptionNote}` : ''}
          </p>
          {e.photoKey && <PhotoView photoKey={e.photoKey} />}
          {e.exceptionKind !== 'nobody_home' && (
            <button
              type="button"
              disabled={refund.isPending}
              onClick={() =>
                refund.mutate({
                  merchantId,
                  communityId: view.relay.communityId,
                  relayId: view.relay.id,
                  bagId: e.bagId,
                })
              }
            >
              {t('merchant.refundBag')}
            </button>
          )}
        </div>
      ))}
    </section>
  );
}

function Problems({ merchantId, view }: { merchantId: string; view: View }) {
  const t = useTranslations('distribution');
  const locale = useLocale();
  if (view.problems.length === 0) return null;
  return (
    <section aria-labelledby="problems">
      <h2 id="problems">
        {t('merchant.problemsTitle', { count: view.problems.filter((p) => p.status === 'open').length })}
      </h2>
      {view.problems.map((p) => (
        <div key={p.reportId} className="card">
          <div className="dist-head">
            <strong>
              #{p.seq} {p.household ? placeLabel(t, p.household) : ''}
            </strong>
            <span
              className="dist-chip"
              data-tone={p.status === 'open' ? 'warn' : p.status === 'accepted' ? 'ok' : undefined}
            >
              {t(`problemStatus.${p.status}`)}
            </span>
          </div>
          <p style={{ margin: '4px 0' }}>
            {t(`problemKinds.${p.kind}`)}
            {p.itemName ? ` · ${p.itemName} ×${p.qty ?? 1}` : ''} · {dayTime(p.createdAt, locale)}
          </p>
          {p.description && <p style={{ margin: '4px 0' }}>“{p.description}”</p>}
          {p.photoKey && <PhotoView photoKey={p.photoKey} />}
          {p.status === 'accepted' && p.refundFen != null && (
            <p className="muted">{t('merchant.refunded', { amount: yuan(p.refundFen) })}</p>
          )}
          {p.status === 'rejected' && p.decisionNote && <p className="muted">{p.decisionNote}</p>}
          {p.status === 'open' && (
            <Decide
              merchantId={merchantId}
              communityId={view.relay.communityId}
              relayId={view.relay.id}
              reportId={p.reportId}
              suggestedFen={p.suggestedRefundFen}
            />
          )}
        </div>
      ))}
    </section>
  );
}

function Decide({
  merchantId,
  communityId,
  relayId,
  reportId,
  suggestedFen,
}: {
  merchantId: string;
  communityId: string;
  relayId: string;
  reportId: string;
  suggestedFen: number | null;
}) {
  const t = useTranslations('distribution');
  const trpc = useTRPC();
  const refresh = useRefresh();
  const errorMessage = useErrorMessage('distribution');
  const [amount, setAmount] = useState(suggestedFen != null ? (suggestedFen / 100).toFixed(2) : '');
  const [note, setNote] = useState('');
  const decide = useMutation(trpc.distribution.decideProblem.mutationOptions({ onSuccess: refresh }));
  const fen = Math.round(Number(amount) * 100);
  return (
    <div>
      <div className="dist-grid2">
        <div>
          <label htmlFor={`amt-${reportId}`}>{t('merchant.refundAmount')}</label>
          <input
            id={`amt-${reportId}`}
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value.replace(/[^0-9.]/g, ''))}
          />
        </div>
        <div>
          <label htmlFor={`note-${reportId}`}>{t('merchant.decisionNote')}</label>
          <input
            id={`note-${reportId}`}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            maxLength={500}
          />
        </div>
      </div>
      {decide.error && (
        <p className="error" role="alert">
          {errorMessage(decide.error)}
        </p>
      )}
      <div className="dist-actions">
        <button
          type="button"
          className="primary"
          disabled={decide.isPending || !(fen > 0)}
          onClick={() =>
            decide.mutate({
              merchantId,
              communityId,
              relayId,
              reportId,
              decision: 'accept',
              refundFen: fen,
              note: note || null,
            })
          }
        >
          {t('merchant.accept')}
        </button>
        <button
          type="button"
          disabled={decide.isPending || !note.trim()}
          onClick={() =>
            decide.mutate({ merchantId, communityId, relayId, reportId, decision: 'reject', note })
          }
        >
          {t('merchant.reject')}
        </button>
      </div>
    </div>
  );
}

/** 货到付款: the cash each volunteer collected at the door and holds for the merchant. */
function CashHeld({ view }: { view: View }) {
  const t = useTranslations('distribution');
  const { cash } = view;
  if (cash.volunteers.length === 0 && cash.toCollect.orders === 0) return null;
  const y = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
  return (
    <section className="card" aria-labelledby="cash-held" data-testid="cash-held">
      <h2 id="cash-held" style={{ marginTop: 0 }}>
        {t('merchant.cashTitle', { total: y(cash.totalHeldFen) })}
      </h2>
      <ul>
        {cash.volunteers.map((v) => (
          <li key={v.volunteerUserId} data-testid="cash-volunteer">
            {t('merchant.cashVolunteer', {
              name: v.volunteerName,
              bags: v.bags,
              held: y(v.heldFen),
              collected: y(v.collectedFen),
              returned: y(v.returnedFen),
            })}
          </li>
        ))}
      </ul>
      {cash.toCollect.orders > 0 && (
        <p className="muted">
          {t('merchant.cashToCollect', { orders: cash.toCollect.orders, amount: y(cash.toCollect.dueFen) })}
        </p>
      )}
    </section>
  );
}
