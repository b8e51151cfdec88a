'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/** Re-renders the outbox every few seconds, so a new code shows up without a tap. */
export function AutoRefresh({ everyMs = 3000 }: { everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [router, everyMs]);
  return null;
}
