import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { products } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { productOrder, productsInUse, publicProduct } from './catalog';
import { MerchantRef } from './fields';
import { requireMerchantRole } from './scope';

export const ListProductsInput = MerchantRef.extend({ includeInactive: z.boolean().optional() });
export type ListProductsInput = z.infer<typeof ListProductsInput>;

/** The merchant's catalog (members only), active first, by category and name. */
export async function listProducts({ ctx, input }: { ctx: ServiceContext; input: ListProductsInput }) {
  await requireMerchantRole(ctx, input.merchantId);
  const rows = await ctx.db
    .select()
    .from(products)
    .where(
      and(
        eq(products.merchantId, input.merchantId),
        input.includeInactive === false ? eq(products.active, true) : undefined,
      ),
    )
    .orderBy(productOrder);
  const used = await productsInUse(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((p) => publicProduct(p, used.has(p.id)));
}
