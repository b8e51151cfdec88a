/*
 * Linli's service worker: keeps the volunteers' check-off page usable without network.
 * - Next's build assets (/_next/static/…, content-hashed, immutable): cache first.
 * - The check-off page itself (navigations to /v/<compound>/checkoff): network first, the last
 *   good copy when offline.
 * - The check-off bag list (GET /api/trpc/…distribution.checkoffBags…): network first, the last good
 *   answer when offline. (The page also keeps its own copy in IndexedDB.)
 * Everything else goes straight to the network: no other page is served stale.
 * Check-offs made offline are queued by the page in IndexedDB and synced when the network returns.
 */
const VERSION = 'linli-sw-v1';
const STATIC_CACHE = `${VERSION}-static`;
const PAGE_CACHE = `${VERSION}-pages`;
const DATA_CACHE = `${VERSION}-data`;

self.addEventListener('install', (event) => {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keys = await caches.keys();
      await Promise.all(keys.filter((k) => k.startsWith('linli-sw-') && !k.startsWith(VERSION)).map((k) => caches.delete(k)));
      await self.clients.claim();
    })(),
  );
});

/** The page asks us to keep the assets it was built from, so a cold offline start still renders. */
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'precache' && Array.isArray(data.urls)) {
    event.waitUntil(
      (async () => {
        // The page that registered us was loaded before we controlled it: keep a copy now.
        if (typeof data.page === 'string' && isCheckoffPage(new URL(data.page, self.location.origin))) {
          try {
            const res = await fetch(data.page, { credentials: 'same-origin' });
            if (res.ok) await (await caches.open(PAGE_CACHE)).put(self.location.origin + data.page, res);
          } catch {
            /* offline already: next visit */
          }
        }
        const cache = await caches.open(STATIC_CACHE);
        await Promise.all(
          data.urls
            .filter((u) => typeof u === 'string' && u.startsWith('/_next/static/'))
            .map(async (u) => {
              if (await cache.match(u)) return;
              try {
                const res = await fetch(u, { credentials: 'same-origin' });
                if (res.ok) await cache.put(u, res);
              } catch {
                /* offline: next time */
              }
            }),
        );
      })(),
    );
  }
});

function isCheckoffPage(url) {
  return /^\/v\/[^/]+\/checkoff\/?$/.test(url.pathname);
}

function isCheckoffData(url) {
  return url.pathname.startsWith('/api/trpc/') && url.pathname.includes('distribution.checkoffBags');
}

async function cacheFirst(request) {
  const cache = await caches.open(STATIC_CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) cache.put(request, res.clone());
  return res;
}

async function networkFirst(request, cacheName, key) {
  const cache = await caches.open(cacheName);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(key || request, res.clone());
    return res;
  } catch (err) {
    const hit = await cache.match(key || request);
    if (hit) return hit;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/_next/static/')) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (request.mode === 'navigate' && isCheckoffPage(url)) {
    // One copy per compound page, whatever the query string.
    event.respondWith(networkFirst(request, PAGE_CACHE, url.origin + url.pathname));
    return;
  }
  if (isCheckoffData(url)) {
    event.respondWith(networkFirst(request, DATA_CACHE));
  }
});
