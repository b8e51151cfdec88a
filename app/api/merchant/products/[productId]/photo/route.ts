import { getDatabase } from '@/db/client';
import { getSessionUser } from '@/server/auth/session';
import { rateLimitsFor } from '@/server/ops/rate-limits';
import { handleProductPhotoUpload } from './handler';

export const dynamic = 'force-dynamic';

export async function POST(req: Request, { params }: { params: Promise<{ productId: string }> }) {
  const { productId } = await params;
  const database = await getDatabase();
  return handleProductPhotoUpload(req, productId, {
    user: await getSessionUser(),
    database,
    limits: rateLimitsFor(database),
  });
}
