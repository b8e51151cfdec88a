'use client';
import { useSubscription } from '@trpc/tanstack-react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import type { AppRouter } from '@/server/api/root';

type Outputs = inferRouterOutputs<AppRouter>;
export type RelayView = Outputs['relay']['get'];
export type ChainEntry = RelayView['chain'][number];
export type RelayItem = RelayView['items'][number];

type Live = {
  version: number;
  chain: Map<number, ChainEntry>;
  items: Map<string, { sold: number; remaining: number | null }>;
  progress: RelayView['progress'];
  status: RelayView['status'];
  closedAt: Date | null;
  /** Entries that arrived live, to flash them once. */
  fresh: Set<number>;
};

function fromView(
  v: Pick<RelayView, 'version' | 'chain' | 'items' | 'progress' | 'status' | 'closedAt'>,
): Live {
  return {
    version: v.version,
    chain: new Map(v.chain.map((e) => [e.seq, e])),
    items: new Map(v.items.map((i) => [i.id, { sold: i.sold, remaining: i.remaining }])),
    progress: v.progress,
    status: v.status,
    closedAt: v.closedAt,
    fresh: new Set(),
  };
}

export type LiveSource = { kind: 'member'; communityId: string } | { kind: 'merchant'; merchantId: string };

/**
 * The relay page's live state: starts from the loaded view and merges each update of the chain
 * subscription (SSE) into it, by 接龙号. The subscription resumes from the last version it saw
 * (tracked events), so a phone that drops off and reconnects misses nothing; a refetched view that
 * is newer simply replaces the state.
 */
export function useRelayLive(source: LiveSource, relayId: string, view: RelayView) {
  const trpc = useTRPC();
  const [live, setLive] = useState<Live>(() => fromView(view));
  // The version to resume from is fixed at mount: changing the input would restart the stream.
  const startVersion = useRef(String(view.version));
  useEffect(() => {
    setLive((cur) => (view.version >= cur.version ? { ...fromView(view), fresh: cur.fresh } : cur));
  }, [view]);

  const onData = ({ data: update }: { data: ChainUpdate }) => {
    setLive((cur) => {
      if (update.version <= cur.version) return cur;
      const chain = new Map(cur.chain);
      const fresh = new Set<number>();
      for (const e of update.entries) {
        if (!chain.has(e.seq)) fresh.add(e.seq);
        chain.set(e.seq, e);
      }
      return {
        version: update.version,
        chain,
        items: new Map(update.items.map((i) => [i.id, { sold: i.sold, remaining: i.remaining }])),
        progress: update.progress,
        status: update.status,
        closedAt: update.closedAt,
        fresh,
      };
    });
  };

  const memberSub = useSubscription(
    trpc.relay.onChange.subscriptionOptions(
      {
        communityId: source.kind === 'member' ? source.communityId : '00000000-0000-0000-0000-000000000000',
        relayId,
        lastEventId: startVersion.current,
      },
      { enabled: source.kind === 'member', onData },
    ),
  );
  const merchantSub = useSubscription(
    trpc.relay.onChangeForMerchant.subscriptionOptions(
      {
        merchantId: source.kind === 'merchant' ? source.merchantId : '00000000-0000-0000-0000-000000000000',
        relayId,
        lastEventId: startVersion.current,
      },
      { enabled: source.kind === 'merchant', onData },
    ),
  );
  const sub = source.kind === 'member' ? memberSub : merchantSub;
  const connection: 'live' | 'connecting' | 'off' =
    sub.status === 'pending'
      ? 'live'
      : sub.status === 'connecting' || sub.status === 'idle'
        ? 'connecting'
        : 'off';

  const chain = useMemo(() => [...live.chain.values()].sort((a, b) => b.seq - a.seq), [live.chain]);
  const items = useMemo(
    () => view.items.map((i) => ({ ...i, ...(live.items.get(i.id) ?? {}) })),
    [view.items, live.items],
  );
  return {
    chain,
    items,
    progress: live.progress,
    status: live.status,
    closedAt: live.closedAt,
    fresh: live.fresh,
    connection,
    version: live.version,
  };
}

type ChainUpdate = {
  version: number;
  entries: ChainEntry[];
  items: { id: string; sold: number; remaining: number | null }[];
  progress: RelayView['progress'];
  status: RelayView['status'];
  closedAt: Date | null;
};
