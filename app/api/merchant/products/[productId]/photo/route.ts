import { getDatabase } from '@/db/client';
import { getSessionUser } from '@/server/auth/session';
import { handleProductPhotoUpload } from './handler';

export const dynamic = 'force-dynamic';

export async function POST(req: Request, { params }: { params: Promise<{ productId: string }> }) {
  const { productId } = await params;
  return handleProductPhotoUpload(req, productId, {
    user: await getSessionUser(),
    database: await getDatabase(),
  });
}
