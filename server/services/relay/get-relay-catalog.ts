import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { admissions, communities, products } from '@/db/schema';
import { requireMerchantMember } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { MerchantRef } from './fields';
import { merchantName } from './load';
import { localDate } from '@/server/services/shared/time';

export const MerchantInput = MerchantRef;
export type MerchantInput = z.infer<typeof MerchantInput>;

/** Active products and the compounds the merchant is admitted to: what a new relay can offer, where. */
export async function getRelayCatalog({ ctx, input }: { ctx: ServiceContext; input: MerchantInput }) {
  await requireMerchantMember(ctx, input.merchantId);
  const [catalog, admitted] = await Promise.all([
    ctx.db
      .select({
        id: products.id,
        name: products.name,
        spec: products.spec,
        unit: products.unit,
        priceFen: products.priceFen,
        category: products.category,
      })
      .from(products)
      .where(and(eq(products.merchantId, input.merchantId), eq(products.active, true)))
      .orderBy(asc(products.category), asc(products.name)),
    ctx.db
      .select({ id: communities.id, name: communities.name, district: communities.district })
      .from(admissions)
      .innerJoin(communities, eq(communities.id, admissions.communityId))
      .where(and(eq(admissions.merchantId, input.merchantId), eq(admissions.status, 'approved')))
      .orderBy(asc(communities.name)),
  ]);
  return {
    merchantName: await merchantName(ctx.db, input.merchantId),
    products: catalog,
    communities: admitted,
    today: localDate(ctx.now()),
  };
}
