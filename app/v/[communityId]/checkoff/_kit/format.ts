'use client';
/**
 * Small display helpers shared by the distribution pages (gate, check-off, board, bag, merchant
 * delivery). Display only: every rule lives on the server.
 */
import { useEffect, useMemo, useState } from 'react';

import { DEFAULT_TIME_ZONE as TZ } from '@/server/services/shared/time';

export { yuan, dayTime, countdown } from '@/app/_lib/format';

/** HH:MM in the compound's time zone (the trucks come at night; a 24-hour clock avoids "AM/PM"). */
export function hhmm(d: Date | string | null | undefined): string {
  if (!d) return '';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: TZ,
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(d));
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

const PRESET_AGENTS = ['含氯消毒剂', '75% 酒精', '过氧乙酸'];

/**
 * A disinfectant as recorded (the audit keeps the words the volunteer chose), shown in the reader's
 * language when it is one of the gate's presets; anything typed is shown as typed.
 */
export function agentName(t: (key: string) => string, agent: string | null | undefined): string {
  if (!agent) return '';
  return PRESET_AGENTS.includes(agent) ? t(`agents.${agent}`) : agent;
}
