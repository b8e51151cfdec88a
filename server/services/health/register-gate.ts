import { and, desc, eq, isNotNull, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { gateEntries } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, preconditionFailed } from '@/server/services/shared/errors';
import { safeText } from '@/server/services/shared/zod';
import { publishHealth } from './events';
import { findHouseholdByGateCode } from './find-household-by-gate-code';
import { id, iso, parseInput, requireGateKeeper } from './internal';
import { GATE_DOUBLE_SCAN_MS, validTemperature } from './rules';
import { inTransaction } from '@/server/services/shared/tx';

export const RegisterGateInput = z.object({
  communityId: id,
  /** The QR text (LLG:XXXXXX) or the 6-character code typed by hand. */
  code: safeText({ min: 1, max: 40 }),
  direction: z.enum(['out', 'in']),
  maskOk: z.boolean().default(true),
  temperature: z.number().nullish(),
  note: safeText({ max: 200 }).default(''),
});
export type RegisterGateInput = z.input<typeof RegisterGateInput>;

type Entry = typeof gateEntries.$inferSelect;
const view = (e: Entry, label: string, already: boolean) => ({
  entryId: e.id,
  householdId: e.householdId,
  label,
  outAt: iso(e.outAt)!,
  inAt: iso(e.inAt),
  maskOk: e.maskOk,
  temperature: e.temperature === null ? null : Number(e.temperature),
  /** True when this scan repeated one already registered (nothing new was written). */
  already,
});

/**
 * 一戴三查: a gate volunteer on duty (or a coordinator) registers a household out or back in, with
 * the mask and temperature check. A double scan is harmless: "out" while out returns the open
 * outing, "in" right after "in" returns the outing it closed. "In" with no outing is refused.
 * The audit row says who registered which direction, never which household, so the 14-day purge
 * of the entries leaves no movement history behind.
 */
export async function registerGate({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(RegisterGateInput, raw);
  const { communityId } = input;
  const me = await requireGateKeeper(ctx, communityId);
  if (input.temperature !== null && input.temperature !== undefined && !validTemperature(input.temperature))
    throw badRequest('TEMPERATURE_INVALID', '体温读数不合理 / That temperature reading is not plausible.', {
      field: 'temperature',
    });
  const temperature =
    input.temperature === null || input.temperature === undefined ? null : input.temperature.toFixed(1);
  const household = await findHouseholdByGateCode(ctx.db, communityId, input.code);
  const now = ctx.now();
  const userId = me.ctx.user.id;
  const result = await inTransaction(ctx.db, async (tx) => {
    const mine = and(
      eq(gateEntries.communityId, communityId),
      eq(gateEntries.householdId, household.householdId),
    );
    const [open] = await tx
      .select()
      .from(gateEntries)
      .where(and(mine, isNull(gateEntries.inAt)))
      .for('update');
    if (input.direction === 'out') {
      if (open) return view(open, household.label, true);
      const [made] = await tx
        .insert(gateEntries)
        .values({
          communityId,
          householdId: household.householdId,
          outAt: now,
          outBy: userId,
          outNote: input.note,
          maskOk: input.maskOk,
          temperature,
        })
        .onConflictDoNothing()
        .returning();
      if (!made) {
        // A second phone scanned the same card at the same moment: the partial unique index kept one.
        const [other] = await tx
          .select()
          .from(gateEntries)
          .where(and(mine, isNull(gateEntries.inAt)));
        return view(other!, household.label, true);
      }
      await audit(tx, communityId, userId, made.id, 'out');
      return view(made, household.label, false);
    }
    if (!open) {
      const [last] = await tx
        .select()
        .from(gateEntries)
        .where(and(mine, isNotNull(gateEntries.inAt)))
        .orderBy(desc(gateEntries.inAt))
        .limit(1);
      if (last && now.getTime() - last.inAt!.getTime() <= GATE_DOUBLE_SCAN_MS)
        return view(last, household.label, true);
      throw preconditionFailed('GATE_NOT_OUT', '这户没有登记外出 / This household was not registered out.');
    }
    const [closed] = await tx
      .update(gateEntries)
      .set({
        inAt: now,
        inBy: userId,
        inNote: input.note,
        maskOk: open.maskOk && input.maskOk,
        temperature: temperature ?? open.temperature,
        updatedAt: now,
      })
      .where(and(eq(gateEntries.communityId, communityId), eq(gateEntries.id, open.id)))
      .returning();
    await audit(tx, communityId, userId, closed!.id, 'in');
    return view(closed!, household.label, false);
  });
  if (!result.already) await publishHealth(ctx, communityId, { kind: 'gate' });
  return result;
}

async function audit(
  tx: Parameters<typeof writeAudit>[0],
  communityId: string,
  userId: string,
  entryId: string,
  direction: string,
) {
  await writeAudit(tx, {
    communityId,
    actorUserId: userId,
    action: `gate.${direction}`,
    entityType: 'gate_entry',
    entityId: entryId,
    after: { direction },
  });
}
