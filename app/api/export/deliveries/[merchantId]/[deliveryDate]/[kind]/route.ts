import type { NextRequest } from 'next/server';
import { getDatabase } from '@/db/client';
import { LOCALE_COOKIE, toLocale } from '@/app/i18n/config';
import { getSessionUser } from '@/server/auth/session';
import { exportResponse } from '@/server/export/respond';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/export/deliveries/:merchantId/:deliveryDate/:kind?communityId=…&format=csv|xlsx|pdf
 * One merchant's formed relays delivered on one day in one compound. The body is streamed.
 */
export async function GET(
  req: NextRequest,
  { params }: { params: Promise<{ merchantId: string; deliveryDate: string; kind: string }> },
) {
  const { merchantId, deliveryDate, kind } = await params;
  const q = req.nextUrl.searchParams;
  return exportResponse({
    database: await getDatabase(),
    user: await getSessionUser(),
    locale: toLocale(req.cookies.get(LOCALE_COOKIE)?.value),
    input: {
      target: { kind: 'delivery', merchantId, deliveryDate, communityId: q.get('communityId') ?? '' },
      view: kind,
      format: q.get('format'),
    },
  });
}
