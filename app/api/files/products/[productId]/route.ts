import { getDatabase } from '@/db/client';
import { handleProductPhotoDownload } from './handler';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ productId: string }> }) {
  const { productId } = await params;
  return handleProductPhotoDownload(req, productId, { user: null, database: await getDatabase() });
}
