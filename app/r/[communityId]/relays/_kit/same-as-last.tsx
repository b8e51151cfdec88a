'use client';
import { useQuery } from '@tanstack/react-query';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import { day } from './format';
import type { RelayItem } from './use-relay-live';

type Item = RelayItem & { remaining: number | null };

/** The quantity the form can take for an item now: what is left and the household's limit. */
function capFor(item: Item): number {
  const leftForMe =
    item.perHouseholdLimit === null ? Infinity : Math.max(0, item.perHouseholdLimit - item.mine);
  return Math.min(item.remaining ?? Infinity, leftForMe);
}

/**
 * 跟上次一样 (issue 13 item 11): fills the join form from the household's last order of this
 * merchant. Items are matched by product; each quantity is capped to the stock left and the
 * household limit; items this relay does not offer (or that are sold out) are skipped, and a short
 * note says what changed. The form stays editable; nothing is ordered until the resident submits.
 */
export function SameAsLast({
  communityId,
  relayId,
  householdId,
  items,
  disabled,
  onFill,
}: {
  communityId: string;
  relayId: string;
  householdId: string;
  items: Item[];
  disabled: boolean;
  onFill: (qty: Record<string, number>) => void;
}) {
  const t = useTranslations('relay.sameAsLast');
  const locale = useLocale();
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('relay');
  const [asked, setAsked] = useState(false);
  const [notes, setNotes] = useState<string[] | null>(null);
  const last = useQuery({
    ...trpc.relay.lastOrder.queryOptions({ communityId, relayId, householdId }),
    enabled: false,
  });

  const fill = async () => {
    setAsked(true);
    setNotes(null);
    const res = await last.refetch();
    const order = res.data;
    if (!order) return;
    const qty: Record<string, number> = {};
    const out: string[] = [t('filled', { title: order.relayTitle, date: day(order.deliveryDate, locale) })];
    for (const line of order.lines) {
      const item = line.relayItemId ? items.find((i) => i.id === line.relayItemId) : undefined;
      if (!item) {
        out.push(t('notOffered', { name: line.name }));
        continue;
      }
      const cap = capFor(item) - (qty[item.id] ?? 0);
      if (cap <= 0) {
        out.push(t('soldOut', { name: item.name }));
        continue;
      }
      const n = Math.min(line.qty, cap);
      if (n < line.qty) out.push(t('capped', { name: item.name, was: line.qty, now: n }));
      qty[item.id] = (qty[item.id] ?? 0) + n;
    }
    setNotes(out);
    onFill(qty);
  };

  return (
    <div className="rl-same-as-last" data-testid="same-as-last">
      <button
        type="button"
        onClick={() => void fill()}
        disabled={disabled || last.isFetching}
        data-testid="same-as-last-button"
      >
        {last.isFetching ? t('loading') : t('button')}
      </button>
      {asked && !last.isFetching && last.isError && (
        <p className="error" role="alert">
          {errorMessage(last.error)}
        </p>
      )}
      {asked && !last.isFetching && last.isSuccess && last.data === null && (
        <p className="rl-meta" role="status">
          {t('none')}
        </p>
      )}
      {notes && (
        <div role="status" data-testid="same-as-last-notes">
          <ul className="rl-meta">
            {notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
