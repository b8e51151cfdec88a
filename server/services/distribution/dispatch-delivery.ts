import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { deliveries, deliveryRelays, relays } from '@/db/schema';
import { Id } from '@/server/services/shared/zod';
import { requireMerchantMember, requireUser } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, preconditionFailed } from '@/server/services/shared/errors';
import { assignBagCodes } from './bag-short-codes';
import { publishDistribution } from './events';
import { text } from './fields';
import { RELAY_NOT_FOUND } from './internal';
import { transitionRelays } from '@/server/services/relay/lifecycle';
import { inTransaction } from '@/server/services/shared/tx';

export const DispatchDeliveryInput = z.object({
  merchantId: Id,
  /** The compound the truck goes to: every relay on it is of this compound. */
  communityId: Id,
  /** The relays on this truck (one compound). */
  relayIds: z.array(Id).min(1).max(50),
  eta: z.coerce.date(),
  vehiclePlate: text(20).default(''),
  driverName: text(40).default(''),
  driverPhone: text(30).default(''),
});
export type DispatchDeliveryInput = z.infer<typeof DispatchDeliveryInput>;

const MAX_ETA_AHEAD_MS = 7 * 86_400_000;
const MAX_ETA_BEHIND_MS = 12 * 3_600_000;

/** An arrival time within a week ahead and half a day behind (a typo'd year is refused). */
function plausibleEta(eta: Date, now: Date): Date {
  if (
    Number.isNaN(eta.getTime()) ||
    eta.getTime() > now.getTime() + MAX_ETA_AHEAD_MS ||
    eta.getTime() < now.getTime() - MAX_ETA_BEHIND_MS
  ) {
    throw badRequest(
      'ETA_OUT_OF_RANGE',
      '预计到达时间不合理 / The estimated arrival time is not plausible.',
      { field: 'eta' },
    );
  }
  return eta;
}

/**
 * The merchant puts formed relays on a truck: each relay formed → dispatched, one delivery row the
 * gate will receive. All in one transaction with its audit row.
 */
export async function dispatchDelivery({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: DispatchDeliveryInput;
}) {
  requireUser(ctx);
  await requireMerchantMember(ctx, input.merchantId);
  const relayIds = [...new Set(input.relayIds)];
  if (relayIds.length === 0)
    throw badRequest('NO_RELAYS', '请选择要发车的接龙 / Choose the relays on this truck.', {
      field: 'relayIds',
    });
  const now = ctx.now();
  const eta = plausibleEta(input.eta, now);

  const delivery = await inTransaction(ctx.db, async (tx) => {
    const found = await tx
      .select({ id: relays.id, communityId: relays.communityId, status: relays.status, title: relays.title })
      .from(relays)
      .where(
        and(
          eq(relays.communityId, input.communityId),
          inArray(relays.id, relayIds),
          eq(relays.merchantId, input.merchantId),
        ),
      )
      .for('update');
    // A relay of another compound is not on this truck: it reads as not found, like a stranger's.
    if (found.length !== relayIds.length) throw RELAY_NOT_FOUND();
    const { communityId } = input;
    const notFormed = found.filter((r) => r.status !== 'formed');
    if (notFormed.length > 0) {
      const already = notFormed.some((r) =>
        ['dispatched', 'arrived', 'distributing', 'completed'].includes(r.status),
      );
      throw preconditionFailed(
        already ? 'RELAY_ALREADY_DISPATCHED' : 'RELAY_NOT_FORMED',
        already
          ? '该接龙已经发车 / This relay is already on its way.'
          : '只有已成团的接龙才能发车 / Only a formed relay can be dispatched.',
        { details: { relayIds: notFormed.map((r) => r.id), statuses: notFormed.map((r) => r.status) } },
      );
    }
    const moved = await transitionRelays(tx, { communityId, ids: relayIds }, 'dispatched', {
      from: ['formed'],
      set: { updatedAt: now },
    }).returning({ id: relays.id });
    if (moved.length !== relayIds.length) {
      throw preconditionFailed(
        'RELAY_ALREADY_DISPATCHED',
        '该接龙已经发车 / This relay is already on its way.',
      );
    }
    const [d] = await tx
      .insert(deliveries)
      .values({
        communityId,
        merchantId: input.merchantId,
        eta,
        vehiclePlate: input.vehiclePlate.trim(),
        driverName: input.driverName.trim(),
        driverPhone: input.driverPhone.trim(),
        dispatchedBy: ctx.user.id,
        dispatchedAt: now,
      })
      .returning();
    await tx
      .insert(deliveryRelays)
      .values(relayIds.map((relayId) => ({ communityId, deliveryId: d!.id, relayId })));
    // Every bag on the truck has its 短码 before it reaches the gate (labels may have made them already).
    await assignBagCodes(tx, communityId, relayIds);
    await writeAudit(tx, {
      communityId,
      actorUserId: ctx.user.id,
      action: 'delivery.dispatched',
      entityType: 'delivery',
      entityId: d!.id,
      after: { relayIds, eta: eta.toISOString(), vehiclePlate: d!.vehiclePlate, driverName: d!.driverName },
    });
    return d!;
  });
  await publishDistribution(ctx, delivery.communityId, [{ kind: 'delivery' }]);
  return {
    deliveryId: delivery.id,
    communityId: delivery.communityId,
    status: delivery.status,
    eta: delivery.eta,
  };
}
