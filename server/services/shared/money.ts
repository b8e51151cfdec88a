/**
 * Money: stored as integer fen, shown as yuan with two decimals (docs/ARCHITECTURE.md, "Money").
 * One formatter for the whole app; pure and dependency-free, so the browser imports it too.
 */

/** The largest price a product may have: ¥100,000.00. */
export const MAX_PRICE_FEN = 10_000_000;

// Built once: constructing an Intl formatter is costly, and every display of a price uses it.
// An integer fen amount divided by 100 is within far less than half a fen of the exact decimal,
// so rounding to two digits gives the exact yuan string.
const YUAN = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  useGrouping: false,
});

/** 1250 → `12.50`, -120 → `-1.20` (exports, messages and form fields). */
export function fenToYuan(fen: number): string {
  const whole = Math.trunc(fen);
  return YUAN.format(whole === 0 ? 0 : whole / 100);
}

/** 1250 → `¥12.50`, -120 → `-¥1.20` (what people read). */
export function yuan(fen: number): string {
  const s = fenToYuan(fen);
  return s.startsWith('-') ? `-¥${s.slice(1)}` : `¥${s}`;
}

/**
 * `12.5` → 1250 fen, exactly: the digits are read as a string, never through a float
 * (0.1 + 0.2 is not 0.3 in binary). Null for anything that is not a yuan amount with at most
 * two decimals, or is out of range.
 */
export function yuanToFen(input: string): number | null {
  const s = input
    .normalize('NFKC')
    .trim()
    .replace(/^[¥￥]\s*/, '')
    .replace(/,/g, '');
  const m = /^(\d{1,6})(?:\.(\d{0,2}))?$/.exec(s) ?? /^()\.(\d{1,2})$/.exec(s);
  if (!m) return null;
  const fen = Number(m[1] || '0') * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return fen <= MAX_PRICE_FEN ? fen : null;
}
