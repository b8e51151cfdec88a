import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { buildings, households, stairwells } from '@/db/schema';
import { notFound } from '@/server/services/shared/errors';
import { gateCode, normalizeGateCode } from './gate-code';

const GATE_CODE_UNKNOWN = () =>
  notFound('GATE_CODE_UNKNOWN', '没有找到这个住户码 / No household has this code.');

/**
 * The household a scanned or typed gate code names in this compound. Codes are derived, not stored:
 * the compound's households are hashed (1,506 HMACs take a few ms); a code of another compound
 * never matches.
 */
export async function findHouseholdByGateCode(db: DbOrTx, communityId: string, raw: string) {
  const code = normalizeGateCode(raw);
  if (!code) throw GATE_CODE_UNKNOWN();
  const rows = await db
    .select({
      id: households.id,
      room: households.room,
      stairwell: stairwells.number,
      building: buildings.number,
    })
    .from(households)
    .innerJoin(
      stairwells,
      and(eq(stairwells.communityId, households.communityId), eq(stairwells.id, households.stairwellId)),
    )
    .innerJoin(
      buildings,
      and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
    )
    .where(eq(households.communityId, communityId));
  const hits = rows.filter((h) => gateCode(communityId, h.id) === code);
  // Two households on one code (one chance in ~10^6 per pair) is refused rather than guessed.
  if (hits.length !== 1) throw GATE_CODE_UNKNOWN();
  const h = hits[0]!;
  return { householdId: h.id, label: `${h.building}-${h.stairwell}-${h.room}` };
}
