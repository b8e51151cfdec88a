import type { NextRequest } from 'next/server';
import { getDatabase } from '@/db/client';
import { LOCALE_COOKIE, toLocale } from '@/app/i18n/config';
import { getSessionUser } from '@/server/auth/session';
import { handleShareCard } from './handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(
  req: NextRequest,
  { params }: { params: Promise<{ communityId: string; relayId: string }> },
) {
  return handleShareCard(req, await params, {
    user: await getSessionUser(),
    database: await getDatabase(),
    locale: toLocale(req.cookies.get(LOCALE_COOKIE)?.value),
  });
}
