'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import { DEFAULT_TIME_ZONE } from '@/server/services/shared/time';
import { yuan } from './format';

/** HH:MM in the compound's time zone, as every other time on these pages. */
const hhmm = (d: Date | string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: DEFAULT_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(d));

/** Re-render every `everyMs` so the cooldowns count down. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/**
 * 催付 (issue 13 item 13): a relay's unpaid orders, masked (building, stairwell, 2**室), each with
 * a 催付 button; after a reminder the button stays disabled and says how long until the next may
 * go (30 minutes per order, whoever sends it). The merchant passes `merchantId` and sees every
 * unpaid order of its relay; a volunteer passes none and sees those of its own stairwells.
 * Renders nothing for a volunteer with no unpaid orders in the relay (`hideWhenEmpty`).
 */
export function PaymentReminders({
  communityId,
  relayId,
  merchantId,
  title,
  hideWhenEmpty,
}: {
  communityId: string;
  relayId: string;
  merchantId?: string;
  title?: string;
  hideWhenEmpty?: boolean;
}) {
  const t = useTranslations('relay.remind');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('relay');
  const input = { communityId, relayId, ...(merchantId ? { merchantId } : {}) };
  const list = useQuery(trpc.relay.unpaidOrders.queryOptions(input, { refetchInterval: 30_000 }));
  const [sent, setSent] = useState<number | null>(null);
  const remind = useMutation(
    trpc.relay.remindPayment.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.relay.unpaidOrders.pathKey() }),
    }),
  );
  const now = useNow(15_000);
  const orders = list.data ?? [];
  if (hideWhenEmpty && orders.length === 0) return null;
  const headingId = `remind-h-${relayId}`;
  return (
    <section className="card" aria-labelledby={headingId} data-testid="payment-reminders">
      <h2 id={headingId}>{title ?? t('title', { count: orders.length })}</h2>
      {list.isError && <p className="error">{errorMessage(list.error)}</p>}
      {list.isSuccess && orders.length === 0 && <p className="muted">{t('none')}</p>}
      {sent !== null && remind.isSuccess && (
        <p className="rl-notice" data-tone="ok" role="status">
          {t('sent', { seq: sent })}
        </p>
      )}
      {remind.isError && (
        <p className="rl-notice" data-tone="bad" role="alert">
          {errorMessage(remind.error)}
        </p>
      )}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {orders.map((o) => {
          const waitMs = o.nextReminderAt ? new Date(o.nextReminderAt).getTime() - now : 0;
          const cooling = waitMs > 0;
          const holdMin = o.holdUntil
            ? Math.max(0, Math.ceil((new Date(o.holdUntil).getTime() - now) / 60_000))
            : null;
          const busy = remind.isPending && remind.variables?.orderId === o.orderId;
          return (
            <li
              key={o.orderId}
              data-testid="unpaid-order"
              data-seq={o.seq}
              style={{
                display: 'flex',
                flexWrap: 'wrap',
                gap: 8,
                alignItems: 'center',
                justifyContent: 'space-between',
                padding: '8px 0',
              }}
            >
              <div>
                <strong>{t('order', { seq: o.seq, place: o.place, amount: yuan(o.totalFen) })}</strong>
                <div className="rl-meta">
                  {holdMin !== null && t('holdLeft', { min: holdMin })}
                  {o.lastRemindedAt && ` · ${t('lastAt', { time: hhmm(o.lastRemindedAt) })}`}
                </div>
              </div>
              <button
                type="button"
                className={cooling ? undefined : 'primary'}
                disabled={cooling || remind.isPending}
                data-testid="remind"
                onClick={() => {
                  setSent(o.seq);
                  remind.mutate({ communityId, orderId: o.orderId, ...(merchantId ? { merchantId } : {}) });
                }}
              >
                {busy
                  ? t('sending')
                  : cooling
                    ? t('cooldown', { min: Math.ceil(waitMs / 60_000) })
                    : t('button')}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
