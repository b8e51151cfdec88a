import { and, eq } from 'drizzle-orm';
import { products } from '@/db/schema';
import { checkUpload, IMAGE_TYPES } from '@/server/files/sniff';
import { getFileStorage, newFileKey } from '@/server/files/storage';
import { MAX_FILE_BYTES, sha256Hex } from '@/server/files/upload';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest } from '@/server/services/shared/errors';
import { loadProduct, productsInUse, publicProduct } from './catalog';
import { requireMerchantRole } from './scope';
import { inTransaction } from '@/server/services/shared/tx';

type UploadProductPhotoInput = {
  merchantId: string;
  productId: string;
  fileName: string;
  bytes: Uint8Array;
};

/** A product photo: JPEG, PNG or WebP by content, at most 10 MB. The old photo is removed after the swap commits. */
export async function uploadProductPhoto({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: UploadProductPhotoInput;
}) {
  await requireMerchantRole(ctx, input.merchantId);
  const user = ctx.user!;
  if (input.bytes.byteLength > MAX_FILE_BYTES) {
    throw badRequest('FILE_TOO_LARGE', '图片超过 10 MB / The photo is over 10 MB.', { field: 'photo' });
  }
  const verdict = checkUpload(input.bytes, input.fileName, IMAGE_TYPES);
  if (!verdict.ok)
    throw badRequest(verdict.code, verdict.message, {
      field: 'photo',
      details: { detected: verdict.detected },
    });
  // Checked before writing the file, so a stranger's upload never touches the disk.
  await loadProduct(ctx.db, input.merchantId, input.productId);
  const now = ctx.now();
  const storage = getFileStorage();
  const key = newFileKey('product-photos', now);
  const sha256 = sha256Hex(input.bytes);
  await storage.put(key, input.bytes, {
    contentType: verdict.mimeType,
    sha256,
    size: input.bytes.byteLength,
  });
  let oldKey: string | null = null;
  try {
    const result = await inTransaction(ctx.db, async (tx) => {
      const before = await loadProduct(tx, input.merchantId, input.productId, true);
      oldKey = before.imageKey;
      const [row] = await tx
        .update(products)
        .set({ imageKey: key, imageMimeType: verdict.mimeType, updatedAt: now })
        .where(and(eq(products.merchantId, input.merchantId), eq(products.id, input.productId)))
        .returning();
      await writeGlobalAudit(tx, {
        actorUserId: user.id,
        action: 'product.photo_changed',
        entityType: 'product',
        entityId: input.productId,
        after: { sha256, size: input.bytes.byteLength, mimeType: verdict.mimeType },
      });
      const used = await productsInUse(tx, [input.productId]);
      return publicProduct(row!, used.has(input.productId));
    });
    if (oldKey) await storage.delete(oldKey).catch(() => undefined);
    return result;
  } catch (e) {
    await storage.delete(key).catch(() => undefined);
    throw e;
  }
}
