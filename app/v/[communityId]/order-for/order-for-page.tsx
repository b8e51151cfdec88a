'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import { day, yuan } from '@/app/r/[communityId]/relays/_kit/format';
import { OrderForm, type Joined } from '@/app/r/[communityId]/relays/_kit/order-form';
import { Countdown } from '@/app/r/[communityId]/relays/_kit/parts';

/**
 * 代下单: a volunteer orders for a household of their stairwells — usually an elderly neighbour
 * without a smartphone. Care households come first and are marked: their bag goes to the door.
 * The order is recorded as placed by the volunteer, and the household sees it as theirs.
 */
export function OrderForPage({ communityId }: { communityId: string }) {
  const t = useTranslations('relay.orderFor');
  const locale = useLocale();
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('relay');
  const relays = useQuery(trpc.relay.list.queryOptions({ communityId }));
  const [relayId, setRelayId] = useState<string | null>(null);
  const [householdId, setHouseholdId] = useState<string | null>(null);
  const [placed, setPlaced] = useState<(Joined & { where: string }) | null>(null);
  const open = relays.data?.open ?? [];
  const current = relayId ?? open[0]?.id ?? null;
  const households = useQuery(
    trpc.relay.orderForHouseholds.queryOptions(
      { communityId, relayId: current ?? undefined },
      { enabled: !!current },
    ),
  );
  const relay = useQuery(
    trpc.relay.get.queryOptions({ communityId, relayId: current ?? '' }, { enabled: !!current }),
  );
  const chosen = households.data?.households.find((h) => h.householdId === householdId) ?? null;

  return (
    <main data-page="order-for">
      <h1>{t('title')}</h1>
      <p className="rl-meta">{t('intro')}</p>
      {relays.isPending && <p className="muted">{t('loading')}</p>}
      {relays.isError && <p className="error">{errorMessage(relays.error)}</p>}
      {relays.data && open.length === 0 && <p className="card muted">{t('noOpen')}</p>}
      {open.length > 1 && (
        <section className="card">
          <h2>{t('chooseRelay')}</h2>
          <div className="rl-pick">
            {open.map((r) => (
              <button
                key={r.id}
                type="button"
                aria-pressed={r.id === current}
                onClick={() => {
                  setRelayId(r.id);
                  setHouseholdId(null);
                  setPlaced(null);
                }}
              >
                <span>{r.title}</span>
                <span className="muted">{r.merchantName}</span>
              </button>
            ))}
          </div>
        </section>
      )}
      {relay.data && (
        <section className="card">
          <strong>{relay.data.title}</strong>
          <p className="rl-meta">
            {relay.data.merchantName} · {t('delivery', { date: day(relay.data.deliveryDate, locale) })}
          </p>
          <Countdown relay={relay.data} serverNow={relay.data.serverNow} />
        </section>
      )}
      {placed && (
        <div className="rl-notice" data-tone="ok" role="status" data-testid="order-for-done">
          {t('placed', { seq: placed.seq, where: placed.where, amount: yuan(placed.totalFen) })}{' '}
          <Link href={`/pay/${placed.orderId}?c=${communityId}`}>{t('payNow')}</Link>
        </div>
      )}
      {current && (
        <section className="card" aria-labelledby="hh-h">
          <h2 id="hh-h">{t('chooseHousehold')}</h2>
          {households.isPending && <p className="muted">{t('loading')}</p>}
          {households.isError && <p className="error">{errorMessage(households.error)}</p>}
          {households.data && households.data.stairwellCount === 0 && (
            <p className="muted">{t('noStairwells')}</p>
          )}
          <div className="rl-pick" data-testid="household-pick">
            {households.data?.households.map((h) => (
              <button
                key={h.householdId}
                type="button"
                aria-pressed={h.householdId === householdId}
                data-care={String(h.care)}
                data-room={`${h.building}-${h.stairwell}-${h.room}`}
                onClick={() => {
                  setHouseholdId(h.householdId);
                  setPlaced(null);
                }}
              >
                <span>
                  <strong>
                    {t('household', { building: h.building, stairwell: h.stairwell, room: h.room })}
                  </strong>{' '}
                  <span className="muted">{h.residents.join(' ')}</span>
                  {h.liveOrders.length > 0 && (
                    <span className="muted">
                      {' '}
                      · {t('hasOrders', { seqs: h.liveOrders.map((s) => `#${s}`).join(' ') })}
                    </span>
                  )}
                </span>
                {h.care && <span className="rl-care">{h.doorDelivery ? t('careDoor') : t('care')}</span>}
              </button>
            ))}
          </div>
        </section>
      )}
      {chosen && relay.data && (
        <section className="card" aria-labelledby="form-h">
          <h2 id="form-h">
            {t('orderFor', { building: chosen.building, stairwell: chosen.stairwell, room: chosen.room })}
          </h2>
          {chosen.care && <p className="rl-care">{t('careNote')}</p>}
          <OrderForm
            key={chosen.householdId}
            communityId={communityId}
            relayId={relay.data.id}
            householdId={chosen.householdId}
            items={relay.data.items.map((i) => ({ ...i, mine: chosen.itemTotals[i.id] ?? 0 }))}
            submitLabel={t('submit')}
            onJoined={(o) => {
              setPlaced({
                ...o,
                where: t('household', {
                  building: chosen.building,
                  stairwell: chosen.stairwell,
                  room: chosen.room,
                }),
              });
              setHouseholdId(null);
              void households.refetch();
              void relay.refetch();
            }}
          />
        </section>
      )}
    </main>
  );
}
