'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo, useState } from 'react';
import { errorField, useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import type { AppRouter } from '@/server/api/root';
import { dayTime, yuan } from '@/app/r/[communityId]/relays/_kit/format';
import { Progress, RelayStatusChip } from '@/app/r/[communityId]/relays/_kit/parts';

type Catalog = inferRouterOutputs<AppRouter>['relay']['catalog'];

/** The merchant's relays in every compound, and the form to start a new one. */
export function MerchantRelays({ merchantId }: { merchantId: string }) {
  const t = useTranslations('relay.merchant');
  const locale = useLocale();
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('relay');
  const list = useQuery(trpc.relay.listMine.queryOptions({ merchantId }, { refetchInterval: 30_000 }));
  const catalog = useQuery(trpc.relay.catalog.queryOptions({ merchantId }));
  const [creating, setCreating] = useState(false);
  return (
    <main data-page="merchant-relays">
      <div className="rl-head">
        <h1>{t('title')}</h1>
        {!creating && (
          <button type="button" className="primary" onClick={() => setCreating(true)} data-testid="new-relay">
            {t('new')}
          </button>
        )}
      </div>
      {creating && catalog.data && (
        <CreateRelayForm merchantId={merchantId} catalog={catalog.data} onCancel={() => setCreating(false)} />
      )}
      {creating && catalog.isError && <p className="error">{errorMessage(catalog.error)}</p>}
      {list.isPending && <p className="muted">{t('loading')}</p>}
      {list.isError && <p className="error">{errorMessage(list.error)}</p>}
      {list.data && list.data.length === 0 && !creating && <p className="card muted">{t('none')}</p>}
      {list.data?.map((r) => (
        <Link
          key={r.id}
          href={`/m/${merchantId}/relays/${r.id}`}
          className="card rl-card-link"
          data-testid="merchant-relay-card"
        >
          <div className="rl-head">
            <div>
              <strong>{r.title}</strong>
              <div className="rl-meta">
                {r.communityName} ·{' '}
                {t('window', { opens: dayTime(r.opensAt, locale), closes: dayTime(r.closesAt, locale) })}
              </div>
            </div>
            <RelayStatusChip status={r.status} />
          </div>
          <Progress progress={r.progress} status={r.status} />
          <p className="rl-meta">{t('counts', { orders: r.tally.orders, paid: r.tally.paidHouseholds })}</p>
        </Link>
      ))}
    </main>
  );
}

type Choice = { on: boolean; stockCap: string; limit: string };

function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function CreateRelayForm({
  merchantId,
  catalog,
  onCancel,
}: {
  merchantId: string;
  catalog: Catalog;
  onCancel: () => void;
}) {
  const t = useTranslations('relay.create');
  const router = useRouter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('relay');
  const start = useMemo(() => new Date(), []);
  const [communityId, setCommunityId] = useState(catalog.communities[0]?.id ?? '');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [kind, setKind] = useState<'none' | 'households' | 'units'>('households');
  const [value, setValue] = useState('30');
  const [opensAt, setOpensAt] = useState(localInput(start));
  const [closesAt, setClosesAt] = useState(localInput(new Date(start.getTime() + 3 * 3_600_000)));
  const [deliveryDate, setDeliveryDate] = useState(() =>
    localInput(new Date(start.getTime() + 86_400_000)).slice(0, 10),
  );
  const [openNow, setOpenNow] = useState(true);
  const [cashOnDelivery, setCashOnDelivery] = useState(false);
  const create = useMutation(
    trpc.relay.create.mutationOptions({
      onSuccess: (r) => {
        void queryClient.invalidateQueries({ queryKey: trpc.relay.pathKey() });
        router.push(`/m/${merchantId}/relays/${r.relayId}`);
      },
    }),
  );
  const num = (s: string) => (s.trim() === '' ? null : Number(s));
  const picked = catalog.products.filter((p) => choices[p.id]?.on);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    create.mutate({
      merchantId,
      communityId,
      title,
      description,
      items: picked.map((p) => ({
        productId: p.id,
        stockCap: num(choices[p.id]!.stockCap),
        perHouseholdLimit: num(choices[p.id]!.limit),
      })),
      threshold: { kind, value: kind === 'none' ? 0 : Number(value) },
      opensAt: new Date(opensAt),
      closesAt: new Date(closesAt),
      deliveryDate,
      openNow,
      cashOnDelivery,
    });
  };
  const field = errorField(create.error);
  const set = (id: string, patch: Partial<Choice>) =>
    setChoices((c) => ({ ...c, [id]: { on: false, stockCap: '', limit: '', ...c[id], ...patch } }));

  if (catalog.communities.length === 0)
    return (
      <p className="card rl-notice" data-tone="warn">
        {t('notAdmitted')}
      </p>
    );
  if (catalog.products.length === 0) {
    return (
      <p className="card rl-notice" data-tone="warn">
        {t('noProducts')} <Link href={`/m/${merchantId}/catalog`}>{t('toCatalog')}</Link>
      </p>
    );
  }
  return (
    <form
      className="card rl-form-grid"
      onSubmit={submit}
      aria-busy={create.isPending}
      data-testid="create-relay-form"
    >
      <h2>{t('title')}</h2>
      <label htmlFor="rl-community">{t('community')}</label>
      <select id="rl-community" value={communityId} onChange={(e) => setCommunityId(e.target.value)}>
        {catalog.communities.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <label htmlFor="rl-title">{t('name')}</label>
      <input
        id="rl-title"
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        placeholder={t('namePlaceholder')}
        aria-invalid={field === 'title'}
        required
        maxLength={100}
      />
      <label htmlFor="rl-desc">{t('description')}</label>
      <textarea
        id="rl-desc"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        rows={3}
        maxLength={2000}
      />

      <h3>{t('items')}</h3>
      <p className="rl-meta">{t('itemsHelp')}</p>
      {catalog.products.map((p) => {
        const c = choices[p.id];
        return (
          <div key={p.id} className="rl-product" data-on={String(!!c?.on)} data-product={p.name}>
            <label className="rl-check">
              <input
                type="checkbox"
                checked={!!c?.on}
                onChange={(e) => set(p.id, { on: e.target.checked })}
              />
              <span>
                {p.name} <span className="muted">{p.spec}</span> · {yuan(p.priceFen)}/{p.unit}
              </span>
            </label>
            {c?.on && (
              <div className="rl-two">
                <div>
                  <label htmlFor={`cap-${p.id}`}>{t('stockCap')}</label>
                  <input
                    id={`cap-${p.id}`}
                    inputMode="numeric"
                    value={c.stockCap}
                    placeholder={t('noCap')}
                    onChange={(e) => set(p.id, { stockCap: e.target.value })}
                  />
                </div>
                <div>
                  <label htmlFor={`limit-${p.id}`}>{t('limit')}</label>
                  <input
                    id={`limit-${p.id}`}
                    inputMode="numeric"
                    value={c.limit}
                    placeholder={t('noLimit')}
                    onChange={(e) => set(p.id, { limit: e.target.value })}
                  />
                </div>
              </div>
            )}
          </div>
        );
      })}

      <h3>{t('threshold')}</h3>
      <div className="rl-radio" role="group" aria-label={t('threshold')}>
        {(['households', 'units', 'none'] as const).map((k) => (
          <button key={k} type="button" aria-pressed={kind === k} onClick={() => setKind(k)}>
            {t(`thresholdKind.${k}`)}
          </button>
        ))}
      </div>
      {kind !== 'none' && (
        <>
          <label htmlFor="rl-threshold">{t(`thresholdValue.${kind}`)}</label>
          <input
            id="rl-threshold"
            inputMode="numeric"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={field?.startsWith('threshold')}
          />
        </>
      )}

      <label className="rl-check" style={{ display: 'flex', gap: 10, alignItems: 'center' }}>
        <input
          type="checkbox"
          checked={cashOnDelivery}
          onChange={(e) => setCashOnDelivery(e.target.checked)}
          style={{ width: 28, height: 28, minHeight: 0 }}
          data-testid="relay-cash-on-delivery"
        />
        {t('cashOnDelivery')}
      </label>
      <h3>{t('times')}</h3>
      <label className="rl-check" style={{ display: 'flex', gap: 10, alignItems: 'center' }}>
        <input
          type="checkbox"
          checked={openNow}
          onChange={(e) => setOpenNow(e.target.checked)}
          style={{ width: 28, height: 28, minHeight: 0 }}
        />
        {t('openNow')}
      </label>
      {!openNow && (
        <>
          <label htmlFor="rl-opens">{t('opensAt')}</label>
          <input
            id="rl-opens"
            type="datetime-local"
            value={opensAt}
            onChange={(e) => setOpensAt(e.target.value)}
          />
        </>
      )}
      <label htmlFor="rl-closes">{t('closesAt')}</label>
      <input
        id="rl-closes"
        type="datetime-local"
        value={closesAt}
        onChange={(e) => setClosesAt(e.target.value)}
        aria-invalid={field === 'closesAt'}
      />
      <label htmlFor="rl-delivery">{t('deliveryDate')}</label>
      <input
        id="rl-delivery"
        type="date"
        value={deliveryDate}
        onChange={(e) => setDeliveryDate(e.target.value)}
        aria-invalid={field === 'deliveryDate'}
      />

      {create.isError && (
        <p className="rl-notice" data-tone="bad" role="alert">
          {errorMessage(create.error)}
        </p>
      )}
      <div className="rl-actions">
        <button type="button" onClick={onCancel} disabled={create.isPending}>
          {t('back')}
        </button>
        <button
          type="submit"
          className="primary"
          disabled={create.isPending || picked.length === 0 || !title.trim()}
          data-testid="create-relay-submit"
        >
          {create.isPending ? t('creating') : openNow ? t('createAndOpen') : t('schedule')}
        </button>
      </div>
    </form>
  );
}
