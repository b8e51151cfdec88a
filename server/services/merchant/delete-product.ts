import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { products } from '@/db/schema';
import { getFileStorage } from '@/server/files/storage';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { pgErrorCode, preconditionFailed } from '@/server/services/shared/errors';
import { loadProduct, productsInUse } from './catalog';
import { idOf, MerchantRef } from './fields';
import { requireMerchantRole } from './scope';
import { inTransaction } from '@/server/services/shared/tx';

export const DeleteProductInput = MerchantRef.extend({ productId: idOf('商品') });
export type DeleteProductInput = z.infer<typeof DeleteProductInput>;

const IN_USE = () =>
  preconditionFailed(
    'PRODUCT_IN_USE',
    '该商品已用于团购接龙，不能删除，可以下架 / This product was used in a relay; it cannot be deleted, but you can deactivate it.',
  );

/**
 * Deletes a product no relay has ever used. A used one is refused (deactivate it instead): orders
 * and pick lists point at it. The foreign key from relay_items is the last word — a relay created
 * between the check and the delete makes the delete fail, and that failure reads as "in use" too.
 */
export async function deleteProduct({ ctx, input }: { ctx: ServiceContext; input: DeleteProductInput }) {
  await requireMerchantRole(ctx, input.merchantId);
  const user = ctx.user!;
  let imageKey: string | null = null;
  try {
    await inTransaction(ctx.db, async (tx) => {
      const before = await loadProduct(tx, input.merchantId, input.productId, true);
      if ((await productsInUse(tx, [input.productId])).size > 0) throw IN_USE();
      await tx
        .delete(products)
        .where(and(eq(products.merchantId, input.merchantId), eq(products.id, input.productId)));
      await writeGlobalAudit(tx, {
        actorUserId: user.id,
        action: 'product.deleted',
        entityType: 'product',
        entityId: input.productId,
        before: { name: before.name, spec: before.spec, unit: before.unit, priceFen: before.priceFen },
      });
      imageKey = before.imageKey;
    });
  } catch (e) {
    if (pgErrorCode(e) === '23503') throw IN_USE();
    throw e;
  }
  if (imageKey)
    await getFileStorage()
      .delete(imageKey)
      .catch(() => undefined);
  return { deleted: input.productId };
}
