import type { Database } from '@/db/client';
import { LIVE_CHANNEL, publishLive, relayTopic, subscribeLive } from '@/server/services/shared/live-bus';

/**
 * The live chain's doorbell, on the one live bus (shared/live-bus.ts, topic `relay:<relayId>`):
 * "relay R of compound C is now at chain version V". A message carries no personal data:
 * subscribers read what changed since the version they last saw, so a lost or coalesced message
 * costs nothing but a little latency.
 */
export const CHAIN_CHANNEL = LIVE_CHANNEL;

export type ChainSignal = { communityId: string; relayId: string; version: number };

/** Call after commit. Fire-and-forget: never throws, never waits for subscribers. */
export async function publishChainChange(database: Database, signal: ChainSignal): Promise<void> {
  publishLive(database, { topic: relayTopic(signal.relayId), ...signal });
}

/**
 * Calls `onSignal` for every change of one relay — `null` when the bus reconnected and changes may
 * have been missed (re-read); returns the unsubscribe function.
 */
export async function subscribeChain(
  database: Database,
  relayId: string,
  onSignal: (s: ChainSignal | null) => void,
): Promise<() => void> {
  return subscribeLive(database, relayTopic(relayId), (m) => {
    if (m === null) return onSignal(null);
    if (typeof m.version === 'number') onSignal(m as unknown as ChainSignal);
  });
}
