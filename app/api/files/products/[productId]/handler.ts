import type { Database } from '@/db/client';
import { errorResponse, fileResponse } from '@/server/files/http';
import { readProductPhoto } from '@/server/services/merchant/read-product-photo';
import type { SessionUser } from '@/server/services/shared/context';

/** GET /api/files/products/<productId>: a product photo (public shop-window material, cached a day). */
export async function handleProductPhotoDownload(
  req: Request,
  productId: string,
  deps: { user: SessionUser | null; database: Database },
): Promise<Response> {
  try {
    const file = await readProductPhoto({
      ctx: { database: deps.database, db: deps.database.db, user: deps.user, now: () => new Date() },
      input: { productId },
    });
    return fileResponse(req, file, { disposition: 'inline', cache: 'public' });
  } catch (e) {
    return errorResponse(e);
  }
}
