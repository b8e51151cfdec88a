'use client';
import { useEffect, useState } from 'react';

/** The meta tag the root layout writes with this page load's x-request-id (server/cli/serve.ts). */
export const REQUEST_ID_META = 'linli-request-id';

/** This page load's request id, read on the client from the root layout's meta tag. */
export function useRequestId(): string | null {
  const [id, setId] = useState<string | null>(null);
  useEffect(() => {
    setId(document.querySelector(`meta[name="${REQUEST_ID_META}"]`)?.getAttribute('content') || null);
  }, []);
  return id;
}
