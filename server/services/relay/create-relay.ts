import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { products, relayItems, relays } from '@/db/schema';
import { requireActiveAdmission } from '@/server/services/merchant/admission-guard';
import { requireMerchantMember } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { badRequest } from '@/server/services/shared/errors';
import { idOf, SafeString, safeText } from '@/server/services/shared/zod';
import { publishChainChange } from './chain-bus';
import { MerchantRef, PositiveOrNull } from './fields';
import { openRelayTx } from './transitions';
import { validateRelayDraft } from './rules';
import { inTransaction } from '@/server/services/shared/tx';

export const CreateRelayInput = MerchantRef.extend({
  communityId: idOf('小区'),
  title: safeText({
    min: 1,
    minMessage: '请填写标题 / Give the relay a title.',
    max: 100,
    maxMessage: '标题太长 / Title too long',
  }),
  description: SafeString.max(2000, { error: '说明太长 / Description too long' }).optional(),
  items: z
    .array(
      z
        .object({
          productId: idOf('商品'),
          stockCap: PositiveOrNull('库存上限'),
          perHouseholdLimit: PositiveOrNull('每户限购'),
        })
        .strict(),
    )
    .min(1, { error: '请至少选择一件商品 / Choose at least one item.' })
    .max(50, { error: '一次最多 50 件商品 / At most 50 items.' }),
  threshold: z.object({
    kind: z.enum(['none', 'households', 'units']),
    value: z
      .number()
      .int({ error: '成团门槛必须是整数 / The threshold must be a whole number.' })
      .min(0)
      .max(1_000_000),
  }),
  opensAt: z.date({ error: '请填写开始时间 / Give an opening time.' }),
  closesAt: z.date({ error: '请填写截单时间 / Give a cutoff time.' }),
  /** YYYY-MM-DD, in the compound's time zone. */
  deliveryDate: z.iso.date({ error: '请填写配送日期 / Give a delivery date.' }),
  /** Open at once instead of waiting for `opensAt` (which then becomes now). */
  openNow: z.boolean().optional(),
  /** The merchant takes cash on delivery (货到付款) from households without a smartphone. */
  cashOnDelivery: z.boolean().optional(),
});
export type CreateRelayInput = z.infer<typeof CreateRelayInput>;

/**
 * A merchant's member starts a relay for one compound the merchant is admitted to. Prices are
 * snapshotted from the catalog, so a later price change never alters what residents agreed to.
 * It is a draft until `opensAt` (the open job) or `openNow`.
 */
export async function createRelay({ ctx, input }: { ctx: ServiceContext; input: CreateRelayInput }) {
  await requireMerchantMember(ctx, input.merchantId);
  const authed = ctx as AuthedContext;
  const now = ctx.now();
  const opensAt = input.openNow ? now : input.opensAt;
  validateRelayDraft({ ...input, opensAt }, now);
  await requireActiveAdmission(ctx.db, input.communityId, input.merchantId, now);

  const ids = input.items.map((i) => i.productId);
  const catalog = await ctx.db
    .select()
    .from(products)
    .where(and(eq(products.merchantId, input.merchantId), inArray(products.id, ids)));
  const byId = new Map(catalog.map((p) => [p.id, p]));
  input.items.forEach((i, index) => {
    const p = byId.get(i.productId);
    if (!p) {
      throw badRequest(
        'PRODUCT_NOT_IN_CATALOG',
        '商品不在本商家的目录中 / That product is not in this merchant’s catalog.',
        {
          field: `items.${index}.productId`,
        },
      );
    }
    if (!p.active) {
      throw badRequest('PRODUCT_INACTIVE', `「${p.name}」已下架 / ${p.name} is not on sale.`, {
        field: `items.${index}.productId`,
      });
    }
  });

  const relay = await inTransaction(ctx.db, async (tx) => {
    const [row] = await tx
      .insert(relays)
      .values({
        communityId: input.communityId,
        merchantId: input.merchantId,
        leaderUserId: authed.user.id,
        title: input.title.trim(),
        description: (input.description ?? '').trim(),
        opensAt,
        closesAt: input.closesAt,
        deliveryDate: input.deliveryDate,
        thresholdKind: input.threshold.kind,
        thresholdValue: input.threshold.kind === 'none' ? 0 : input.threshold.value,
        cashOnDelivery: input.cashOnDelivery ?? false,
      })
      .returning();
    await tx.insert(relayItems).values(
      input.items.map((i, position) => {
        const p = byId.get(i.productId)!;
        return {
          communityId: input.communityId,
          relayId: row!.id,
          productId: p.id,
          name: p.name,
          spec: p.spec,
          unit: p.unit,
          unitPriceFen: p.priceFen,
          stockCap: i.stockCap,
          perHouseholdLimit: i.perHouseholdLimit,
          position,
        };
      }),
    );
    await writeAudit(tx, {
      communityId: input.communityId,
      actorUserId: authed.user.id,
      action: 'relay.created',
      entityType: 'relay',
      entityId: row!.id,
      after: {
        title: row!.title,
        merchantId: input.merchantId,
        items: input.items,
        threshold: input.threshold,
      },
    });
    return input.openNow ? openRelayTx(tx, row!, now, authed.user.id) : row!;
  });
  if (relay.status === 'open') {
    await publishChainChange(ctx.database, {
      communityId: relay.communityId,
      relayId: relay.id,
      version: relay.chainVersion,
    });
  }
  return { relayId: relay.id, status: relay.status, opensAt: relay.opensAt, closesAt: relay.closesAt };
}
