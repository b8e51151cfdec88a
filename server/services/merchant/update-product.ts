import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { products } from '@/db/schema';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { checkProductFields, loadProduct, productsInUse, publicProduct } from './catalog';
import { idOf, MerchantRef, ProductFieldsInput } from './fields';
import { requireMerchantRole } from './scope';
import { inTransaction } from '@/server/services/shared/tx';

export const UpdateProductInput = MerchantRef.extend({
  productId: idOf('商品'),
  patch: ProductFieldsInput.partial().strict(),
});
export type UpdateProductInput = z.infer<typeof UpdateProductInput>;

/**
 * Edits a product. Relays keep their own snapshot of name, spec and price (relay_items), so an
 * edit never changes what residents already ordered.
 */
export async function updateProduct({ ctx, input }: { ctx: ServiceContext; input: UpdateProductInput }) {
  await requireMerchantRole(ctx, input.merchantId);
  const user = ctx.user!;
  const patch = checkProductFields(input.patch);
  return inTransaction(ctx.db, async (tx) => {
    const before = await loadProduct(tx, input.merchantId, input.productId, true);
    const [row] = await tx
      .update(products)
      .set({ ...patch, updatedAt: ctx.now() })
      .where(and(eq(products.merchantId, input.merchantId), eq(products.id, input.productId)))
      .returning();
    await writeGlobalAudit(tx, {
      actorUserId: user.id,
      action: 'product.updated',
      entityType: 'product',
      entityId: input.productId,
      before: Object.fromEntries(Object.keys(patch).map((k) => [k, before[k as keyof typeof before]])),
      after: patch,
    });
    const used = await productsInUse(tx, [input.productId]);
    return publicProduct(row!, used.has(input.productId));
  });
}
