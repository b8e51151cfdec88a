'use client';
/**
 * Small display helpers shared by the distribution pages (gate, check-off, board, bag, merchant
 * delivery). Display only: every rule lives on the server.
 */
import { useEffect, useMemo, useState } from 'react';

const TZ = 'Asia/Shanghai';

/** HH:MM in the compound's time zone (the trucks come at night; a 24-hour clock avoids "AM/PM"). */
export function hhmm(d: Date | string | null | undefined): string {
  if (!d) return '';
  return new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(d));
}

/** "4月12日 22:05" / "12 Apr 22:05" */
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

export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

/** 5:07 or 1:02:03 */
export function countdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/**
 * The server's "now", ticking: the phone's clock may be minutes off, so countdowns run on the
 * offset between the server's time (sent with the data) and the phone's.
 */
export function useServerNow(serverNow: Date | string | undefined, tickMs = 1000): Date {
  const offset = useMemo(() => (serverNow ? new Date(serverNow).getTime() - Date.now() : 0), [serverNow]);
  const [now, setNow] = useState(() => new Date(Date.now() + offset));
  useEffect(() => {
    setNow(new Date(Date.now() + offset));
    const id = setInterval(() => setNow(new Date(Date.now() + offset)), tickMs);
    return () => clearInterval(id);
  }, [offset, tickMs]);
  return now;
}

/** "3号楼 2单元 201室" / "Bldg 3 · Unit 2 · Rm 201" */
export function placeLabel(
  t: (key: string, values?: Record<string, string | number>) => string,
  p: { building: string; stairwell: string; room?: string },
): string {
  return p.room != null
    ? t('place.room', { building: p.building, stairwell: p.stairwell, room: p.room })
    : t('place.stairwell', { building: p.building, stairwell: p.stairwell });
}
