'use client';
import { useQuery } from '@tanstack/react-query';
import { useFormatter, useTranslations } from 'next-intl';
import { useMemo, useState } from 'react';
import { yuan } from '@/app/_lib/format';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import type { Bag, PickList } from '@/server/services/picklist/types';
import { ExportPanel, type ExportTarget } from './export-panel';
import './picklist.css';

export type PickListMode = 'merchant' | 'coordinator' | 'volunteer';
type Tab = 'totals' | 'stairwells' | 'bags';

/**
 * One relay's pick list (or, for the merchant and coordinators, the whole delivery day): figures,
 * exports, totals per product, per-stairwell counts and the bags in route order. Read live from
 * the server and refreshed every two minutes (and on return to the page), so cancellations and shortfalls show without a reload.
 */
export function PickListView({
  mode,
  relayId,
  merchantId,
  communityId,
}: {
  mode: PickListMode;
  relayId: string;
  merchantId?: string;
  communityId?: string;
}) {
  const t = useTranslations('picklist');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('picklist');
  const [scope, setScope] = useState<'relay' | 'day'>('relay');
  const relay = useQuery({
    ...trpc.picklist.relay.queryOptions({ relayId, merchantId, communityId }),
    refetchInterval: 120_000,
  });
  const head = relay.data;
  const day = useQuery({
    ...trpc.picklist.delivery.queryOptions({
      communityId: head?.communityId ?? '',
      merchantId: head?.merchantId ?? '',
      deliveryDate: head?.deliveryDate ?? '',
    }),
    enabled: scope === 'day' && !!head,
    refetchInterval: 120_000,
  });
  const current = scope === 'day' ? day : relay;
  const pl = current.data;

  if (relay.isPending)
    return (
      <main className="picklist">
        <p className="muted" role="status">
          {t('title')} …
        </p>
      </main>
    );
  if (relay.isError) {
    return (
      <main className="picklist">
        <h1>{t('title')}</h1>
        <p className="card error" role="alert">
          {errorMessage(relay.error)}
        </p>
        <button type="button" onClick={() => void relay.refetch()}>
          {t('refresh')}
        </button>
      </main>
    );
  }
  return (
    <main className="picklist" data-page="picklist">
      <Header
        pl={pl ?? head!}
        scope={scope}
        fetching={current.isFetching}
        onRefresh={() => void current.refetch()}
      />
      {mode !== 'volunteer' && (
        <div className="shell-segmented picklist-scope" role="group" aria-label={t('title')}>
          {(['relay', 'day'] as const).map((s) => (
            <button key={s} type="button" aria-pressed={scope === s} onClick={() => setScope(s)}>
              {t(`scope.${s}`)}
            </button>
          ))}
        </div>
      )}
      {current.isError && (
        <p className="card error" role="alert">
          {errorMessage(current.error)}
        </p>
      )}
      {pl && <Body pl={pl} mode={mode} target={targetOf(pl, scope)} />}
      {!pl && current.isPending && (
        <p className="muted" role="status">
          …
        </p>
      )}
    </main>
  );
}

function targetOf(pl: PickList, scope: 'relay' | 'day'): ExportTarget {
  return scope === 'day'
    ? {
        kind: 'delivery',
        merchantId: pl.merchantId,
        deliveryDate: pl.deliveryDate,
        communityId: pl.communityId,
      }
    : { kind: 'relay', relayId: pl.relays[0]!.id, communityId: pl.communityId };
}

function Header({
  pl,
  scope,
  fetching,
  onRefresh,
}: {
  pl: PickList;
  scope: 'relay' | 'day';
  fetching: boolean;
  onRefresh: () => void;
}) {
  const t = useTranslations('picklist');
  const format = useFormatter();
  const relay = pl.relays[0]!;
  return (
    <header className="picklist-header">
      <p className="muted picklist-kicker">
        {t('title')} · {pl.merchantName}
      </p>
      <h1>{scope === 'day' ? t('dayTitle', { date: pl.deliveryDate }) : relay.title}</h1>
      <p className="picklist-meta">
        {scope === 'relay' && (
          <span className="picklist-chip">
            {t.has(`status.${relay.status}`) ? t(`status.${relay.status}`) : relay.status}
          </span>
        )}
        <span>{t('deliveryDate', { date: pl.deliveryDate })}</span>
        <span className="muted">
          {t('updatedAt', { time: format.dateTime(pl.generatedAt, { hour: '2-digit', minute: '2-digit' }) })}
        </span>
        <button
          type="button"
          className="picklist-refresh"
          onClick={onRefresh}
          aria-busy={fetching}
          disabled={fetching}
        >
          {t('refresh')}
        </button>
      </p>
    </header>
  );
}

function Body({ pl, mode, target }: { pl: PickList; mode: PickListMode; target: ExportTarget }) {
  const t = useTranslations('picklist');
  const [tab, setTab] = useState<Tab>(mode === 'volunteer' ? 'bags' : 'totals');
  const tabs: Tab[] = mode === 'volunteer' ? ['bags', 'stairwells'] : ['totals', 'stairwells', 'bags'];
  return (
    <>
      {pl.pendingRelays > 0 && (
        <p className="card picklist-note">{t('pending', { count: pl.pendingRelays })}</p>
      )}
      {pl.viewer === 'volunteer' && <p className="muted">{t('volunteerScope')}</p>}
      <dl className="shell-figures picklist-figures">
        <div className="card">
          <dt>{t('figures.bags')}</dt>
          <dd data-figure="bags">{pl.grand.bags}</dd>
        </div>
        <div className="card">
          <dt>{t('figures.households')}</dt>
          <dd>{pl.grand.households}</dd>
        </div>
        <div className="card">
          <dt>{t('figures.items')}</dt>
          <dd>{pl.grand.deliverQty}</dd>
        </div>
        {pl.grand.amountFen !== null && (
          <div className="card">
            <dt>{t('figures.amount')}</dt>
            <dd>{yuan(pl.grand.amountFen)}</dd>
          </div>
        )}
      </dl>
      <ExportPanel target={target} volunteer={pl.viewer === 'volunteer'} />
      <div className="shell-segmented picklist-tabs" role="tablist">
        {tabs.map((k) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} onClick={() => setTab(k)}>
            {t(`tabs.${k}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'totals' && <Totals pl={pl} />}
        {tab === 'stairwells' && <Stairwells pl={pl} />}
        {tab === 'bags' && <Bags pl={pl} />}
      </div>
    </>
  );
}

function Totals({ pl }: { pl: PickList }) {
  const t = useTranslations('picklist.totals');
  const totals = pl.totals ?? [];
  if (totals.length === 0) return <p className="card">{t('empty')}</p>;
  // 份 and 盒 do not add up: the grand total is one sum per unit, in the order units first appear.
  const perUnit = pl.grand.deliverPerUnit;
  return (
    <ul className="picklist-list" data-list="totals">
      {totals.map((x) => (
        <li key={`${x.productId}-${x.name}-${x.spec}`} className="card picklist-total">
          <div>
            <strong>{x.name}</strong> <span className="muted">{x.spec}</span>
            <p className="muted picklist-sub">
              {t('ordered', { count: x.orderedQty })}
              {x.shortQty > 0 && (
                <span className="picklist-short"> · {t('short', { count: x.shortQty })}</span>
              )}
              {' · '}
              {t('bags', { count: x.bags })} · {yuan(x.amountFen)}
              {x.refundedFen > 0 && ` · ${t('refunded', { amount: yuan(x.refundedFen) })}`}
            </p>
          </div>
          <div className="picklist-qty" aria-label={t('toDeliver')}>
            {x.deliverQty}
            <small>{x.unit}</small>
          </div>
        </li>
      ))}
      <li className="card picklist-total picklist-grand">
        <strong>{t('total')}</strong>
        <div className="picklist-qty" data-testid="grand-per-unit">
          {perUnit.map(({ unit, qty }, i) => (
            <span key={unit}>
              {i > 0 && ' · '}
              {qty}
              <small>{unit}</small>
            </span>
          ))}
        </div>
      </li>
    </ul>
  );
}

function Stairwells({ pl }: { pl: PickList }) {
  const t = useTranslations('picklist.stairwells');
  if (pl.stairwells.length === 0) return <p className="card">{t('empty')}</p>;
  return (
    <ul className="picklist-list" data-list="stairwells">
      {pl.stairwells.map((s) => (
        <li key={s.stairwellId} className="card picklist-stairwell">
          <strong>{t('name', { building: s.buildingNumber, stairwell: s.stairwellNumber })}</strong>
          <span>{t('line', { households: s.households, bags: s.bags, items: s.items })}</span>
          {s.doorDelivery > 0 && (
            <span className="picklist-door">{t('door', { count: s.doorDelivery })}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

function matches(b: Bag, q: string): boolean {
  const s = q.trim().replace(/^#/, '');
  if (!s) return true;
  return (
    b.room.includes(s) ||
    String(b.seq) === s ||
    b.maskedName.startsWith(s) ||
    `${b.buildingNumber}-${b.stairwellNumber}-${b.room}`.includes(s)
  );
}

/**
 * A stairwell's bags, folded. Closed groups render no rows, so a 1,500-bag list stays light on a
 * phone; the summary (first child) is always shown.
 */
function Group({
  defaultOpen,
  children,
}: {
  defaultOpen: boolean;
  children: [React.ReactNode, React.ReactNode];
}) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <details className="picklist-group" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      {children[0]}
      {open && children[1]}
    </details>
  );
}

function Bags({ pl }: { pl: PickList }) {
  const t = useTranslations('picklist');
  const [q, setQ] = useState('');
  const [allOpen, setAllOpen] = useState<boolean | null>(null);
  const multi = pl.relays.length > 1;
  const relayTitle = useMemo(() => new Map(pl.relays.map((r) => [r.id, r.title])), [pl.relays]);
  const groups = useMemo(() => {
    const by = new Map<string, Bag[]>();
    for (const b of pl.bags) {
      if (!matches(b, q)) continue;
      const list = by.get(b.stairwellId) ?? [];
      list.push(b);
      by.set(b.stairwellId, list);
    }
    return pl.stairwells
      .filter((s) => by.has(s.stairwellId))
      .map((s) => ({ s, bags: by.get(s.stairwellId)! }));
  }, [pl, q]);
  if (pl.bags.length === 0) return <p className="card">{t('bags.empty')}</p>;
  const openByDefault = q.trim() !== '' || groups.length <= 2;
  return (
    <section data-list="bags">
      <label htmlFor="picklist-search" className="picklist-search-label">
        {t('bags.searchLabel')}
      </label>
      <input
        id="picklist-search"
        type="search"
        inputMode="search"
        placeholder={t('bags.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <p>
        <button type="button" onClick={() => setAllOpen(!(allOpen ?? openByDefault))}>
          {(allOpen ?? openByDefault) ? t('bags.collapse') : t('bags.expand')}
        </button>
      </p>
      {groups.length === 0 && <p className="card">{t('bags.none')}</p>}
      {groups.map(({ s, bags }) => (
        <Group key={`${s.stairwellId}-${String(allOpen)}`} defaultOpen={allOpen ?? openByDefault}>
          <summary>
            <strong>
              {t('stairwells.name', { building: s.buildingNumber, stairwell: s.stairwellNumber })}
            </strong>
            <span className="muted">
              {' '}
              · {t('stairwells.line', { households: s.households, bags: s.bags, items: s.items })}
            </span>
          </summary>
          <ol className="picklist-bags">
            {bags.map((b) => (
              <li
                key={b.orderId}
                className={b.doorDelivery ? 'picklist-bag door' : 'picklist-bag'}
                data-bag={b.seq}
              >
                <div className="picklist-bag-head">
                  <span className="picklist-seq">{t('bags.seq', { seq: b.seq })}</span>
                  <strong>{t('bags.room', { room: b.room })}</strong>
                  <span>{b.maskedName}</span>
                  {b.phone ? (
                    <a href={`tel:${b.phone}`}>{t('bags.tail', { digits: b.phoneLast4 ?? '' })}</a>
                  ) : (
                    b.phoneLast4 && <span className="muted">{t('bags.tail', { digits: b.phoneLast4 })}</span>
                  )}
                  {b.doorDelivery && <span className="picklist-door">{t('bags.door')}</span>}
                  {b.onBehalf && <span className="picklist-chip">{t('bags.onBehalf')}</span>}
                  {b.cashOnDelivery && <span className="picklist-chip">{t('bags.cash')}</span>}
                  {b.paidBy && (
                    <span className="picklist-chip" data-testid="bag-paid-by">
                      {t('bags.paidBy', { name: b.paidBy })}
                    </span>
                  )}
                </div>
                <ul className="picklist-lines">
                  {b.lines.map((l) => (
                    <li key={l.productId + l.name}>
                      {l.name} {l.spec && <span className="muted">{l.spec}</span>}{' '}
                      <strong>×{l.deliverQty}</strong>
                      {l.deliverQty !== l.qty && (
                        <span className="picklist-short">
                          {' '}
                          ({t('bags.short')} {l.qty - l.deliverQty})
                        </span>
                      )}
                    </li>
                  ))}
                </ul>
                {(multi || b.note) && (
                  <p className="muted picklist-sub">
                    {[multi ? relayTitle.get(b.relayId) : '', b.note].filter(Boolean).join(' · ')}
                  </p>
                )}
              </li>
            ))}
          </ol>
        </Group>
      ))}
    </section>
  );
}
