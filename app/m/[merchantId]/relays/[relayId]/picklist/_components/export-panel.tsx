'use client';
import { useTranslations } from 'next-intl';
import { useRef, useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { downloadExport, formatBytes } from './download';

export type ExportTarget =
  | { kind: 'relay'; relayId: string; communityId: string }
  | { kind: 'delivery'; merchantId: string; deliveryDate: string; communityId: string };

type Item = { key: string; view: string; format: 'csv' | 'xlsx' | 'pdf'; label: string; primary?: boolean };

export function exportUrl(target: ExportTarget, view: string, format: string): string {
  const q = new URLSearchParams({ format, communityId: target.communityId });
  return target.kind === 'relay'
    ? `/api/export/relays/${target.relayId}/${view}?${q}`
    : `/api/export/deliveries/${target.merchantId}/${target.deliveryDate}/${view}?${q}`;
}

/** Export buttons; one download at a time, with a live byte count and a cancel button. */
export function ExportPanel({ target, volunteer }: { target: ExportTarget; volunteer: boolean }) {
  const t = useTranslations('picklist.export');
  const errorMessage = useErrorMessage('picklist');
  const [busy, setBusy] = useState<{ label: string; bytes: number } | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const abort = useRef<AbortController | null>(null);

  const items: Item[] = volunteer
    ? [
        { key: 'bags-pdf', view: 'bags', format: 'pdf', label: t('bagsPdf'), primary: true },
        { key: 'bags-csv', view: 'bags', format: 'csv', label: t('csvBags') },
      ]
    : [
        { key: 'labels', view: 'labels', format: 'pdf', label: t('labels'), primary: true },
        { key: 'sheet', view: 'all', format: 'pdf', label: t('sheet') },
        { key: 'xlsx', view: 'all', format: 'xlsx', label: t('xlsx') },
        { key: 'csv-totals', view: 'totals', format: 'csv', label: t('csvTotals') },
        { key: 'csv-bags', view: 'bags', format: 'csv', label: t('csvBags') },
        { key: 'csv-stairwells', view: 'stairwells', format: 'csv', label: t('csvStairwells') },
      ];

  async function run(item: Item) {
    const controller = new AbortController();
    abort.current = controller;
    setResult(null);
    setBusy({ label: item.label, bytes: 0 });
    try {
      const name = await downloadExport(exportUrl(target, item.view, item.format), {
        signal: controller.signal,
        onProgress: (bytes) => setBusy({ label: item.label, bytes }),
        fallbackName: `picklist-${item.view}.${item.format}`,
      });
      setResult({ ok: true, text: t('done', { name }) });
    } catch (e) {
      if (!controller.signal.aborted) setResult({ ok: false, text: errorMessage(e) ?? '' });
    } finally {
      setBusy(null);
      abort.current = null;
    }
  }

  return (
    <section className="card picklist-export" aria-labelledby="picklist-export-title">
      <h2 id="picklist-export-title">{t('title')}</h2>
      <div className="picklist-export-buttons">
        {items.map((item) => (
          <button
            key={item.key}
            type="button"
            className={item.primary ? 'primary' : undefined}
            disabled={busy !== null}
            onClick={() => void run(item)}
            data-export={item.key}
          >
            {item.label}
          </button>
        ))}
      </div>
      {busy && (
        <div className="picklist-progress" role="status" aria-live="polite">
          <progress aria-label={t('downloading', { what: busy.label })} />
          <span>
            {t('downloading', { what: busy.label })}{' '}
            {busy.bytes > 0 && t('received', { size: formatBytes(busy.bytes) })}
          </span>
          <button type="button" onClick={() => abort.current?.abort()}>
            {t('cancel')}
          </button>
        </div>
      )}
      {result && (
        <p className={result.ok ? 'picklist-ok' : 'error'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
      <p className="muted picklist-hint">{t('hint')}</p>
    </section>
  );
}
