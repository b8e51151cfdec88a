import type { ExportFormat, ExportKind } from '@/server/services/picklist/rules';
import type { PickList } from '@/server/services/picklist/types';
import { csvStream } from './csv';
import { labelsStream } from './pdf-labels';
import { pickSheetStream } from './pdf-sheet';
import { tablesFor } from './tables';
import { exportText, type ExportLocale } from './text';
import { xlsxStream } from './xlsx';

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

type RenderedExport = { stream: ReadableStream<Uint8Array>; contentType: string; filename: string };

/** `拣货单-保供套餐第1期-2022-04-12-bags.csv`, without characters file systems refuse. */
function exportFilename(pl: PickList, view: ExportKind, format: ExportFormat, locale: ExportLocale): string {
  const t = exportText(locale);
  const what = pl.kind === 'relay' ? pl.relays[0]!.title : pl.merchantName;
  const base = `${view === 'labels' ? t.labels : t.pickList}-${what}-${pl.deliveryDate}-${view}`;
  const safe = Array.from(base, (ch) => (ch.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(ch) ? '_' : ch)).join(
    '',
  );
  return `${safe.slice(0, 120)}.${format}`;
}

/** Renders an already-checked export (see `preparePickListExport`) as a byte stream. */
export function renderExport(
  pl: PickList,
  view: ExportKind,
  format: ExportFormat,
  locale: ExportLocale,
): RenderedExport {
  const t = exportText(locale);
  const filename = exportFilename(pl, view, format, locale);
  const contentType = CONTENT_TYPES[format];
  if (view === 'labels') return { stream: labelsStream(pl, t), contentType, filename };
  if (format === 'pdf') {
    const sections = view === 'all' ? (['totals', 'stairwells', 'bags'] as const) : ([view] as const);
    return { stream: pickSheetStream(pl, [...sections], t), contentType, filename };
  }
  const tables = tablesFor(pl, view, t);
  if (format === 'csv') return { stream: csvStream(tables[0]!), contentType, filename };
  return {
    stream: xlsxStream(tables, {
      title: `${t.pickList} ${pl.merchantName} ${pl.deliveryDate}`,
      creator: 'Linli 邻里',
    }),
    contentType,
    filename,
  };
}
