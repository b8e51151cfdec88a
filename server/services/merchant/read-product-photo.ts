import { eq } from 'drizzle-orm';
import { products } from '@/db/schema';
import { getFileStorage } from '@/server/files/storage';
import type { ServiceContext } from '@/server/services/shared/context';
import { PRODUCT_NOT_FOUND } from './catalog';

type ReadProductPhotoInput = { productId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A product's photo. Product photos are shop-window material (residents see them in relays), so anyone may read them. */
export async function readProductPhoto({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ReadProductPhotoInput;
}) {
  if (!UUID.test(input.productId)) throw PRODUCT_NOT_FOUND();
  const [p] = await ctx.db
    .select({ imageKey: products.imageKey, imageMimeType: products.imageMimeType })
    .from(products)
    .where(eq(products.id, input.productId));
  if (!p?.imageKey || !p.imageMimeType) throw PRODUCT_NOT_FOUND();
  const file = await getFileStorage().get(p.imageKey);
  if (!file) throw PRODUCT_NOT_FOUND();
  return { mimeType: p.imageMimeType, size: file.size, sha256: file.sha256, body: file.body };
}
