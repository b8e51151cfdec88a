'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import type { AppRouter } from '@/server/api/root';
import { CLOSE_UNDO_SECONDS } from '@/server/services/relay/rules';
import { day, useServerNow, yuan } from '@/app/r/[communityId]/relays/_kit/format';
import {
  ChainList,
  Countdown,
  LiveDot,
  Progress,
  RelayStatusChip,
} from '@/app/r/[communityId]/relays/_kit/parts';
import { PaymentReminders } from '@/app/r/[communityId]/relays/_kit/payment-reminders';
import { RelayTalk } from '@/app/r/[communityId]/relays/_kit/relay-talk';
import { useRelayLive } from '@/app/r/[communityId]/relays/_kit/use-relay-live';

type View = inferRouterOutputs<AppRouter>['relay']['getForMerchant'];

/** Managing one relay: open now, close early, cancel with a reason; live chain, stock and money. */
export function MerchantRelay({ merchantId, relayId }: { merchantId: string; relayId: string }) {
  const t = useTranslations('relay.manage');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('relay');
  const q = useQuery(
    trpc.relay.getForMerchant.queryOptions({ merchantId, relayId }, { refetchInterval: 30_000 }),
  );
  if (q.isPending)
    return (
      <main>
        <p className="muted">{t('loading')}</p>
      </main>
    );
  if (q.isError)
    return (
      <main>
        <p className="error">{errorMessage(q.error)}</p>
      </main>
    );
  return <Manage merchantId={merchantId} view={q.data} />;
}

function Manage({ merchantId, view }: { merchantId: string; view: View }) {
  const t = useTranslations('relay.manage');
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('relay');
  const live = useRelayLive({ kind: 'merchant', merchantId }, view.id, view);
  const [cancelling, setCancelling] = useState(false);
  const [closing, setClosing] = useState(false);
  const [reason, setReason] = useState('');
  const done = () => queryClient.invalidateQueries({ queryKey: trpc.relay.pathKey() });
  const open = useMutation(trpc.relay.open.mutationOptions({ onSuccess: () => void done() }));
  const close = useMutation(
    trpc.relay.close.mutationOptions({
      onSuccess: () => {
        setClosing(false);
        void done();
      },
    }),
  );
  const undoClose = useMutation(trpc.relay.undoClose.mutationOptions({ onSuccess: () => void done() }));
  const cancel = useMutation(
    trpc.relay.cancel.mutationOptions({
      onSuccess: () => {
        setCancelling(false);
        void done();
      },
    }),
  );
  const ref = { merchantId, communityId: view.communityId, relayId: view.id };
  const busy = open.isPending || close.isPending || cancel.isPending || undoClose.isPending;
  const error = open.error ?? close.error ?? cancel.error ?? undoClose.error;
  const status = live.status;
  const now = useServerNow(view.serverNow);
  const undoLeftMs = view.closeUndoUntil ? new Date(view.closeUndoUntil).getTime() - now : 0;
  const undoable = status === 'closed' && undoLeftMs > 0;
  return (
    <main data-page="merchant-relay">
      <p>
        <Link href={`/m/${merchantId}/relays`}>{t('back')}</Link>
      </p>
      <div className="rl-head">
        <div>
          <h1>{view.title}</h1>
          <p className="rl-meta">
            {view.communityName} · {t('delivery', { date: day(view.deliveryDate, locale) })}
          </p>
        </div>
        <RelayStatusChip status={status} />
      </div>
      <Countdown relay={{ ...view, status, closedAt: live.closedAt }} serverNow={view.serverNow} />
      {view.outcomeReason && status === 'draft' && (
        <p className="rl-notice" data-tone="warn">
          {t('notOpened', { reason: view.outcomeReason })}
        </p>
      )}
      {status === 'cancelled' && (
        <p className="rl-notice" data-tone="bad">
          {t('cancelledBecause', { reason: view.outcomeReason ?? '' })}
        </p>
      )}
      {undoable ? (
        <section className="rl-notice" data-tone="warn" data-testid="close-undo">
          <p style={{ margin: 0 }}>{t('closedUndoable', { time: minSec(undoLeftMs, locale) })}</p>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => undoClose.mutate(ref)}
            style={{ marginTop: 8 }}
          >
            {undoClose.isPending ? t('working') : t('undoClose')}
          </button>
        </section>
      ) : (
        status === 'closed' && (
          <p className="rl-notice" data-tone="warn">
            {t('closedWaiting')}
          </p>
        )
      )}
      {status === 'open' && undoClose.isSuccess && (
        <p className="rl-notice" role="status">
          {t('undone')}
        </p>
      )}

      <section className="card">
        <Progress progress={live.progress} status={live.status} />
        <dl className="rl-money">
          <div>
            <dt>{t('paidMoney')}</dt>
            <dd>{yuan(view.money.paidFen)}</dd>
          </div>
          <div>
            <dt>{t('pendingMoney')}</dt>
            <dd>{yuan(view.money.pendingFen)}</dd>
          </div>
          <div>
            <dt>{t('refundedMoney')}</dt>
            <dd>{yuan(view.money.refundedFen)}</dd>
          </div>
        </dl>
      </section>

      <section className="card" aria-labelledby="stock-h">
        <h2 id="stock-h">{t('stock')}</h2>
        <ul className="rl-items">
          {live.items.map((i) => (
            <li key={i.id} className="rl-item">
              <div>
                <div className="rl-item-name">{i.name}</div>
                <div className="rl-item-sub">
                  {yuan(i.unitPriceFen)}/{i.unit}
                  {i.perHouseholdLimit !== null && ` · ${t('limit', { limit: i.perHouseholdLimit })}`}
                </div>
              </div>
              <strong>
                {i.stockCap === null
                  ? t('soldNoCap', { sold: i.sold })
                  : t('soldOfCap', { sold: i.sold, cap: i.stockCap })}
              </strong>
            </li>
          ))}
        </ul>
      </section>

      {error && (
        <p className="rl-notice" data-tone="bad" role="alert">
          {errorMessage(error)}
        </p>
      )}
      {closing && status === 'open' && view.closePreview ? (
        <CloseConfirm
          preview={view.closePreview}
          busy={busy}
          working={close.isPending}
          onKeep={() => setClosing(false)}
          onConfirm={() => close.mutate(ref)}
        />
      ) : cancelling ? (
        <section className="card">
          <label htmlFor="cancel-reason">{t('cancelReason')}</label>
          <textarea
            id="cancel-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            rows={2}
            maxLength={500}
          />
          <p className="rl-meta">{t('cancelWarning')}</p>
          <div className="rl-actions">
            <button type="button" onClick={() => setCancelling(false)} disabled={busy}>
              {t('keep')}
            </button>
            <button
              type="button"
              className="primary"
              disabled={busy || !reason.trim()}
              onClick={() => cancel.mutate({ ...ref, reason })}
            >
              {cancel.isPending ? t('working') : t('cancelConfirm')}
            </button>
          </div>
        </section>
      ) : (
        <div className="rl-actions">
          {status === 'draft' && (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => open.mutate(ref)}
              data-testid="open-now"
            >
              {open.isPending ? t('working') : t('openNow')}
            </button>
          )}
          {status === 'open' && (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => {
                close.reset();
                setClosing(true);
              }}
              data-testid="close-now"
            >
              {t('closeNow')}
            </button>
          )}
          {(status === 'draft' || status === 'open' || status === 'closed') && (
            <button type="button" disabled={busy} onClick={() => setCancelling(true)}>
              {t('cancel')}
            </button>
          )}
          {(status === 'formed' ||
            status === 'dispatched' ||
            status === 'arrived' ||
            status === 'distributing' ||
            status === 'completed') && (
            <>
              <Link className="button primary" href={`/m/${merchantId}/relays/${view.id}/picklist`}>
                {t('pickList')}
              </Link>
              <Link
                className="button"
                href={`/m/${merchantId}/relays/${view.id}/delivery?c=${view.communityId}`}
              >
                {t('deliveryPage')}
              </Link>
            </>
          )}
        </div>
      )}

      {(status === 'open' || status === 'closed') && (
        <PaymentReminders communityId={view.communityId} relayId={view.id} merchantId={merchantId} />
      )}

      <RelayTalk communityId={view.communityId} relayId={view.id} merchantId={merchantId} />

      <section className="card" aria-labelledby="chain-h">
        <div className="rl-head">
          <h2 id="chain-h">{t('chain', { count: live.chain.filter((e) => e.active).length })}</h2>
          <LiveDot state={live.connection} />
        </div>
        <ChainList chain={live.chain} fresh={live.fresh} merchant />
      </section>
    </main>
  );
}

/** `2 分 05 秒` / `2 min 05 s`: a duration, never read as a clock time. */
function minSec(ms: number, locale: string): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(total / 60);
  const sec = String(total % 60).padStart(2, '0');
  return locale.startsWith('zh') ? `${m} 分 ${sec} 秒` : `${m} min ${sec} s`;
}

/** 提前截单 asks first: what closing now would do (成团 or 未成团, refunds), and that it can be undone. */
function CloseConfirm({
  preview,
  busy,
  working,
  onKeep,
  onConfirm,
}: {
  preview: NonNullable<View['closePreview']>;
  busy: boolean;
  working: boolean;
  onKeep: () => void;
  onConfirm: () => void;
}) {
  const t = useTranslations('relay.manage');
  const fails = preview.outcome === 'failed';
  return (
    <section
      className="card"
      role="alertdialog"
      aria-labelledby="close-ask-h"
      aria-describedby="close-ask-what"
      data-testid="close-confirm"
    >
      <h2 id="close-ask-h" style={{ marginTop: 0 }}>
        {t('closeAskTitle')}
      </h2>
      <p id="close-ask-what" className="rl-notice" data-tone={fails ? 'bad' : 'ok'}>
        {!fails
          ? t('closeWillForm', { paid: preview.paidOrders })
          : preview.refundOrders > 0
            ? t('closeWillFail', { paid: preview.paidOrders, refund: preview.refundOrders })
            : t('closeWillFailNone')}
      </p>
      {preview.pendingOrders > 0 && <p>{t('closePending', { count: preview.pendingOrders })}</p>}
      <p className="rl-meta">{t('closeUndoHint', { minutes: Math.round(CLOSE_UNDO_SECONDS / 60) })}</p>
      <div className="rl-actions">
        <button type="button" onClick={onKeep} disabled={busy} autoFocus>
          {t('closeKeep')}
        </button>
        <button
          type="button"
          className="primary"
          onClick={onConfirm}
          disabled={busy}
          data-testid="close-confirm-yes"
        >
          {working ? t('working') : t('closeConfirm')}
        </button>
      </div>
    </section>
  );
}
