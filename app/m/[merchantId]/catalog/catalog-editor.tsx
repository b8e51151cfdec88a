'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import type { AppRouter } from '@/server/api/root';
import { yuan } from '@/app/m/_onboarding/format';
import { UploadField } from '@/app/m/_onboarding/upload-field';
import { yuanToFen } from '@/server/services/shared/money';

type Product = inferRouterOutputs<AppRouter>['merchant']['products'][number];
type Draft = { name: string; spec: string; unit: string; price: string; category: string };
type TrpcLikeError = { message?: string; data?: { field?: string | null; appCode?: string | null } | null };

const EMPTY: Draft = { name: '', spec: '', unit: '', price: '', category: '' };

export function CatalogEditor({ merchantId }: { merchantId: string }) {
  const t = useTranslations('merchant.catalog');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('merchant');
  const list = useQuery(trpc.merchant.products.queryOptions({ merchantId }));
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.merchant.products.queryKey({ merchantId }) });
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const products = list.data ?? [];
  return (
    <>
      <h1>{t('title')}</h1>
      {list.error && (
        <div role="alert" className="card">
          <p className="error">{errorMessage(list.error)}</p>
          <button type="button" onClick={() => void list.refetch()}>
            {tc('retry')}
          </button>
        </div>
      )}
      {list.isPending && <p className="muted">{tc('loading')}</p>}
      {list.isSuccess && (
        <p className="muted">
          {t('count', { count: products.length, active: products.filter((p) => p.active).length })}
        </p>
      )}
      {adding ? (
        <ProductForm
          merchantId={merchantId}
          initial={EMPTY}
          onCreated={(id) => {
            // Straight into editing the new product, where its photo can be added.
            setAdding(false);
            setEditing(id);
            void refresh();
          }}
          onDone={() => {
            setAdding(false);
            void refresh();
          }}
        />
      ) : (
        <button
          type="button"
          className="primary ob-big"
          onClick={() => setAdding(true)}
          data-action="add-product"
        >
          + {t('add')}
        </button>
      )}
      {list.isSuccess && products.length === 0 && !adding && <p className="card muted">{t('empty')}</p>}
      <ul className="ob-list" style={{ marginTop: 12 }}>
        {products.map((p) =>
          editing === p.id ? (
            <li key={p.id}>
              <ProductForm
                merchantId={merchantId}
                product={p}
                initial={{
                  name: p.name,
                  spec: p.spec,
                  unit: p.unit,
                  price: yuan(p.priceFen),
                  category: p.category,
                }}
                onDone={() => {
                  setEditing(null);
                  void refresh();
                }}
              />
            </li>
          ) : (
            <ProductRow
              key={p.id}
              merchantId={merchantId}
              product={p}
              onEdit={() => setEditing(p.id)}
              onChanged={() => void refresh()}
            />
          ),
        )}
      </ul>
    </>
  );
}

function ProductRow({
  merchantId,
  product: p,
  onEdit,
  onChanged,
}: {
  merchantId: string;
  product: Product;
  onEdit: () => void;
  onChanged: () => void;
}) {
  const t = useTranslations('merchant.catalog');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('merchant');
  const setActive = useMutation(trpc.merchant.setProductActive.mutationOptions({ onSuccess: onChanged }));
  const remove = useMutation(trpc.merchant.deleteProduct.mutationOptions({ onSuccess: onChanged }));
  const error = setActive.error ?? remove.error;
  return (
    <li className="card" style={{ margin: 0 }} data-product={p.name}>
      <div className={`ob-product${p.active ? '' : ' inactive'}`}>
        {p.photoUrl ? <img src={p.photoUrl} alt="" /> : <span className="ob-noimg" aria-hidden="true" />}
        <div style={{ flex: 1, minWidth: 0 }}>
          <strong>{p.name}</strong> {p.spec && <span className="muted">{p.spec}</span>}
          <div className="ob-price">{t('perUnit', { price: yuan(p.priceFen), unit: p.unit })}</div>
          <div className="muted">
            {p.category && `${p.category} · `}
            {p.active ? t('active') : t('inactive')}
            {p.inUse && ` · ${t('inUse')}`}
          </div>
        </div>
      </div>
      <div className="ob-inline">
        <button type="button" onClick={onEdit} data-action="edit-product">
          {t('edit')}
        </button>
        <button
          type="button"
          disabled={setActive.isPending}
          onClick={() => setActive.mutate({ merchantId, productId: p.id, active: !p.active })}
          data-action="toggle-product"
        >
          {p.active ? t('deactivate') : t('activate')}
        </button>
        {!p.inUse && (
          <button
            type="button"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(t('deleteConfirm', { name: p.name })))
                remove.mutate({ merchantId, productId: p.id });
            }}
            data-action="delete-product"
          >
            {t('delete')}
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="error">
          {errorMessage(error)}
        </p>
      )}
    </li>
  );
}

function ProductForm({
  merchantId,
  product,
  initial,
  onDone,
  onCreated,
}: {
  merchantId: string;
  product?: Product;
  initial: Draft;
  onDone: () => void;
  onCreated?: (productId: string) => void;
}) {
  const t = useTranslations('merchant.catalog');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('merchant');
  const [draft, setDraft] = useState<Draft>(initial);
  const [priceError, setPriceError] = useState<string | null>(null);
  const create = useMutation(
    trpc.merchant.createProduct.mutationOptions({
      onSuccess: (p) => (onCreated ? onCreated(p.id) : onDone()),
    }),
  );
  const update = useMutation(trpc.merchant.updateProduct.mutationOptions({ onSuccess: onDone }));
  const error = (create.error ?? update.error) as TrpcLikeError | null;
  const errorField = error?.data?.field ?? null;
  const busy = create.isPending || update.isPending;
  const ids = { name: useId(), spec: useId(), unit: useId(), price: useId(), category: useId() };
  const submit = () => {
    // Yuan typed, fen stored: converted from the digits, never through a float.
    const priceFen = yuanToFen(draft.price);
    if (priceFen === null) {
      setPriceError(t('priceInvalid'));
      return;
    }
    setPriceError(null);
    const fields = {
      name: draft.name,
      spec: draft.spec,
      unit: draft.unit,
      priceFen,
      category: draft.category,
    };
    if (product) update.mutate({ merchantId, productId: product.id, patch: fields });
    else create.mutate({ merchantId, ...fields });
  };
  const input = (key: keyof Draft, extra: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <div className="ob-field">
      <label htmlFor={ids[key]}>{t(key)}</label>
      <input
        id={ids[key]}
        name={key}
        value={draft[key]}
        onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))}
        aria-invalid={
          (key === 'price' ? !!priceError || errorField === 'priceFen' : errorField === key) || undefined
        }
        {...extra}
      />
      {key === 'price' && priceError && (
        <p role="alert" className="ob-field-error">
          {priceError}
        </p>
      )}
      {error && (key === 'price' ? errorField === 'priceFen' : errorField === key) && (
        <p role="alert" className="ob-field-error">
          {errorMessage(error)}
        </p>
      )}
    </div>
  );
  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      data-form="product"
    >
      {input('name', { required: true })}
      <div className="ob-two">
        {input('spec', { placeholder: t('specHint') })}
        {input('unit', { placeholder: t('unitHint'), required: true })}
      </div>
      <div className="ob-two">
        {input('price', { inputMode: 'decimal', placeholder: t('priceHint'), required: true })}
        {input('category', { placeholder: t('categoryHint') })}
      </div>
      {product && (
        <div className="ob-field">
          <span style={{ fontWeight: 600 }}>{t('photo')}</span>
          <UploadField
            url={`/api/merchant/products/${product.id}/photo`}
            fields={{ merchantId }}
            accept="image/jpeg,image/png,image/webp"
            imagesOnly
            fieldName="photo"
            onUploaded={() =>
              void queryClient.invalidateQueries({
                queryKey: trpc.merchant.products.queryKey({ merchantId }),
              })
            }
          />
        </div>
      )}
      {error && !['name', 'unit', 'spec', 'category', 'priceFen'].includes(errorField ?? '') && (
        <p role="alert" className="error">
          {errorMessage(error)}
        </p>
      )}
      <div className="ob-inline">
        <button type="button" onClick={onDone} disabled={busy}>
          {t('cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy} data-action="save-product">
          {t('save')}
        </button>
      </div>
    </form>
  );
}
