import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { bags, batches, deliveries, problemReports, relays } from '@/db/schema';
import { getFileStorage } from '@/server/files/storage';
import { isCoordinator, membershipsIn, merchantIdsOf, requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { text } from './fields';
import { stairwellScope } from './internal';
import { photoKeyPrefix } from './upload-photo';

export const GetPhotoInput = z.object({ photoKey: text(200) });
export type GetPhotoInput = z.infer<typeof GetPhotoInput>;

const PHOTO_NOT_FOUND = () => notFound('PHOTO_NOT_FOUND', '找不到这张照片 / Photo not found.');

/**
 * A distribution photo, for the people its record concerns: the compound's coordinators, the gate
 * and stairwell volunteers, the household the bag belongs to, and the merchant of the relay.
 * Anyone else reads it as not found. Returned as a data URL (photos are small, shrunk on the phone).
 */
export async function getPhoto({ ctx, input }: { ctx: ServiceContext; input: GetPhotoInput }) {
  requireUser(ctx);
  const m = /^distribution\/([0-9a-f-]{36})\//.exec(input.photoKey);
  if (!m) throw PHOTO_NOT_FOUND();
  const communityId = m[1]!;
  if (!input.photoKey.startsWith(photoKeyPrefix(communityId))) throw PHOTO_NOT_FOUND();

  const [batch] = await ctx.db
    .select({ deliveryId: batches.deliveryId })
    .from(batches)
    .where(and(eq(batches.communityId, communityId), eq(batches.disinfectionPhotoKey, input.photoKey)));
  const [bag] = await ctx.db
    .select({ householdId: bags.householdId, stairwellId: bags.stairwellId, relayId: bags.relayId })
    .from(bags)
    .where(and(eq(bags.communityId, communityId), eq(bags.photoKey, input.photoKey)));
  const [problem] = await ctx.db
    .select({ householdId: problemReports.householdId, relayId: bags.relayId, stairwellId: bags.stairwellId })
    .from(problemReports)
    .innerJoin(bags, and(eq(bags.communityId, problemReports.communityId), eq(bags.id, problemReports.bagId)))
    .where(and(eq(problemReports.communityId, communityId), eq(problemReports.photoKey, input.photoKey)));
  if (!batch && !bag && !problem) throw PHOTO_NOT_FOUND();

  const ref = bag ?? problem ?? null;
  const allowed = await (async () => {
    if (await isCoordinator({ ...ctx, user: ctx.user }, communityId)) return true;
    const mine = await membershipsIn(ctx.db, ctx.user.id, communityId);
    if (batch && mine.some((x) => x.role === 'volunteer')) return true;
    if (ref) {
      if (mine.some((x) => x.householdId === ref.householdId)) return true;
      const scope = await stairwellScope({ ...ctx, user: ctx.user }, communityId);
      if (scope.stairwellIds.has(ref.stairwellId)) return true;
    }
    const merchantIds = await merchantIdsOf(ctx.db, ctx.user.id);
    if (merchantIds.length === 0) return false;
    const owners: string[] = [];
    if (batch) {
      const [d] = await ctx.db
        .select({ merchantId: deliveries.merchantId })
        .from(deliveries)
        .where(and(eq(deliveries.communityId, communityId), eq(deliveries.id, batch.deliveryId)));
      if (d) owners.push(d.merchantId);
    }
    if (ref) {
      const [r] = await ctx.db
        .select({ merchantId: relays.merchantId })
        .from(relays)
        .where(and(eq(relays.communityId, communityId), eq(relays.id, ref.relayId)));
      if (r) owners.push(r.merchantId);
    }
    return owners.some((id) => merchantIds.includes(id));
  })();
  if (!allowed) throw PHOTO_NOT_FOUND();
  const file = await getFileStorage().get(input.photoKey);
  if (!file) throw PHOTO_NOT_FOUND();
  const bytes = new Uint8Array(await new Response(file.body).arrayBuffer());
  return {
    contentType: file.contentType,
    dataUrl: `data:${file.contentType};base64,${Buffer.from(bytes).toString('base64')}`,
  };
}
