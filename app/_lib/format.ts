/**
 * Display formatting shared by every page. Display only: prices, totals and times are the
 * server's; these only format what it sent, always in the compounds' time zone.
 */
import { DEFAULT_TIME_ZONE as TZ } from '@/server/services/shared/time';

export { yuan } from '@/server/services/shared/money';

/** "4月12日 20:00" / "12 Apr 20:00" */
export function dayTime(d: Date | string | null | undefined, locale: string): string {
  if (!d) return '';
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: TZ,
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(d));
}

/** A countdown: 5:07 or 1:02:03. */
export function countdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}
