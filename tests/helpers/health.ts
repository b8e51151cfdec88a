import type { Db } from '@/db/client';
import { memberships, stairwellAssignments, users } from '@/db/schema';
import type { SessionUser } from '@/server/services/shared/context';
import { nextPhone, type TestCommunity } from './fixtures';

/** A rejected call's tRPC code and stable service code. */
export async function refusal(p: Promise<unknown>): Promise<{ code: string; appCode: string | null }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: string; cause?: { code?: string } };
    return { code: err.code ?? 'UNKNOWN', appCode: err.cause?.code ?? null };
  }
  throw new Error('expected the call to be refused, it succeeded');
}

/** One leader (楼组长) per stairwell, made in bulk; returned in the stairwells' order. */
export async function makeLeaders(db: Db, c: TestCommunity): Promise<SessionUser[]> {
  const made = await db
    .insert(users)
    .values(c.stairwells.map((s) => ({ name: `楼组长${s.buildingNumber}-${s.number}`, phone: nextPhone() })))
    .returning();
  await db
    .insert(memberships)
    .values(made.map((u) => ({ communityId: c.id, userId: u.id, role: 'volunteer' as const })));
  await db.insert(stairwellAssignments).values(
    made.map((u, i) => ({
      communityId: c.id,
      userId: u.id,
      stairwellId: c.stairwells[i]!.id,
      role: 'leader' as const,
    })),
  );
  return made.map((u) => ({ id: u.id, phone: u.phone, name: u.name }));
}
