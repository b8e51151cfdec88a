/*
 * Linli's service worker: keeps the volunteers' check-off page usable without network.
 * - Next's build assets (/_next/static/…, content-hashed, immutable): cache first.
 * - The check-off page itself (navigations to /v/<compound>/checkoff): network first, the last
 *   good copy when offline.
 * - The check-off bag list (GET /api/trpc/…distribution.checkoffBags…): network first, the last good
 *   answer when offline. (The page also keeps its own copy in IndexedDB.)
 * Everything else goes straight to the network: no other page is served stale.
 * Check-offs made offline are queued by the page in IndexedDB and synced when the network returns.
 *
 * Shared phones (issue 11 item 10): the page and data caches are per person. Every signed-in page
 * tells the worker who is signed in ({ type: 'user', userId }), the sign-in page and sign-out say
 * nobody (userId null). The worker keeps that in its own small cache (it survives the worker being
 * stopped), drops every other person's copies when the person changes, and serves an offline copy
 * only from the current person's caches: another person or a signed-out visitor never gets one.
 */
const VERSION = 'linli-sw-v2';
const STATIC_CACHE = `${VERSION}-static`;
const META_CACHE = `${VERSION}-meta`;
const USER_KEY = '/__linli/sw-user';
const USER_ID = /^[0-9a-f-]{36}$/;

let currentUser; // undefined: not read yet; null: nobody signed in
async function getUser() {
  if (currentUser !== undefined) return currentUser;
  const hit = await (await caches.open(META_CACHE)).match(USER_KEY);
  const id = hit ? await hit.text() : '';
  currentUser = USER_ID.test(id) ? id : null;
  return currentUser;
}

async function setUser(userId) {
  const next = typeof userId === 'string' && USER_ID.test(userId) ? userId : null;
  currentUser = next;
  const meta = await caches.open(META_CACHE);
  if (next) await meta.put(USER_KEY, new Response(next));
  else await meta.delete(USER_KEY);
  // Nobody else's copies stay on the phone.
  const keep = next ? [pageCache(next), dataCache(next)] : [];
  const keys = await caches.keys();
  await Promise.all(
    keys
      .filter((k) => (k.startsWith(`${VERSION}-pages-`) || k.startsWith(`${VERSION}-data-`)) && !keep.includes(k))
      .map((k) => caches.delete(k)),
  );
}

const pageCache = (userId) => `${VERSION}-pages-${userId}`;
const dataCache = (userId) => `${VERSION}-data-${userId}`;

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
  if (data.type === 'user') {
    event.waitUntil(setUser(data.userId));
    return;
  }
  if (data.type === 'precache' && Array.isArray(data.urls)) {
    event.waitUntil(
      (async () => {
        // The page that registered us was loaded before we controlled it: keep a copy now.
        if (data.userId !== undefined && data.userId !== (await getUser())) await setUser(data.userId);
        const user = await getUser();
        if (user && typeof data.page === 'string' && isCheckoffPage(new URL(data.page, self.location.origin))) {
          try {
            const res = await fetch(data.page, { credentials: 'same-origin' });
            if (res.ok && !res.redirected)
              await (await caches.open(pageCache(user))).put(self.location.origin + data.page, res);
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

/** Network first; the last good copy of the signed-in person (and only theirs) when offline. */
async function networkFirst(request, cacheOf, key) {
  const user = await getUser();
  try {
    const res = await fetch(request);
    // A redirect (to the sign-in page) is nobody's copy of this page.
    if (user && res.ok && !res.redirected) await (await caches.open(cacheOf(user))).put(key || request, res.clone());
    return res;
  } catch (err) {
    if (!user) throw err;
    const hit = await (await caches.open(cacheOf(user))).match(key || request);
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
    event.respondWith(networkFirst(request, pageCache, url.origin + url.pathname));
    return;
  }
  if (isCheckoffData(url)) {
    event.respondWith(networkFirst(request, dataCache));
  }
});
