import { EventEmitter } from 'node:events';
import type { Database } from '@/db/client';

/**
 * The live chain's doorbell. Writers publish "relay R of compound C is now at chain version V"
 * after their transaction commits; every app instance listens on one PostgreSQL channel (NOTIFY/
 * LISTEN; in-process on PGlite) and fans the message out to its own subscribers. A message carries
 * no personal data: subscribers read what changed since the version they last saw, so a lost or
 * coalesced message costs nothing but a little latency.
 */
export const CHAIN_CHANNEL = 'linli_relay_chain';

export type ChainSignal = { communityId: string; relayId: string; version: number };

type Bus = { emitter: EventEmitter; ready: Promise<void> };
const buses = new WeakMap<Database, Bus>();

function busFor(database: Database): Bus {
  let bus = buses.get(database);
  if (!bus) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    const ready = database
      .listen(CHAIN_CHANNEL, (payload) => {
        try {
          const s = JSON.parse(payload) as ChainSignal;
          if (typeof s.relayId === 'string' && typeof s.version === 'number') emitter.emit(s.relayId, s);
        } catch {
          /* not ours */
        }
      })
      .then(() => undefined);
    bus = { emitter, ready };
    buses.set(database, bus);
    // A failed LISTEN must not stay cached: the next subscriber tries again.
    ready.catch(() => buses.delete(database));
  }
  return bus;
}

/** Call after commit. Never throws: the chain catches up on the next change or poll anyway. */
export async function publishChainChange(database: Database, signal: ChainSignal): Promise<void> {
  try {
    await database.notify(CHAIN_CHANNEL, JSON.stringify(signal));
  } catch (e) {
    console.error('[relay] chain notify failed', e);
  }
}

/** Calls `onSignal` for every change of one relay; returns the unsubscribe function. */
export async function subscribeChain(
  database: Database,
  relayId: string,
  onSignal: (s: ChainSignal) => void,
): Promise<() => void> {
  const bus = busFor(database);
  await bus.ready;
  bus.emitter.on(relayId, onSignal);
  return () => {
    bus.emitter.off(relayId, onSignal);
  };
}
