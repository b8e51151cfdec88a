/**
 * Filling in a nav pattern's ids and telling the current tab: shared by the server (the bottom
 * nav's items, the coordinator home's links) and the browser (the tabs follow the URL), without
 * the item table or the icons (./nav-items.ts, ./icons.tsx), which stay on the server.
 */
export type NavParams = { communityId?: string; merchantId?: string };

/** The pattern with its ids filled in; null when an id it needs is unknown here. */
export function resolveHref(pattern: string, params: NavParams): string | null {
  let href = pattern;
  for (const key of ['communityId', 'merchantId'] as const) {
    if (!href.includes(`[${key}]`)) continue;
    const value = params[key];
    if (!value) return null;
    href = href.replace(`[${key}]`, value);
  }
  return href;
}

/** Whether a tab is the current page (a role's home only on its exact path, others on their subtree). */
export function isActive(exact: boolean | undefined, href: string, pathname: string): boolean {
  if (exact) return pathname === href;
  return pathname === href || pathname.startsWith(`${href}/`);
}
