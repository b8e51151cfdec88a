'use client';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useTRPC } from '@/app/_lib/trpc';
import { PaymentReminders } from '@/app/r/[communityId]/relays/_kit/payment-reminders';

/**
 * 催付 for the stairwell's volunteers (issue 13 item 13): the unpaid orders of their stairwells in
 * the compound's relays still taking payment, one card per relay with unpaid orders.
 */
export function UnpaidReminders({ communityId }: { communityId: string }) {
  const t = useTranslations('relay.remind');
  const trpc = useTRPC();
  const relays = useQuery(trpc.relay.list.queryOptions({ communityId }));
  const all = relays.data ? [...relays.data.open, ...relays.data.upcoming, ...relays.data.ended] : [];
  const paying = all.filter((r) => r.status === 'open' || r.status === 'closed');
  const lists = useQueries({
    queries: paying.map((r) => trpc.relay.unpaidOrders.queryOptions({ communityId, relayId: r.id })),
  });
  if (!relays.isSuccess || lists.some((l) => l.isPending)) return null;
  const withUnpaid = paying.filter((_, i) => (lists[i]?.data ?? []).length > 0);
  return (
    <section aria-labelledby="unpaid-h" data-testid="volunteer-unpaid">
      <h2 id="unpaid-h" className="roster-section-title">
        {t('volunteerTitle')}
      </h2>
      {withUnpaid.length === 0 ? (
        <p className="muted">{t('volunteerNone')}</p>
      ) : (
        <>
          <p className="muted">{t('volunteerHint')}</p>
          {withUnpaid.map((r) => (
            <PaymentReminders
              key={r.id}
              communityId={communityId}
              relayId={r.id}
              title={`${r.title} · ${r.merchantName}`}
              hideWhenEmpty
            />
          ))}
        </>
      )}
    </section>
  );
}
