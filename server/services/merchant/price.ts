/** Prices: yuan typed, integer fen stored. Pure and dependency-free (the catalog editor uses it in the browser). */

/** The largest price a product may have: ¥100,000.00. */
export const MAX_PRICE_FEN = 10_000_000;

/**
 * "12.5" → 1250 fen, exactly: the digits are read as a string, never through a float
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

/** 1250 → "12.50" */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
