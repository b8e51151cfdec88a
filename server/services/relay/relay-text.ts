/**
 * 复制接龙文字: a relay as plain text in the classic group-chat 接龙 form, to paste into a WeChat
 * group — header (title, merchant, cutoff, delivery), the items with prices, 成团 progress, then
 * the numbered chain (接龙号, masked place and name) and the link. Pure: the relay page builds it
 * in the browser from what the server sent; others' names and rooms go through the privacy module
 * again, so the text never holds more than the page shows.
 */
import { yuan } from '@/server/services/shared/money';
import { maskedPlace, maskName } from '@/server/services/shared/privacy';
import { formatInZone, localDateTime } from '@/server/services/shared/time';

type TextItem = { name: string; spec: string; unit: string; unitPriceFen: number };
type TextEntry = {
  seq: number;
  active: boolean;
  building: string;
  stairwell: string;
  roomMasked: string;
  nameMasked: string;
  lines: { name: string; qty: number }[];
};
export type RelayTextSource = {
  title: string;
  merchantName: string;
  closesAt: Date | string;
  deliveryDate: string;
  items: TextItem[];
  progress: { kind: 'none' | 'households' | 'units'; current: number; target: number };
  chain: TextEntry[];
};

const LABELS = {
  'zh-CN': {
    colon: '：',
    cutoff: '截单',
    delivery: '送达',
    items: '商品',
    households: (c: number, t: number) => `成团：${c} / ${t} 户`,
    units: (c: number, t: number) => `成团：${c} / ${t} 份`,
    none: (c: number) => `已接龙：${c} 户`,
    chain: '接龙',
    next: '（打开链接接龙）',
  },
  en: {
    colon: ': ',
    cutoff: 'Cutoff',
    delivery: 'Delivery',
    items: 'Items',
    households: (c: number, t: number) => `Group forms at: ${c} / ${t} households`,
    units: (c: number, t: number) => `Group forms at: ${c} / ${t} units`,
    none: (c: number) => `Joined: ${c} households`,
    chain: 'Chain',
    next: '(open the link to join)',
  },
} as const;

function progressLine(p: RelayTextSource['progress'], l: (typeof LABELS)[keyof typeof LABELS]) {
  if (p.kind === 'none') return l.none(p.current);
  return p.kind === 'households' ? l.households(p.current, p.target) : l.units(p.current, p.target);
}

/** The text, one line per entry, in 接龙号 order; withdrawn entries are left out. */
export function relayText(relay: RelayTextSource, url: string, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  const l = LABELS[locale];
  const day = formatInZone(`${relay.deliveryDate}T12:00:00+08:00`, locale === 'en' ? 'en-GB' : 'zh-CN', {
    month: 'short',
    day: 'numeric',
    weekday: 'short',
  });
  const out = [
    `#${l.chain} ${relay.title}`,
    `${relay.merchantName}`,
    `${l.cutoff}${l.colon}${localDateTime(relay.closesAt)}  ${l.delivery}${l.colon}${day}`,
    progressLine(relay.progress, l),
    '',
    `${l.items}${l.colon}`,
    ...relay.items.map(
      (i, n) => `${n + 1}. ${i.name}${i.spec ? ` ${i.spec}` : ''} ${yuan(i.unitPriceFen)}/${i.unit}`,
    ),
    '',
    `${l.chain}${l.colon}`,
  ];
  const entries = relay.chain.filter((e) => e.active).sort((a, b) => a.seq - b.seq);
  for (const e of entries) {
    const place = maskedPlace({ building: e.building, stairwell: e.stairwell, room: e.roomMasked }, locale);
    const what = e.lines.map((x) => `${x.name}×${x.qty}`).join(' ');
    out.push(`${e.seq}. ${place} ${maskName(e.nameMasked)} ${what}`.trimEnd());
  }
  out.push(`${Math.max(0, ...relay.chain.map((e) => e.seq)) + 1}. ${l.next}`, '', url);
  return out.join('\n');
}
