import type { NextRequest } from 'next/server';
import { getDatabase } from '@/db/client';
import { getSessionUser } from '@/server/auth/session';
import { selfTestExportResponse } from '@/server/export/self-test';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/export/health-rounds/:roundId?communityId=…&format=csv|xlsx — a self-test round's table. */
export async function GET(req: NextRequest, { params }: { params: Promise<{ roundId: string }> }) {
  const { roundId } = await params;
  const q = req.nextUrl.searchParams;
  return selfTestExportResponse({
    database: await getDatabase(),
    user: await getSessionUser(),
    input: { communityId: q.get('communityId') ?? '', roundId, format: q.get('format') ?? 'xlsx' },
  });
}
