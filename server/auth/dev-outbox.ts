/**
 * The dev outbox: the last codes the `log` sender "sent", for the /dev/outbox page.
 *
 * Kept in process memory (on globalThis, so every Next route bundle sees the same buffer), not in
 * the database, on purpose: a table would put live plaintext codes right next to their hashes in
 * any environment that turns it on, and would add a dev-only table and migration to the production
 * schema. The cost: with several app instances each shows only the codes it sent itself (the log
 * has all of them). The demo runs as one process (embedded PGlite allows no other), so it sees all.
 */
const CAPACITY = 50;
/** Entries are dropped after this long; a code is useless after 5 minutes anyway. */
const RETAIN_MS = 30 * 60_000;

export type DevOutboxEntry = { phone: string; code: string; sentAt: Date };

type Holder = { linliDevOutbox?: DevOutboxEntry[] };
const holder = globalThis as unknown as Holder;

function buffer(): DevOutboxEntry[] {
  holder.linliDevOutbox ??= [];
  return holder.linliDevOutbox;
}

/** On outside production, or in production when LINLI_DEV_OUTBOX=1 (the demo). */
export function devOutboxEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return env.NODE_ENV !== 'production' || env.LINLI_DEV_OUTBOX === '1';
}

export function recordDevOutbox(entry: DevOutboxEntry): void {
  const buf = buffer();
  buf.unshift(entry);
  if (buf.length > CAPACITY) buf.length = CAPACITY;
}

/** Newest first; only the given phone (E.164) when one is passed. */
export function readDevOutbox(opts: { phone?: string; now?: Date } = {}): DevOutboxEntry[] {
  const now = (opts.now ?? new Date()).getTime();
  const buf = buffer();
  const kept = buf.filter((e) => now - e.sentAt.getTime() < RETAIN_MS);
  if (kept.length !== buf.length) holder.linliDevOutbox = kept;
  return opts.phone ? kept.filter((e) => e.phone === opts.phone) : [...kept];
}

export function clearDevOutbox(): void {
  holder.linliDevOutbox = [];
}
