'use client';
/**
 * The check-off outbox: check-offs are written to IndexedDB first and sent from there, so a
 * stairwell without signal loses nothing. Each carries the id the phone made for it (the server
 * applies an id once, so a resend after a lost answer changes nothing) and the phone's own time.
 * The last bag list is kept too, for a cold start without network.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export type QueuedCheckoff = {
  /** `undo`: takes back the check-off `undoOf` (撤销送达); sent after it, in clientAt order. */
  kind?: 'checkoff' | 'undo';
  undoOf?: string | null;
  checkoffId: string;
  communityId: string;
  bagId: string | null;
  code: string | null;
  outcome: 'delivered' | 'exception';
  exceptionKind: 'nobody_home' | 'damaged' | 'item_missing' | 'wrong_bag' | null;
  note: string | null;
  /** 货到付款: the cash collected at the door, in fen. */
  cashCollectedFen?: number | null;
  /** A photo uploaded before queuing (online only). */
  photoKey?: string | null;
  /** The phone's clock when the volunteer checked the bag off (ISO). */
  clientAt: string;
  via: 'scan' | 'tap' | 'manual';
  /** What to show while it waits ("3-2-201"). */
  label: string;
  state: 'queued' | 'failed';
  error: string | null;
  errorCode: string | null;
  attempts: number;
};

interface OutboxDb extends DBSchema {
  outbox: { key: string; value: QueuedCheckoff; indexes: { byCommunity: string } };
  bags: { key: string; value: { key: string; savedAt: string; data: unknown } };
}

let dbPromise: Promise<IDBPDatabase<OutboxDb>> | null = null;
let owner = '';

/**
 * One outbox and bag list per person (`linli-checkoff-<userId>`): on a phone passed between
 * volunteers, nobody opens another's queued check-offs or cached bag list (issue 11 item 10).
 * Sign-out deletes them (app/_lib/forget-device.ts).
 */
export function setOutboxOwner(userId: string): void {
  if (userId === owner) return;
  owner = userId;
  dbPromise = null;
}

function db(): Promise<IDBPDatabase<OutboxDb>> {
  if (!owner) return Promise.reject(new Error('outbox: nobody is signed in'));
  dbPromise ??= openDB<OutboxDb>(`linli-checkoff-${owner}`, 1, {
    upgrade(d) {
      const outbox = d.createObjectStore('outbox', { keyPath: 'checkoffId' });
      outbox.createIndex('byCommunity', 'communityId');
      d.createObjectStore('bags', { keyPath: 'key' });
    },
  });
  return dbPromise;
}

export async function enqueue(item: QueuedCheckoff): Promise<void> {
  await (await db()).put('outbox', item);
}

export async function listOutbox(communityId: string): Promise<QueuedCheckoff[]> {
  const all = await (await db()).getAllFromIndex('outbox', 'byCommunity', communityId);
  return all.sort((a, b) => a.clientAt.localeCompare(b.clientAt));
}

export async function removeFromOutbox(checkoffId: string): Promise<void> {
  await (await db()).delete('outbox', checkoffId);
}

export async function updateOutbox(checkoffId: string, patch: Partial<QueuedCheckoff>): Promise<void> {
  const d = await db();
  const tx = d.transaction('outbox', 'readwrite');
  const cur = await tx.store.get(checkoffId);
  if (cur) await tx.store.put({ ...cur, ...patch });
  await tx.done;
}

export async function saveBagList(key: string, data: unknown): Promise<void> {
  await (await db()).put('bags', { key, savedAt: new Date().toISOString(), data });
}

export async function loadBagList<T>(key: string): Promise<{ savedAt: string; data: T } | null> {
  const row = await (await db()).get('bags', key);
  return row ? { savedAt: row.savedAt, data: row.data as T } : null;
}

/** The order a bag label names (`LL1.<orderId>.<sig>`); the signature is checked by the server. */
export function orderIdOfCode(code: string): string | null {
  const m = /^LL1\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[A-Za-z0-9_-]+$/i.exec(
    code.trim(),
  );
  return m ? m[1]!.toLowerCase() : null;
}
