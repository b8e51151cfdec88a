/**
 * Keeps a choice on this phone for a year (大字, the language, the board's filter): a cookie, so
 * the server renders the next page with it, not the script after it.
 */
export function keepOnThisPhone(name: string, value: string): void {
  document.cookie = `${name}=${value}; path=/; max-age=31536000; samesite=lax`;
}
