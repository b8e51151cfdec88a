/**
 * Round trips of an accepted join, counted (issue 12): a database opened like the app's, with every
 * statement drizzle sends counted by its logger, two more for each transaction (BEGIN, COMMIT) and
 * one for each NOTIFY sent outside a statement. Each join goes the way a request does: the session
 * lookup (findSessionUser), then the tRPC caller (communityProcedure's membership read, the verb).
 */
import { randomUUID } from 'node:crypto';
import { openDatabase, type Db } from '@/db/client';
import { createCaller } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { findSessionUser } from '@/server/services/auth/find-session-user';
import type { RelayRef, World } from './world';

export async function countRoundTrips(url: string, w: World, r: RelayRef, joins = 20): Promise<number> {
  let count = 0;
  const database = await openDatabase({ url, max: 2, onStatement: () => count++ });
  const tx = database.db.transaction.bind(database.db);
  (database.db as { transaction: Db['transaction'] }).transaction = (fn, config) => {
    count += 2;
    return tx(fn, config);
  };
  const notify = database.notify.bind(database);
  database.notify = (channel, payload) => {
    count++;
    return notify(channel, payload);
  };
  try {
    // Warm-up (prepared statements, caches) outside the count.
    const households = w.households.slice(0, joins + 1);
    const per: number[] = [];
    for (const [i, h] of households.entries()) {
      const before = count;
      const ctx0 = { database, db: database.db, user: null, now: () => new Date() };
      const user = await findSessionUser({ ctx: ctx0, input: { userId: h.userId } });
      const res = await createCaller(createContext({ database, user })).relay.join({
        communityId: w.communityId,
        relayId: r.relayId,
        householdId: h.householdId,
        lines: [
          { relayItemId: r.cappedItemId, qty: 1 },
          { relayItemId: r.openItemId, qty: 1 },
        ],
        idempotencyKey: `bench-trips-${randomUUID()}`,
      });
      if (res.replayed) throw new Error('round-trip count: a fresh key replayed');
      if (i > 0) per.push(count - before);
    }
    return Math.max(...per);
  } finally {
    await database.close();
  }
}
