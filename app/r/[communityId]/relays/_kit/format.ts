'use client';
/**
 * Display helpers of the relay pages. Display only: prices, totals, limits and masking are the
 * server's; these only format what it sent.
 */
import { useEffect, useState } from 'react';

import { DEFAULT_TIME_ZONE as TZ } from '@/server/services/shared/time';

export { yuan, dayTime, countdown as clock } from '@/app/_lib/format';

/** Time left to pay as whole minutes and seconds ("剩 14 分 57 秒"), never a clock-like "14:57". */
export function minSec(ms: number): { min: number; sec: number } {
  const s = Math.max(0, Math.floor(ms / 1000));
  return { min: Math.floor(s / 60), sec: s % 60 };
}

/** "4月12日 周二" for a YYYY-MM-DD day. */
export function day(iso: string, locale: string): string {
  const d = new Date(`${iso}T12:00:00+08:00`);
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: TZ,
    month: 'short',
    day: 'numeric',
    weekday: 'short',
  }).format(d);
}

/**
 * The server's clock on this phone: `serverNow` from the last response, moved on by the local
 * clock. Countdowns use it, so a phone whose own clock is wrong still shows the real cutoff.
 */
export function useServerNow(serverNow: Date | string | undefined, everyMs = 1000): number {
  const [offset] = useState(() => (serverNow ? new Date(serverNow).getTime() - Date.now() : 0));
  const [now, setNow] = useState(() => Date.now() + offset);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now() + offset), everyMs);
    return () => clearInterval(t);
  }, [offset, everyMs]);
  return now;
}

/** One per form submission: a retried or double-tapped submit carries the same one. */
export function newIdempotencyKey(prefix: string): string {
  const rnd =
    typeof crypto !== 'undefined' && 'randomUUID' in crypto
      ? crypto.randomUUID()
      : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `${prefix}-${rnd}`;
}
