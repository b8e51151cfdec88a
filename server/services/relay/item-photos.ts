import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { products } from '@/db/schema';
import { productPhotoUrl } from '@/server/services/merchant/catalog';

type ItemPhoto = { url: string; key: string; mimeType: string };

/**
 * The current catalog photo of each product a relay sells (item photos are not snapshotted with
 * the item: a merchant who adds a photo later shows it on relays already open).
 */
export async function productPhotos(db: DbOrTx, productIds: string[]): Promise<Map<string, ItemPhoto>> {
  const ids = [...new Set(productIds)];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: products.id, imageKey: products.imageKey, imageMimeType: products.imageMimeType })
    .from(products)
    .where(inArray(products.id, ids));
  const out = new Map<string, ItemPhoto>();
  for (const r of rows) {
    const url = productPhotoUrl(r.id, r.imageKey);
    if (url && r.imageKey && r.imageMimeType)
      out.set(r.id, { url, key: r.imageKey, mimeType: r.imageMimeType });
  }
  return out;
}
