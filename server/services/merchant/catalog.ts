/**
 * Shared pieces of the catalog verbs: the product scope check, field validation and the public shape.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { products, relayItems } from '@/db/schema';
import { badRequest, notFound } from '@/server/services/shared/errors';
import { MAX_PRICE_FEN } from '@/server/services/shared/money';

type ProductRow = typeof products.$inferSelect;

export const PRODUCT_NOT_FOUND = () => notFound('PRODUCT_NOT_FOUND', '找不到该商品 / Product not found.');

/** The product, if it belongs to this merchant (another merchant's product reads as not found). */
export async function loadProduct(
  db: DbOrTx,
  merchantId: string,
  productId: string,
  lock = false,
): Promise<ProductRow> {
  const q = db
    .select()
    .from(products)
    .where(and(eq(products.merchantId, merchantId), eq(products.id, productId)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw PRODUCT_NOT_FOUND();
  return row;
}

type ProductFields = { name: string; spec: string; unit: string; priceFen: number; category: string };

const clean = (s: string) => s.trim().replace(/\s+/g, ' ');

/** Validates and tidies product fields; each error names its field. */
export function checkProductFields<T extends Partial<ProductFields>>(input: T): T {
  const out = { ...input };
  if (input.name !== undefined) {
    const v = clean(input.name);
    if (!v) throw badRequest('REQUIRED', '请填写商品名称 / Enter the product name.', { field: 'name' });
    if (v.length > 60)
      throw badRequest('TOO_LONG', '商品名称太长 / The name is too long.', { field: 'name' });
    out.name = v;
  }
  if (input.unit !== undefined) {
    const v = clean(input.unit);
    if (!v)
      throw badRequest('REQUIRED', '请填写单位，例如 袋、盒、份 / Enter the unit, e.g. bag, box.', {
        field: 'unit',
      });
    if (v.length > 10) throw badRequest('TOO_LONG', '单位太长 / The unit is too long.', { field: 'unit' });
    out.unit = v;
  }
  if (input.spec !== undefined) {
    const v = clean(input.spec);
    if (v.length > 60) throw badRequest('TOO_LONG', '规格太长 / The spec is too long.', { field: 'spec' });
    out.spec = v;
  }
  if (input.category !== undefined) {
    const v = clean(input.category);
    if (v.length > 20)
      throw badRequest('TOO_LONG', '分类太长 / The category is too long.', { field: 'category' });
    out.category = v;
  }
  if (input.priceFen !== undefined) {
    if (!Number.isSafeInteger(input.priceFen) || input.priceFen < 0 || input.priceFen > MAX_PRICE_FEN) {
      throw badRequest(
        'PRICE_INVALID',
        '价格无效（0 到 100000 元，最多两位小数） / Invalid price (0 to 100,000 yuan, at most 2 decimals).',
        {
          field: 'priceFen',
        },
      );
    }
  }
  return out;
}

/** Product ids among `ids` that some relay has used (they can be deactivated, never deleted). */
export async function productsInUse(db: DbOrTx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ id: relayItems.productId })
    .from(relayItems)
    .where(inArray(relayItems.productId, ids));
  return new Set(rows.map((r) => r.id));
}

/** The photo's public URL; the key's last part changes with every new photo, so it can be cached for good. */
export function productPhotoUrl(productId: string, imageKey: string | null): string | null {
  return imageKey ? `/api/files/products/${productId}?v=${imageKey.split('/').pop()!.slice(0, 8)}` : null;
}

export function publicProduct(p: ProductRow, inUse: boolean) {
  return {
    id: p.id,
    merchantId: p.merchantId,
    name: p.name,
    spec: p.spec,
    unit: p.unit,
    priceFen: p.priceFen,
    category: p.category,
    active: p.active,
    photoUrl: productPhotoUrl(p.id, p.imageKey),
    inUse,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export const productOrder = sql`${products.active} desc, ${products.category} asc, ${products.name} asc`;
