/**
 * The health demo data (issue 14 §4): a finished self-test round with a few late stairwells and one
 * anomaly, a testing session half done with 3号楼 next, a day of gate entries with the demo
 * volunteer on duty — read back through the same verbs the pages use.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { users } from '@/db/schema';
import { seedDemoIfEmpty } from '@/db/seed/demo';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { seedHealthDemo } from '@/db/seed/health';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';

let database: Database;
let communityId: string;

async function account(phone: string): Promise<SessionUser> {
  const [u] = await database.db.select().from(users).where(eq(users.phone, phone));
  return { id: u!.id, phone: u!.phone, name: u!.name };
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoIfEmpty(database, [
    async (db, refs) => {
      communityId = refs.communityId;
      await seedHealthDemo(db, refs);
    },
  ]);
});
afterAll(async () => {
  await database?.close();
});

describe('the health demo', () => {
  it('has a finished round, a half-done session and a day at the gate', async () => {
    const owner = await account(DEMO_ACCOUNTS.owner.phone);
    const rounds = await callerFor(database, owner).healthRounds.rounds({ communityId });
    const selfTest = rounds.find((r) => r.kind === 'self_test')!;
    const testing = rounds.find((r) => r.kind === 'testing')!;
    expect(selfTest.status).toBe('closed');
    expect(testing.status).toBe('open');

    const board = await callerFor(database, owner).healthRounds.selfTestBoard({
      communityId,
      roundId: selfTest.id,
    });
    expect(board.stairwells).toHaveLength(135);
    expect(board.missingCount).toBe(3);
    expect(board.totals.abnormal).toBe(1);
    expect(board.stairwells[0]!.abnormal).toBe(1);
    expect(board.followUps).toHaveLength(1);
    expect(board.totals.actual).toBe(board.totals.negative + board.totals.abnormal + board.totals.invalid);

    const resident = await account(DEMO_ACCOUNTS.resident.phone);
    const session = await callerFor(database, resident).healthRounds.testing({
      communityId,
      roundId: testing.id,
    });
    expect(session.progress.called).toBe(1);
    expect(session.progress.done).toBeGreaterThan(0);
    expect(session.mine).toMatchObject({ building: '3', standing: { state: 'waiting', ahead: 1 } });

    const volunteer = await account(DEMO_ACCOUNTS.volunteer.phone);
    const gate = await callerFor(database, volunteer).healthRounds.gateRegister({ communityId });
    expect(gate.outNow.length).toBeGreaterThanOrEqual(3);
    expect(gate.recent.length).toBeGreaterThan(10);

    // Seeding again changes nothing.
    await seedHealthDemo(database, { communityId } as Parameters<typeof seedHealthDemo>[1]);
    expect(await callerFor(database, owner).healthRounds.rounds({ communityId })).toHaveLength(2);
  });
});
