'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useRef } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { DEFAULT_TIME_ZONE } from '@/server/services/shared/time';

type Kind = 'self_test' | 'testing' | 'gate';

/**
 * Keeps a health page live: listens to the compound's health changes (SSE) and refetches the
 * page's health queries when one arrives, and on every (re)connect; bursts cost one refetch per
 * half second.
 */
export function useHealthLive(communityId: string, kinds: Kind[]): 'live' | 'connecting' | 'off' {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void queryClient.invalidateQueries({ queryKey: trpc.healthRounds.pathKey() });
    }, 500);
  };
  const sub = useSubscription(
    trpc.healthRounds.changes.subscriptionOptions({ communityId, kinds }, { onData: refresh }),
  );
  return sub.status === 'pending' ? 'live' : sub.status === 'connecting' ? 'connecting' : 'off';
}

/** 09:05 in the compound's zone (DEFAULT_TIME_ZONE). */
export function hhmm(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone: DEFAULT_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}
