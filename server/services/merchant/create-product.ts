import { count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { products } from '@/db/schema';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { checkProductFields, publicProduct } from './catalog';
import { MerchantRef, ProductFieldsInput } from './fields';
import { requireMerchantRole } from './scope';
import { inTransaction } from '@/server/services/shared/tx';

export const CreateProductInput = MerchantRef.extend({ active: z.boolean().optional() }).extend(
  ProductFieldsInput.shape,
);
export type CreateProductInput = z.infer<typeof CreateProductInput>;

const MAX_PRODUCTS = 500;

/** Owner or staff add a product to the catalog (price in integer fen). */
export async function createProduct({ ctx, input }: { ctx: ServiceContext; input: CreateProductInput }) {
  await requireMerchantRole(ctx, input.merchantId);
  const user = ctx.user!;
  const fields = checkProductFields({
    name: input.name,
    spec: input.spec,
    unit: input.unit,
    priceFen: input.priceFen,
    category: input.category,
  });
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    const [{ n }] = (await tx
      .select({ n: count() })
      .from(products)
      .where(eq(products.merchantId, input.merchantId))) as [{ n: number }];
    if (n >= MAX_PRODUCTS)
      throw preconditionFailed(
        'TOO_MANY_PRODUCTS',
        `最多 ${MAX_PRODUCTS} 件商品 / At most ${MAX_PRODUCTS} products.`,
      );
    const [row] = await tx
      .insert(products)
      .values({
        merchantId: input.merchantId,
        ...fields,
        active: input.active ?? true,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await writeGlobalAudit(tx, {
      actorUserId: user.id,
      action: 'product.created',
      entityType: 'product',
      entityId: row!.id,
      after: { merchantId: input.merchantId, ...fields },
    });
    return publicProduct(row!, false);
  });
}
