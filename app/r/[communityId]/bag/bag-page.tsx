'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import type { AppRouter } from '@/server/api/root';
import { dayTime, hhmm, yuan } from '@/app/v/[communityId]/checkoff/_kit/format';
import { PhotoField, PhotoView } from '@/app/v/[communityId]/checkoff/_kit/photo';
import { useDistributionLive } from '@/app/v/[communityId]/checkoff/_kit/use-live';
import '@/app/v/[communityId]/checkoff/_kit/distribution.css';
import { formatShortCode } from '@/server/services/distribution/short-code';

type Orders = inferRouterOutputs<AppRouter>['distribution']['myBags']['orders'];
type Order = Orders[number];

/** 我的袋子: where each bag of the household is, step by step; confirm receipt or report a problem. */
export function BagPage({ communityId }: { communityId: string }) {
  const t = useTranslations('distribution');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('distribution');
  useDistributionLive(communityId);
  const query = useQuery(trpc.distribution.myBags.queryOptions({ communityId }));
  return (
    <main data-page="bag">
      <h1>{t('bag.title')}</h1>
      {query.isPending && <p className="muted">{t('loading')}</p>}
      {query.isError && <p className="error">{errorMessage(query.error)}</p>}
      {query.data && query.data.orders.length === 0 && <p className="card muted">{t('bag.none')}</p>}
      {query.data?.orders.map((o) => (
        <OrderCard key={o.orderId} communityId={communityId} order={o} />
      ))}
    </main>
  );
}

function OrderCard({ communityId, order }: { communityId: string; order: Order }) {
  const t = useTranslations('distribution');
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('distribution');
  const [reporting, setReporting] = useState(false);
  const confirm = useMutation(
    trpc.distribution.confirm.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.distribution.pathKey() }),
    }),
  );
  const bag = order.bag;
  const steps: { key: string; done: boolean; current?: boolean; text: string }[] = [
    { key: 'paid', done: true, text: t('bag.steps.ordered', { seq: order.seq }) },
    {
      key: 'dispatched',
      done: !!order.trip,
      text: order.trip
        ? t('bag.steps.dispatched', { eta: hhmm(order.trip.eta) })
        : t('bag.steps.notDispatched'),
    },
    {
      key: 'arrived',
      done: !!order.trip?.arrivedAt,
      text: order.trip?.arrivedAt
        ? t('bag.steps.arrived', { time: hhmm(order.trip.arrivedAt) })
        : t('bag.steps.arrive'),
    },
    {
      key: 'disinfecting',
      done: !!bag?.releasedAt,
      current: !!bag?.disinfectionStartedAt && !bag.releasedAt,
      text: bag?.disinfectionStartedAt
        ? t('bag.steps.disinfecting', {
            time: hhmm(bag.disinfectionStartedAt),
            until: hhmm(bag.releasableAt),
          })
        : t('bag.steps.disinfect'),
    },
    {
      key: 'released',
      done: !!bag?.releasedAt,
      text: bag?.releasedAt
        ? t('bag.steps.released', { time: hhmm(bag.releasedAt) })
        : t('bag.steps.release'),
    },
    {
      key: 'delivered',
      done: bag?.status === 'delivered',
      current: bag?.status === 'exception',
      text:
        bag?.status === 'delivered' && bag.deliveredAt
          ? t('bag.steps.delivered', { time: hhmm(bag.deliveredAt), by: bag.deliveredBy ?? '' })
          : bag?.status === 'exception'
            ? t('bag.steps.exception', {
                reason: t(`exceptionKinds.${bag.exceptionKind ?? 'nobody_home'}`),
                time: hhmm(bag.exceptionAt),
              })
            : bag?.status === 'refunded'
              ? t('bag.steps.refunded')
              : t('bag.steps.deliver'),
    },
  ];
  const canConfirm =
    !!bag &&
    ((bag.status === 'delivered' && !bag.confirmedAt) ||
      (bag.status === 'exception' && bag.exceptionKind === 'nobody_home'));
  const canReport = !!bag && (bag.status === 'delivered' || bag.status === 'exception');
  return (
    <article className="card" data-testid="order-card" data-stage={order.stage}>
      <div className="dist-head">
        <strong style={{ fontSize: '1.15rem' }}>{order.relayTitle}</strong>
        <span
          className="dist-chip"
          data-tone={order.stage === 'delivered' ? 'ok' : order.stage === 'exception' ? 'warn' : 'info'}
          data-testid="bag-stage"
        >
          {t(`bag.stage.${order.stage}`)}
        </span>
      </div>
      <p className="muted" style={{ margin: '4px 0' }}>
        {order.merchantName} · #{order.seq} · {t('bag.deliveryDate', { date: order.deliveryDate })}
      </p>
      {order.shortCode && (
        <p style={{ margin: '4px 0' }} data-testid="bag-short-code">
          {t('bag.shortCode')}{' '}
          <strong className="dist-code" style={{ fontSize: '1.3rem' }}>
            {formatShortCode(order.shortCode)}
          </strong>
        </p>
      )}
      <ol className="dist-steps">
        {steps.map((s) => (
          <li key={s.key} data-done={s.done} data-current={!!s.current}>
            {s.text}
          </li>
        ))}
      </ol>
      <ul className="dist-items">
        {order.items.map((i) => (
          <li key={i.relayItemId}>
            {i.name} {i.spec && <span className="muted">{i.spec}</span>} × {i.qty}
            {i.unit}
            {i.deliveredQty < i.qty && (
              <strong style={{ color: 'var(--warn)' }}>
                {' '}
                · {t('bag.shortLine', { delivered: i.deliveredQty, unit: i.unit })}
              </strong>
            )}
          </li>
        ))}
      </ul>
      {order.shortfall.length > 0 && (
        <p className="dist-notice" data-tone="info">
          {t('bag.shortfall', {
            items: order.shortfall.map((s) => `${s.name} ×${s.shortQty}${s.unit}`).join('、'),
            amount: yuan(order.shortfall.reduce((n, s) => n + s.refundFen, 0)),
          })}
        </p>
      )}
      {order.refunds.length > 0 && (
        <ul className="muted" style={{ paddingLeft: '1.2em' }}>
          {order.refunds.map((r, i) => (
            <li key={i}>
              {t('bag.refund', {
                amount: yuan(r.amountFen),
                reason: t.has(`refundReasons.${r.reason}`) ? t(`refundReasons.${r.reason}`) : r.reason,
                status: t(`refundStatus.${r.status}`),
              })}
            </li>
          ))}
        </ul>
      )}
      {order.problems.map((p) => (
        <div key={p.id} className="muted" style={{ margin: '4px 0' }}>
          {t('bag.problemLine', {
            kind: t(`problemKinds.${p.kind}`),
            status: t(`problemStatus.${p.status}`),
            time: dayTime(p.createdAt, locale),
          })}
          {p.status === 'accepted' && p.refundFen ? ` · ${yuan(p.refundFen)}` : ''}
          {p.decisionNote ? ` · ${p.decisionNote}` : ''}
          {p.photoKey && <PhotoView photoKey={p.photoKey} />}
        </div>
      ))}
      {bag?.confirmedAt && (
        <p className="dist-notice">{t('bag.confirmed', { time: hhmm(bag.confirmedAt) })}</p>
      )}
      {confirm.error && (
        <p className="error" role="alert">
          {errorMessage(confirm.error)}
        </p>
      )}
      {(canConfirm || canReport) && !reporting && (
        <div className="dist-actions">
          {canConfirm ? (
            <button
              type="button"
              className="dist-ok"
              disabled={confirm.isPending}
              onClick={() => confirm.mutate({ communityId, bagId: bag.bagId })}
              data-testid="confirm-receipt"
            >
              ✓ {t('bag.confirm')}
            </button>
          ) : (
            <span />
          )}
          {canReport && (
            <button
              type="button"
              className="dist-warn"
              onClick={() => setReporting(true)}
              data-testid="report-problem"
            >
              {t('bag.report')}
            </button>
          )}
        </div>
      )}
      {reporting && bag && (
        <ProblemForm
          communityId={communityId}
          bagId={bag.bagId}
          items={order.items}
          onDone={() => setReporting(false)}
        />
      )}
    </article>
  );
}

function ProblemForm({
  communityId,
  bagId,
  items,
  onDone,
}: {
  communityId: string;
  bagId: string;
  items: Order['items'];
  onDone: () => void;
}) {
  const t = useTranslations('distribution');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('distribution');
  const [kind, setKind] = useState<'missing_item' | 'damaged_item' | 'other'>('missing_item');
  // No default item (issue 13 item 2): a resident who only types "青菜少了一份" must not report rice.
  const [itemId, setItemId] = useState('');
  const [itemMissing, setItemMissing] = useState(false);
  const [qty, setQty] = useState('1');
  const [description, setDescription] = useState('');
  const [photoKey, setPhotoKey] = useState<string | null>(null);
  // One key per form: a double tap or a retry on a bad network files one report.
  const [key] = useState(() => crypto.randomUUID());
  const report = useMutation(
    trpc.distribution.reportProblem.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.distribution.pathKey() });
        onDone();
      },
    }),
  );
  const item = items.find((i) => i.relayItemId === itemId);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (kind !== 'other' && !itemId) {
          setItemMissing(true);
          document.getElementById(`item-${bagId}`)?.focus();
          return;
        }
        report.mutate({
          communityId,
          bagId,
          kind,
          relayItemId: kind === 'other' ? null : itemId,
          qty: kind === 'other' ? null : Number(qty) || 1,
          description: description.trim() || null,
          photoKey,
          idempotencyKey: key,
        });
      }}
      data-testid="problem-form"
      // Our own message under the field, in the page's language and size, instead of the browser's bubble.
      noValidate
    >
      <h3>{t('bag.reportTitle')}</h3>
      <div className="dist-choice" role="group" aria-label={t('bag.reportTitle')}>
        {(['missing_item', 'damaged_item', 'other'] as const).map((k) => (
          <button key={k} type="button" aria-pressed={kind === k} onClick={() => setKind(k)}>
            {t(`problemKinds.${k}`)}
          </button>
        ))}
      </div>
      {kind !== 'other' && (
        <div className="dist-grid2">
          <div>
            <label htmlFor={`item-${bagId}`}>{t('bag.whichItem')}</label>
            <select
              id={`item-${bagId}`}
              value={itemId}
              required
              aria-invalid={itemMissing}
              aria-describedby={itemMissing ? `item-${bagId}-error` : undefined}
              onChange={(e) => {
                setItemId(e.target.value);
                setItemMissing(false);
              }}
            >
              <option value="" disabled>
                {t('bag.chooseItem')}
              </option>
              {items.map((i) => (
                <option key={i.relayItemId} value={i.relayItemId}>
                  {i.name}
                </option>
              ))}
            </select>
            {itemMissing && (
              <p
                className="error"
                role="alert"
                id={`item-${bagId}-error`}
                data-testid="problem-item-required"
              >
                {t('errors.PROBLEM_ITEM_REQUIRED')}
              </p>
            )}
          </div>
          <div>
            <label htmlFor={`qty-${bagId}`}>{t('bag.howMany', { unit: item?.unit ?? '' })}</label>
            <input
              id={`qty-${bagId}`}
              inputMode="numeric"
              value={qty}
              onChange={(e) => setQty(e.target.value.replace(/[^0-9]/g, ''))}
            />
          </div>
        </div>
      )}
      <label htmlFor={`desc-${bagId}`}>{t('bag.description')}</label>
      <textarea
        id={`desc-${bagId}`}
        rows={3}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        maxLength={500}
      />
      <PhotoField communityId={communityId} purpose="problem" value={photoKey} onChange={setPhotoKey} />
      {report.error && (
        <p className="error" role="alert">
          {errorMessage(report.error)}
        </p>
      )}
      <div className="dist-actions">
        <button type="submit" className="primary" disabled={report.isPending}>
          {report.isPending ? t('saving') : t('bag.send')}
        </button>
        <button type="button" onClick={onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
