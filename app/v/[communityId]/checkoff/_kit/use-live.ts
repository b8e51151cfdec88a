'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useRef } from 'react';
import { useTRPC } from '@/app/_lib/trpc';

/**
 * Keeps a distribution page live: subscribes to the compound's changes (SSE; LISTEN/NOTIFY behind
 * it) and refetches the page's distribution queries when one arrives — also on every (re)connect,
 * so nothing that happened while the phone was away is missed. Refetches are coalesced: a burst of
 * check-offs costs one refetch per half second, not one per bag.
 */
export function useDistributionLive(communityId: string | null | undefined): 'live' | 'connecting' | 'off' {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void queryClient.invalidateQueries({ queryKey: trpc.distribution.pathKey() });
    }, 500);
  };
  const sub = useSubscription(
    trpc.distribution.changes.subscriptionOptions(
      { communityId: communityId ?? '00000000-0000-0000-0000-000000000000' },
      { enabled: !!communityId, onData: refresh },
    ),
  );
  if (!communityId) return 'off';
  return sub.status === 'pending' ? 'live' : sub.status === 'connecting' ? 'connecting' : 'off';
}
