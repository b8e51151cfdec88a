'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useMemo, useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import { newIdempotencyKey, yuan } from './format';
import { Stepper } from './parts';
import { SameAsLast } from './same-as-last';
import type { RelayItem } from './use-relay-live';

export type Joined = { orderId: string; seq: number; totalFen: number; status: string };

/**
 * Choose quantities and join. The total shown is arithmetic on the server's prices and is sent
 * as `expectedTotalFen`, which the server only compares (it charges its own sum). One idempotency
 * key per submission: a double tap or a network retry of the same submission makes one order;
 * changing the quantities afterwards starts a new submission.
 */
export function OrderForm({
  communityId,
  relayId,
  householdId,
  items,
  onJoined,
  submitLabel,
  sameAsLast,
}: {
  communityId: string;
  relayId: string;
  householdId: string;
  items: (RelayItem & { remaining: number | null })[];
  onJoined: (order: Joined) => void;
  submitLabel?: string;
  /** Offer 跟上次一样 (the resident's own household only). */
  sameAsLast?: boolean;
}) {
  const t = useTranslations('relay.form');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('relay');
  const [qty, setQty] = useState<Record<string, number>>({});
  const [key, setKey] = useState(() => newIdempotencyKey('join'));
  const join = useMutation(
    trpc.relay.join.mutationOptions({
      // Safe to retry: the same key returns the first order.
      retry: (count, error) => count < 2 && !(error as { data?: { appCode?: string | null } }).data?.appCode,
      onSuccess: (res) => {
        setQty({});
        setKey(newIdempotencyKey('join'));
        void queryClient.invalidateQueries({ queryKey: trpc.relay.pathKey() });
        onJoined(res.order);
      },
    }),
  );
  /** Sold out and limits name the item, with what is left (from the error's details). */
  const itemMessage = (error: unknown): string | null => {
    const data = (error as { data?: { appCode?: string | null; details?: Record<string, unknown> | null } })
      .data;
    const d = data?.details;
    if (!d || typeof d.itemName !== 'string') return null;
    if (data?.appCode === 'RELAY_SOLD_OUT') {
      const left = Number(d.remaining ?? 0);
      return left > 0
        ? t('soldOutLeft', { name: d.itemName, remaining: left })
        : t('soldOutItem', { name: d.itemName });
    }
    if (data?.appCode === 'RELAY_HOUSEHOLD_LIMIT') {
      return t('limitItem', {
        name: d.itemName,
        limit: Number(d.limit ?? 0),
        already: Number(d.already ?? 0),
      });
    }
    return null;
  };
  const set = (id: string, v: number) => {
    setQty((q) => ({ ...q, [id]: v }));
    if (join.isError) join.reset();
    setKey(newIdempotencyKey('join'));
  };
  const lines = useMemo(
    () =>
      items
        .filter((i) => (qty[i.id] ?? 0) > 0)
        .map((i) => ({ relayItemId: i.id, qty: qty[i.id]!, unitPriceFen: i.unitPriceFen })),
    [items, qty],
  );
  const total = lines.reduce((s, l) => s + l.qty * l.unitPriceFen, 0);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (join.isPending || lines.length === 0) return;
    join.mutate({
      communityId,
      relayId,
      householdId,
      lines: lines.map((l) => ({ relayItemId: l.relayItemId, qty: l.qty })),
      idempotencyKey: key,
      expectedTotalFen: total,
    });
  };
  return (
    <form onSubmit={submit} aria-busy={join.isPending} data-testid="order-form">
      {sameAsLast && (
        <SameAsLast
          communityId={communityId}
          relayId={relayId}
          householdId={householdId}
          items={items}
          disabled={join.isPending}
          onFill={(q) => {
            setQty(q);
            if (join.isError) join.reset();
            setKey(newIdempotencyKey('join'));
          }}
        />
      )}
      <ul className="rl-items">
        {items.map((i) => {
          const leftForMe = i.perHouseholdLimit === null ? null : Math.max(0, i.perHouseholdLimit - i.mine);
          const max = [i.remaining, leftForMe]
            .filter((x): x is number => x !== null)
            .reduce((a, b) => Math.min(a, b), Infinity);
          const soldOut = i.remaining === 0;
          return (
            <li key={i.id} className="rl-item" data-soldout={String(soldOut)} data-item={i.name}>
              <div className="rl-item-main">
                {i.photoUrl && <img className="rl-item-photo" src={i.photoUrl} alt="" loading="lazy" />}
                <div>
                  <div className="rl-item-name">{i.name}</div>
                  <div className="rl-item-sub">
                    {i.spec && `${i.spec} · `}
                    <span className="rl-item-price">
                      {yuan(i.unitPriceFen)}/{i.unit}
                    </span>
                  </div>
                  <div className="rl-item-sub">
                    {i.remaining === null ? (
                      t('unlimited')
                    ) : soldOut ? (
                      <strong>{t('soldOut')}</strong>
                    ) : (
                      t('remaining', { count: i.remaining })
                    )}
                    {i.perHouseholdLimit !== null &&
                      ` · ${t('limit', { limit: i.perHouseholdLimit, mine: i.mine })}`}
                  </div>
                </div>
              </div>
              <Stepper
                label={i.name}
                value={qty[i.id] ?? 0}
                max={max === Infinity ? null : max}
                disabled={join.isPending || soldOut || leftForMe === 0}
                onChange={(v) => set(i.id, v)}
              />
            </li>
          );
        })}
      </ul>
      <div className="rl-total">
        <span>{t('total')}</span>
        <strong data-testid="order-total">{yuan(total)}</strong>
      </div>
      {join.isError && (
        <p className="rl-notice" data-tone="bad" role="alert" data-testid="join-error">
          {itemMessage(join.error) ?? errorMessage(join.error)}
        </p>
      )}
      <button
        type="submit"
        className="primary rl-submit"
        disabled={join.isPending || lines.length === 0}
        data-testid="join-submit"
      >
        {join.isPending ? t('submitting') : (submitLabel ?? t('submit'))}
      </button>
      <p className="rl-meta">{t('payNote')}</p>
    </form>
  );
}
