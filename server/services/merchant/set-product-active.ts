import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { products } from '@/db/schema';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { loadProduct, productsInUse, publicProduct } from './catalog';
import { idOf, MerchantRef } from './fields';
import { requireMerchantRole } from './scope';
import { inTransaction } from '@/server/services/shared/tx';

export const SetProductActiveInput = MerchantRef.extend({ productId: idOf('商品'), active: z.boolean() });
export type SetProductActiveInput = z.infer<typeof SetProductActiveInput>;

/** Deactivate (下架) or reactivate a product; an inactive product cannot be added to new relays. */
export async function setProductActive({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: SetProductActiveInput;
}) {
  await requireMerchantRole(ctx, input.merchantId);
  const user = ctx.user!;
  return inTransaction(ctx.db, async (tx) => {
    const before = await loadProduct(tx, input.merchantId, input.productId, true);
    const [row] = await tx
      .update(products)
      .set({ active: input.active, updatedAt: ctx.now() })
      .where(and(eq(products.merchantId, input.merchantId), eq(products.id, input.productId)))
      .returning();
    if (before.active !== input.active) {
      await writeGlobalAudit(tx, {
        actorUserId: user.id,
        action: input.active ? 'product.activated' : 'product.deactivated',
        entityType: 'product',
        entityId: input.productId,
      });
    }
    const used = await productsInUse(tx, [input.productId]);
    return publicProduct(row!, used.has(input.productId));
  });
}
