'use client';
/**
 * Shared phones forget (issue 11 item 10): what this browser keeps of the signed-in person — the
 * service worker's caches (check-off page and bag list) and the IndexedDB databases (the check-off
 * outbox and bag list) — is dropped at sign-out. The sign-out answer also carries
 * `Clear-Site-Data: "cache", "storage"` (server/auth/http.ts); this is the same, done by the page,
 * for browsers that ignore that header.
 */
export async function forgetThisDevice(): Promise<void> {
  const steps: Promise<unknown>[] = [];
  if (typeof caches !== 'undefined') {
    steps.push(
      caches
        .keys()
        .then((keys) => Promise.all(keys.filter((k) => k.startsWith('linli-')).map((k) => caches.delete(k)))),
    );
  }
  if (typeof indexedDB !== 'undefined' && 'databases' in indexedDB) {
    steps.push(
      indexedDB.databases().then((dbs) =>
        Promise.all(
          dbs
            .filter((d) => d.name?.startsWith('linli-'))
            .map(
              (d) =>
                new Promise<void>((resolve) => {
                  const req = indexedDB.deleteDatabase(d.name!);
                  req.onsuccess = req.onerror = req.onblocked = () => resolve();
                }),
            ),
        ),
      ),
    );
  }
  // The worker drops its per-person caches too, and forgets whom it was serving.
  navigator.serviceWorker?.controller?.postMessage({ type: 'user', userId: null });
  await Promise.allSettled(steps);
}
