import { ImageResponse } from 'next/og';
import type { Locale } from '@/app/i18n/config';
import { qrRuns } from '@/server/export/qr';
import { cjkFont } from '@/server/export/fonts';
import { SHARE_CARD_ITEMS, type ShareCardData } from '@/server/services/relay/get-relay-share-card';
import { yuan } from '@/server/services/shared/money';
import { formatInZone } from '@/server/services/shared/time';

const WIDTH = 750;
const ROW = 112;
/** Pixels per QR module: whole pixels keep the modules sharp for a phone's scanner. */
const QR_MODULE = 6;

const L = {
  'zh-CN': {
    cutoff: '截单',
    delivery: '送达',
    more: (n: number) => `等 ${n} 件商品`,
    households: (c: number, t: number) => `成团 ${c} / ${t} 户`,
    units: (c: number, t: number) => `成团 ${c} / ${t} 份`,
    none: (c: number) => `已接龙 ${c} 户`,
    scan: '扫码接龙',
  },
  en: {
    cutoff: 'Cutoff',
    delivery: 'Delivery',
    more: (n: number) => `and ${n} more`,
    households: (c: number, t: number) => `${c} / ${t} households to form`,
    units: (c: number, t: number) => `${c} / ${t} units to form`,
    none: (c: number) => `${c} households joined`,
    scan: 'Scan to join',
  },
} as const;

/** The QR code as an SVG data URL, one rect per dark run, with its 4-module quiet zone. */
function qrSvg(text: string): { src: string; side: number } {
  const { size, runs } = qrRuns(text);
  const n = size + 8;
  const rects = runs.map(([r, c, len]) => `<rect x="${c + 4}" y="${r + 4}" width="${len}" height="1"/>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" shape-rendering="crispEdges"><rect width="${n}" height="${n}" fill="#fff"/><g fill="#000">${rects.join('')}</g></svg>`;
  return { src: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, side: n * QR_MODULE };
}

let font: ArrayBuffer | null = null;
/** Noto Sans SC (the PDFs' font), unpacked once per process. */
function cardFont(): ArrayBuffer {
  if (!font) {
    const b = cjkFont();
    font = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
  return font;
}

function progressText(p: ShareCardData['relay']['progress'], l: (typeof L)[Locale]) {
  if (p.kind === 'none') return l.none(p.current);
  return p.kind === 'households' ? l.households(p.current, p.target) : l.units(p.current, p.target);
}

function Items({ data, l }: { data: ShareCardData; l: (typeof L)[Locale] }) {
  const items = data.relay.items;
  return (
    <div style={{ display: 'flex', flexDirection: 'column', marginTop: 16 }}>
      {items.slice(0, SHARE_CARD_ITEMS).map((i) => {
        const photo = data.photos.get(i.id);
        return (
          <div key={i.id} style={{ display: 'flex', alignItems: 'center', height: ROW }}>
            {photo ? (
              <img
                src={photo}
                width={96}
                height={96}
                style={{ borderRadius: 12, objectFit: 'cover' }}
                alt=""
              />
            ) : (
              <div style={{ width: 96, height: 96, borderRadius: 12, background: '#f0e6d8' }} />
            )}
            <div style={{ display: 'flex', flexDirection: 'column', marginLeft: 20, flex: 1 }}>
              <span style={{ fontSize: 32 }}>{i.name}</span>
              <span style={{ fontSize: 24, color: '#666' }}>{i.spec}</span>
            </div>
            <span style={{ fontSize: 32, color: '#c0392b' }}>
              {yuan(i.unitPriceFen)}/{i.unit}
            </span>
          </div>
        );
      })}
      {items.length > SHARE_CARD_ITEMS && (
        <span style={{ fontSize: 26, color: '#666' }}>{l.more(items.length)}</span>
      )}
    </div>
  );
}

/** The share card PNG: title, merchant, items with photos and prices, 成团 progress, cutoff, QR. */
export function shareCardImage(data: ShareCardData, url: string, locale: Locale): ImageResponse {
  const l = L[locale];
  const r = data.relay;
  const qr = qrSvg(url);
  const shownItems = Math.min(r.items.length, SHARE_CARD_ITEMS);
  const height = 300 + shownItems * ROW + (r.items.length > SHARE_CARD_ITEMS ? 40 : 0) + qr.side + 140;
  const fmt = locale === 'en' ? 'en-GB' : 'zh-CN';
  const cutoff = formatInZone(r.closesAt, fmt, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
  const delivery = formatInZone(`${r.deliveryDate}T12:00:00+08:00`, fmt, { month: 'short', day: 'numeric' });
  return new ImageResponse(
    <div
      style={{
        display: 'flex',
        flexDirection: 'column',
        width: '100%',
        height: '100%',
        padding: 40,
        background: '#fffaf2',
        fontFamily: 'Noto Sans SC',
        color: '#222',
      }}
    >
      <span style={{ fontSize: 44, fontWeight: 700 }}>{r.title}</span>
      <span style={{ fontSize: 30, color: '#555', marginTop: 8 }}>{r.merchantName}</span>
      <span style={{ fontSize: 28, marginTop: 16 }}>
        {`${l.cutoff} ${cutoff} · ${l.delivery} ${delivery}`}
      </span>
      <span style={{ fontSize: 30, marginTop: 8, color: '#1e7b45' }}>{progressText(r.progress, l)}</span>
      <Items data={data} l={l} />
      <div style={{ display: 'flex', flexDirection: 'column', alignItems: 'center', marginTop: 24 }}>
        <img src={qr.src} width={qr.side} height={qr.side} alt="" />
        <span style={{ fontSize: 28, marginTop: 8 }}>{l.scan}</span>
      </div>
    </div>,
    {
      width: WIDTH,
      height,
      fonts: [{ name: 'Noto Sans SC', data: cardFont(), weight: 400, style: 'normal' }],
      headers: { 'Cache-Control': 'private, max-age=60' },
    },
  );
}
