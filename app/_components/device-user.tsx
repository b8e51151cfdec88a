'use client';
import { useEffect } from 'react';

/**
 * Tells this phone's service worker who is signed in (null on the sign-in page), so it keeps
 * offline copies per person and drops everyone else's (public/sw.js). Renders nothing.
 */
export function DeviceUser({ userId }: { userId: string | null }) {
  useEffect(() => {
    if (!('serviceWorker' in navigator)) return;
    const message = { type: 'user', userId };
    navigator.serviceWorker.controller?.postMessage(message);
    void navigator.serviceWorker.getRegistration().then((reg) => reg?.active?.postMessage(message));
  }, [userId]);
  return null;
}
