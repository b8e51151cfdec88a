'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTRPC, useTRPCClient } from '@/app/_lib/trpc';
import { enqueue, listOutbox, removeFromOutbox, updateOutbox, type QueuedCheckoff } from './_kit/outbox';

function subscribeOnline(cb: () => void) {
  window.addEventListener('online', cb);
  window.addEventListener('offline', cb);
  return () => {
    window.removeEventListener('online', cb);
    window.removeEventListener('offline', cb);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribeOnline,
    () => navigator.onLine,
    () => true,
  );
}

type TrpcLikeError = { data?: { code?: string; appCode?: string | null } | null; message?: string };

/** A refusal the server will give again (the bag was handled, is not ours…) vs. a network hiccup worth retrying. */
function classify(e: unknown): { final: boolean; code: string | null; message: string } {
  const err = e as TrpcLikeError;
  const code = err?.data?.code;
  if (!code || code === 'INTERNAL_SERVER_ERROR' || code === 'TOO_MANY_REQUESTS' || code === 'UNAUTHORIZED') {
    return { final: false, code: null, message: err?.message ?? '' };
  }
  return { final: true, code: err.data?.appCode ?? code, message: err.message ?? '' };
}

const RETRY_MS = 10_000;

/**
 * The check-off outbox as React state: what is waiting, what the server refused, and the sync
 * loop — on start, after every new check-off, when the browser says it is online again, and every
 * 10 s while something waits. One loop at a time; the server's idempotency makes any overlap harmless.
 */
export function useCheckoffOutbox(communityId: string) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const online = useOnline();
  const [items, setItems] = useState<QueuedCheckoff[]>([]);
  const [syncing, setSyncing] = useState(false);
  const [lastSyncedAt, setLastSyncedAt] = useState<Date | null>(null);
  const running = useRef(false);

  const reload = useCallback(async () => {
    setItems(await listOutbox(communityId));
  }, [communityId]);

  /** One queued item to the server: a check-off, or the undo of one (撤销送达). */
  const send = useCallback(
    async (item: QueuedCheckoff) => {
      if (item.kind === 'undo') {
        await client.distribution.undoCheckOff.mutate({
          communityId: item.communityId,
          undoId: item.checkoffId,
          checkoffId: item.undoOf!,
          clientAt: new Date(item.clientAt),
        });
        return;
      }
      await client.distribution.checkOff.mutate({
        communityId: item.communityId,
        checkoffId: item.checkoffId,
        bagId: item.bagId,
        code: item.code,
        outcome: item.outcome,
        exceptionKind: item.exceptionKind,
        note: item.note,
        clientAt: new Date(item.clientAt),
        via: item.via,
        photoKey: item.photoKey ?? null,
        cashCollectedFen: item.cashCollectedFen ?? null,
      });
    },
    [client],
  );

  const sync = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    setSyncing(true);
    let changed = false;
    try {
      const queue = (await listOutbox(communityId)).filter((i) => i.state === 'queued');
      for (const item of queue) {
        try {
          await send(item);
          await removeFromOutbox(item.checkoffId);
          changed = true;
        } catch (e) {
          const c = classify(e);
          if (!c.final) {
            await updateOutbox(item.checkoffId, { attempts: item.attempts + 1 });
            break; // the network is down again: keep the order, try later
          }
          // Someone else already delivered it: nothing is lost, nothing to redo.
          if (c.code === 'BAG_ALREADY_DELIVERED' && item.outcome === 'delivered' && item.kind !== 'undo') {
            await removeFromOutbox(item.checkoffId);
          } else {
            await updateOutbox(item.checkoffId, {
              state: 'failed',
              error: c.message,
              errorCode: c.code,
              attempts: item.attempts + 1,
            });
          }
          changed = true;
        }
      }
      if (changed) {
        setLastSyncedAt(new Date());
        await queryClient.invalidateQueries({ queryKey: trpc.distribution.pathKey() });
      }
    } finally {
      running.current = false;
      setSyncing(false);
      await reload();
    }
  }, [client, communityId, queryClient, reload, trpc, send]);

  const add = useCallback(
    async (
      item: Omit<
        QueuedCheckoff,
        'communityId' | 'state' | 'error' | 'errorCode' | 'attempts' | 'checkoffId' | 'clientAt'
      >,
    ) => {
      const full: QueuedCheckoff = {
        ...item,
        checkoffId: crypto.randomUUID(),
        communityId,
        clientAt: new Date().toISOString(),
        state: 'queued',
        error: null,
        errorCode: null,
        attempts: 0,
      };
      await enqueue(full);
      await reload();
      if (navigator.onLine) void sync();
      return full;
    },
    [communityId, reload, sync],
  );

  const dismiss = useCallback(
    async (checkoffId: string) => {
      await removeFromOutbox(checkoffId);
      await reload();
    },
    [reload],
  );

  useEffect(() => {
    void reload().then(() => {
      if (navigator.onLine) void sync();
    });
  }, [reload, sync]);

  useEffect(() => {
    if (online) void sync();
  }, [online, sync]);

  const waiting = items.filter((i) => i.state === 'queued');
  useEffect(() => {
    if (waiting.length === 0) return;
    const id = setInterval(() => {
      if (navigator.onLine) void sync();
    }, RETRY_MS);
    return () => clearInterval(id);
  }, [waiting.length, sync]);

  return {
    online,
    items,
    waiting,
    failed: items.filter((i) => i.state === 'failed'),
    syncing,
    lastSyncedAt,
    add,
    sync,
    dismiss,
  };
}
