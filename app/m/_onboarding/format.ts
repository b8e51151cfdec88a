import { formatInZone } from '@/server/services/shared/time';
/** Display helpers shared by the merchant pages (pure; no business rules). */

/** 1250 → "12.50" */
export { fenToYuan as yuan } from '@/server/services/shared/money';

/** A timestamp as a short local date-time in Shanghai. */
export function dateTime(value: Date | string | null | undefined, locale: string): string {
  if (!value) return '';
  return formatInZone(value, locale, {
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function fileSize(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
