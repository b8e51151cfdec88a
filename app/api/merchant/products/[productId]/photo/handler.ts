import type { Database } from '@/db/client';
import { errorResponse, jsonError, uploadLimitRefusal } from '@/server/files/http';
import type { RateLimits } from '@/server/ops/rate-limits';
import { fileFromForm, readMultipart, textField } from '@/server/files/upload';
import { uploadProductPhoto } from '@/server/services/merchant/upload-product-photo';
import type { SessionUser } from '@/server/services/shared/context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** POST multipart { merchantId, file } → 200 { product }. Images only (JPEG, PNG, WebP), ≤ 10 MB. */
export async function handleProductPhotoUpload(
  req: Request,
  productId: string,
  deps: { user: SessionUser | null; database: Database; now?: () => Date; limits?: RateLimits },
): Promise<Response> {
  if (!deps.user) return jsonError(401, 'AUTH_REQUIRED', '请先登录 / Please sign in first.', 'photo');
  const limited = await uploadLimitRefusal(deps.limits, deps.user, 'photo');
  if (limited) return limited;
  try {
    const form = await readMultipart(req);
    const merchantId = textField(form, 'merchantId');
    if (!UUID.test(merchantId) || !UUID.test(productId)) {
      return jsonError(404, 'PRODUCT_NOT_FOUND', '找不到该商品 / Product not found.', 'photo');
    }
    const { bytes, fileName } = await fileFromForm(form, 'file');
    const product = await uploadProductPhoto({
      ctx: {
        database: deps.database,
        db: deps.database.db,
        user: deps.user,
        now: deps.now ?? (() => new Date()),
      },
      input: { merchantId, productId, fileName, bytes },
    });
    return Response.json({ product }, { headers: { 'Cache-Control': 'no-store' } });
  } catch (e) {
    return errorResponse(e, 'photo');
  }
}
