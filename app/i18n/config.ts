export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';
export const LOCALE_COOKIE = 'NEXT_LOCALE';

/**
 * Message namespaces, one JSON file per domain and locale under `messages/<locale>/<ns>.json`,
 * so each domain edits its own file. Add a namespace here when you add its files.
 */
export const NAMESPACES = [
  'common',
  'auth',
  'shell',
  'roster',
  'merchant',
  'picklist',
  'distribution',
  'relay',
  'payment',
  'health',
  'care',
] as const;

export function toLocale(value: string | undefined | null): Locale {
  return value === 'en' ? 'en' : DEFAULT_LOCALE;
}

/** 大字: '1' when the page renders with the larger root size (app/_components/big-text-switch.tsx). */
export const BIG_TEXT_COOKIE = 'linli-big';
