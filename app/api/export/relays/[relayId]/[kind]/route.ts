import type { NextRequest } from 'next/server';
import { getDatabase } from '@/db/client';
import { LOCALE_COOKIE, toLocale } from '@/app/i18n/config';
import { getSessionUser } from '@/server/auth/session';
import { exportResponse } from '@/server/export/respond';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/export/relays/:relayId/:kind?format=csv|xlsx|pdf[&communityId=…][&merchantId=…]
 * kind: totals | bags | stairwells | all | labels. The body is streamed.
 */
export async function GET(
  req: NextRequest,
  { params }: { params: Promise<{ relayId: string; kind: string }> },
) {
  const { relayId, kind } = await params;
  const q = req.nextUrl.searchParams;
  return exportResponse({
    database: await getDatabase(),
    user: await getSessionUser(),
    locale: toLocale(req.cookies.get(LOCALE_COOKIE)?.value),
    input: {
      target: {
        kind: 'relay',
        relayId,
        communityId: q.get('communityId') ?? undefined,
        merchantId: q.get('merchantId') ?? undefined,
      },
      view: kind,
      format: q.get('format'),
    },
  });
}
